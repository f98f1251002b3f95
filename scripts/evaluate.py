"""Evaluate a checkpoint, or the rule baseline, on a split: one report per corpus.

    python scripts/evaluate.py --model models/<run> --config configs/<name>.yaml [--split test] [--output DIR]
    python scripts/evaluate.py --baseline --config configs/<name>.yaml [--split test] [--output DIR]

Reports go to DIR/<corpus>-<split>/ (default reports/<run or baseline>-<config name>/):
report.json, report.md, confusion and per-class F1 pictures, errors.jsonl.
"""

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from quotestance.config import ConfigError, load_config
from quotestance.evaluation import load_split
from quotestance.provenance import provenance
from quotestance.report import write_split_reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", help="a checkpoint folder, e.g. models/seed")
    which.add_argument("--baseline", action="store_true", help="the rule baseline instead of a model")
    parser.add_argument("--config", required=True, help="the YAML config whose dataset to evaluate on")
    parser.add_argument("--split", default="test", help="train, validation or test (default test)")
    parser.add_argument("--output", help="folder for the reports (default reports/<run>-<config>)")
    args, overrides = parser.parse_known_args()
    try:
        config = load_config(args.config, overrides)
        gold = load_split(config, args.split)
    except (ConfigError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.baseline:
        from quotestance.baseline import predict_records

        name, predictions = "baseline", predict_records(gold)
    else:
        from quotestance.inference import Labeler

        name = Path(args.model).name
        predictions = Labeler.from_pretrained(args.model).predict_records(gold)
    output = Path(args.output or f"reports/{name}-{Path(args.config).stem}")
    metadata = {
        "model": "rule baseline (quotestance.baseline)" if args.baseline else str(args.model),
        "config": str(args.config),
        "config_values": config.to_dict(),
        "data": config.data.processed_dir,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "provenance": provenance(),
    }
    for path in write_split_reports(gold, predictions, output, args.split, metadata,
                                    bootstrap_samples=config.train.bootstrap_samples):
        print(f"wrote {path}/report.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
