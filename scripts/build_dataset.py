"""Build the sentence dataset of a config and print its card.

python scripts/build_dataset.py --config configs/full.yaml [--data.key=value ...]
"""

import argparse

from datasets.utils.logging import disable_progress_bar

from quotestance.config import describe_fields, load_config
from quotestance.dataset import build_dataset, dataset_card, save_dataset
from quotestance.errors import run_script


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, epilog=describe_fields(), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", required=True, help="a YAML file in configs/")
    args, overrides = parser.parse_known_args()
    disable_progress_bar()  # the card is the output; per-split bars only bury it
    config = load_config(args.config, overrides)
    dataset, stats = build_dataset(config)
    path = save_dataset(dataset, stats, config)
    print(dataset_card(config, stats))
    print(f"saved to {path}")


if __name__ == "__main__":
    run_script(main)
