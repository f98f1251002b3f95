"""Compare evaluation reports made on the same test data, side by side.

    quotestance compare reports/baseline-full/plv-test reports/full/plv-test [--output cmp.md]

Prints a Markdown table of each report's metrics with its difference from the first;
`*` marks a difference outside a 95% bootstrap interval. Reports on different test
data are refused.
"""

import argparse
import sys

from ..atomic import write_text_atomic
from ..errors import EXIT_USAGE
from ..report import compare_reports, load_report
from . import HelpFormatter


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("reports", nargs="+", help="report.json files or their folders (two or more)")
    parser.add_argument("--output", help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    if len(args.reports) < 2:
        parser.error("give at least two reports to compare")
    try:
        loaded = [load_report(path) for path in args.reports]
        table = compare_reports([(str(path.parent), report) for path, report in loaded])
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(table)
    if args.output:
        write_text_atomic(args.output, table)
    return 0
