"""Draft annotations of new articles, for a person to correct.

    quotestance preannotate data/raw/new_article.txt [more.txt | folder ...] --output drafts/
    quotestance preannotate articles/ --output drafts/ --model models/full --label-studio

Writes <doc_id>.jsonl per article in the gold format of data/annotations/ (one line
per sentence), drafted by the rule baseline or, with --model, by a trained checkpoint.
--label-studio adds <doc_id>.tasks.json: Label Studio tasks with the draft as
predictions (the model's probabilities as scores); see docs/annotation.md. An existing
file is never overwritten.
"""

import argparse
import sys

from ..errors import EXIT_USAGE
from ..preannotate import write_preannotations
from . import HelpFormatter


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("inputs", nargs="+", help="article .txt files or folders of them")
    parser.add_argument("--output", required=True, help="folder for the drafted <doc_id>.jsonl files")
    parser.add_argument("--model", help="draft with this checkpoint (default: the rule baseline)")
    parser.add_argument(
        "--label-studio", action="store_true", help="also write <doc_id>.tasks.json for Label Studio"
    )
    args = parser.parse_args(argv)
    labeler = None
    if args.model:
        from ..inference import Labeler

        labeler = Labeler.from_pretrained(args.model)
    try:
        written = write_preannotations(
            args.inputs, args.output, labeler=labeler, label_studio=args.label_studio
        )
    except (FileExistsError, FileNotFoundError) as error:  # never overwrite a draft
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path}")
    return 0
