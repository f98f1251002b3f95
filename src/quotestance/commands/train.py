"""Fine-tune the multi-task model: config, data, model, train, evaluate, save.

quotestance train --config configs/seed.yaml [--train.seed=7 ...]
accelerate launch scripts/train.py --config configs/full.yaml    # several GPUs
"""

import logging
import time

from accelerate import PartialState
from datasets.utils.logging import disable_progress_bar

from .. import experiment
from ..atomic import staged_directory
from ..config import load_config
from ..report import report_metadata
from . import config_parser


def parse_args(argv: list[str] | None = None, prog: str | None = None):
    parser = config_parser(prog, __doc__)
    parser.add_argument("--config", required=True, help="a YAML file from configs/")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue from the last checkpoint of this run (= --train.resume=true)",
    )
    args, overrides = parser.parse_known_args(argv)
    if args.resume:
        overrides.append("--train.resume=true")
    return args, overrides


def main(argv: list[str] | None = None, prog: str | None = None):
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    disable_progress_bar()  # per-map bars of the datasets library; the Trainer keeps its own
    args, overrides = parse_args(argv, prog)
    started = time.time()
    state = PartialState()

    # Config and data: the config's sources as one DatasetDict (train / validation / test).
    config = load_config(args.config, overrides)
    experiment.check_run_dir(config)  # a folder we cannot write fails now, not after training
    data = experiment.load_data(config)
    # Taken now: the code and machine that train, not the tree as it is when training ends.
    metadata = report_metadata(config, model=str(experiment.run_dir(config)), config_file=args.config)

    # Cross-validation (the seed): out-of-fold predictions before the final fit.
    cross_validation = None
    if config.train.cross_validate:
        cross_validation = experiment.cross_validate(config, data["train"])

    # Model + training: fresh heads on the configured encoder, seeded.
    model, tokenizer, history = experiment.train_final(config, data)

    # Evaluate and save, into a staging directory renamed into place at the end.
    if state.is_main_process:
        with staged_directory(experiment.run_dir(config)) as staging:
            labeler = experiment.labeler(model, tokenizer)
            reports = experiment.evaluate_tests(labeler, config, data, staging / "reports", metadata)
            if cross_validation is not None:
                reports["seed-cv"] = experiment.write_cross_validation_report(
                    *cross_validation, config, staging / "reports", metadata
                )
            info = experiment.run_info(config, data, history, time.time() - started, metadata["provenance"])
            experiment.save_run(staging, model, tokenizer, info, reports)
        experiment.remove_work_dir(config)
        run_dir = experiment.run_dir(config)
        print(f"checkpoint: {run_dir}")
        for name in reports:
            print(f"report:     {run_dir / 'reports' / name / 'report.md'}")
