"""Draft annotations of new articles with the rule baseline, for a person to correct.

    python scripts/preannotate.py data/raw/new_article.txt [more.txt | folder ...] --output drafts/

Writes <doc_id>.jsonl per article in the gold format of data/annotations/ (one line
per sentence). An existing file is never overwritten.
"""

import argparse
import sys

from quotestance.baseline import write_preannotations
from quotestance.errors import EXIT_USAGE, run_script


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", help="article .txt files or folders of them")
    parser.add_argument("--output", required=True, help="folder for the drafted <doc_id>.jsonl files")
    args = parser.parse_args()
    try:
        written = write_preannotations(args.inputs, args.output)
    except (FileExistsError, FileNotFoundError) as error:  # never overwrite a draft
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    run_script(main)
