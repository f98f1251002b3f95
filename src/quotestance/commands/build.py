"""Build the sentence dataset of a config and print its card.

quotestance build --config configs/full.yaml [--data.key=value ...]
"""

import argparse

from datasets.utils.logging import disable_progress_bar

from ..config import describe_fields, load_config
from ..dataset import build_dataset, dataset_card, save_dataset
from . import HelpFormatter


def main(argv: list[str] | None = None, prog: str | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=__doc__,
        epilog=describe_fields(),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--config", required=True, help="a YAML file in configs/")
    args, overrides = parser.parse_known_args(argv)
    disable_progress_bar()  # the card is the output; per-split bars only bury it
    config = load_config(args.config, overrides)
    dataset, stats = build_dataset(config)
    path = save_dataset(dataset, stats, config)
    print(dataset_card(config, stats))
    print(f"saved to {path}")
