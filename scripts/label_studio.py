"""Label Studio round trip: the labeling config, drafts as tasks, exports back to gold.

    python scripts/label_studio.py config --output label-studio.xml
    python scripts/label_studio.py tasks drafts/*.jsonl --output tasks.json
    python scripts/label_studio.py import export.json --output data/annotations/

`import` writes <doc_id>.jsonl per article in the gold format of data/annotations/,
validated by the gold rules (every problem named by task and sentence), all or
nothing, and never over an existing file. See docs/annotation.md.
"""

import argparse
import json
from pathlib import Path

from quotestance.annotations import json_lines
from quotestance.atomic import write_new_files, write_text_atomic
from quotestance.errors import DataProblems, run_script
from quotestance.label_studio import from_export, labeling_config, to_tasks


class ReadError(DataProblems):
    what = "input problem"


def _read_lines(paths: list[Path]) -> list[dict]:
    lines, problems = [], []
    for path in paths:
        objects, errors = json_lines(path)
        lines += [line for _, line in objects]
        problems += errors
    if problems:
        raise ReadError(problems)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    config = sub.add_parser("config", help="the labeling interface XML")
    config.add_argument("--output", type=Path)
    tasks = sub.add_parser("tasks", help="gold-format files as Label Studio tasks")
    tasks.add_argument("files", nargs="+", type=Path)
    tasks.add_argument("--as", dest="kind", choices=("predictions", "annotations"), default="predictions")
    tasks.add_argument("--output", type=Path, required=True)
    imported = sub.add_parser("import", help="a Label Studio JSON export to gold-format files")
    imported.add_argument("export", type=Path)
    imported.add_argument(
        "--output", type=Path, required=True, help="folder for <doc_id>.jsonl (never overwritten)"
    )
    args = parser.parse_args()

    if args.command == "config":
        if args.output:
            write_text_atomic(args.output, labeling_config())
        else:
            print(labeling_config(), end="")
    elif args.command == "tasks":
        write_text_atomic(
            args.output,
            json.dumps(to_tasks(_read_lines(args.files), kind=args.kind), ensure_ascii=False, indent=1)
            + "\n",
        )
        print(f"wrote {args.output}")
    else:
        try:
            exported = json.loads(args.export.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ReadError(
                [
                    f"{args.export}: not a Label Studio JSON export ({error}); "
                    "export with Label Studio's JSON format"
                ]
            ) from None
        by_doc = from_export(exported, str(args.export))
        files = {
            args.output / f"{doc_id}.jsonl": "".join(
                json.dumps(line, ensure_ascii=False) + "\n" for line in lines
            )
            for doc_id, lines in by_doc.items()
        }
        existing = [str(path) for path in files if path.exists()]
        if existing:
            raise ReadError(
                [
                    f"{path}: exists; gold files are never overwritten (move it away first)"
                    for path in existing
                ]
            )
        try:
            write_new_files(files, args.output)
        except FileExistsError as error:  # appeared after the check above
            raise ReadError([str(error)]) from None
        for path in files:
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    run_script(main)
