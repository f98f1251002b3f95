"""Evaluate a checkpoint, or the rule baseline, on a split: one report per corpus.

    quotestance evaluate --model models/<run> --config configs/<name>.yaml [--split test] [--output DIR]
    quotestance evaluate --baseline --config configs/<name>.yaml [--split test] [--output DIR]

Reports go to DIR/<corpus>-<split>/ (default reports/<run or baseline>-<config name>/):
report.json, report.md, confusion and per-class F1 pictures, errors.jsonl. Bootstrap
intervals use the config's train.seed, as the reports written by training do.
"""

import sys
from pathlib import Path

from ..config import load_config
from ..dataset import gold_split
from ..errors import EXIT_USAGE, QuotestanceError
from ..experiment import write_split_reports
from ..report import report_metadata
from . import config_parser

BASELINE_NAME = "rule baseline (quotestance.baseline)"


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = config_parser(prog, __doc__)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", help="a checkpoint folder, e.g. models/seed")
    which.add_argument("--baseline", action="store_true", help="the rule baseline instead of a model")
    parser.add_argument("--config", required=True, help="the YAML config whose dataset to evaluate on")
    parser.add_argument("--split", default="test", help="train, validation or test (default test)")
    parser.add_argument("--output", help="folder for the reports (default reports/<run>-<config>)")
    args, overrides = parser.parse_known_args(argv)
    config = load_config(args.config, overrides)
    try:
        gold = gold_split(config, args.split)
        if args.baseline:
            from ..actors import default_table
            from ..baseline import predict_records

            table = default_table()
            name, predict = "baseline", lambda records: predict_records(records, table)
        else:
            from ..inference import Labeler

            name, predict = Path(args.model).name, Labeler.from_pretrained(args.model).predict_records
    except ValueError as error:  # a split name or argument that gold_split refuses
        if isinstance(error, QuotestanceError):
            raise
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    predictions = predict(gold)
    output = Path(args.output or f"reports/{name}-{Path(args.config).stem}")
    metadata = report_metadata(
        config, model=BASELINE_NAME if args.baseline else args.model, config_file=args.config
    )
    for path in write_split_reports(
        gold,
        predictions,
        output,
        args.split,
        metadata,
        bootstrap_samples=config.train.bootstrap_samples,
        seed=config.train.seed,
    ):
        print(f"wrote {path}/report.md")
    return 0
