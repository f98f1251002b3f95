"""Build the sentence dataset of a config and print its card.

quotestance build --config configs/full.yaml [--data.key=value ...]
"""

from datasets.utils.logging import disable_progress_bar

from ..config import load_config
from ..dataset import build_dataset, dataset_card, save_dataset
from . import config_parser


def main(argv: list[str] | None = None, prog: str | None = None) -> None:
    parser = config_parser(prog, __doc__)
    parser.add_argument("--config", required=True, help="a YAML file in configs/")
    args, overrides = parser.parse_known_args(argv)
    disable_progress_bar()  # the card is the output; per-split bars only bury it
    config = load_config(args.config, overrides)
    dataset, stats = build_dataset(config)
    path = save_dataset(dataset, stats, config)
    print(dataset_card(config, stats))
    print(f"saved to {path}")
