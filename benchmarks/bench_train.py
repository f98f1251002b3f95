"""Training throughput: this project's Trainer set-up against a plain baseline.

Both train the same model (fresh heads on the configured encoder, same seed) on the
same sentences for the same number of steps, in one process:

  baseline  every batch padded to model.max_length, random order (no length grouping)
  ours      each batch padded to its own longest member, length-grouped batches

    python benchmarks/bench_train.py --config configs/full.yaml [--steps 40] [--sentences 2000]

Prints sentences per second for each and their ratio, and the projected time of one
epoch of the config's train split at our rate.
"""

import argparse
import time

import torch
from transformers import Trainer

from quotestance import experiment
from quotestance.config import load_config
from quotestance.training import MultiTaskCollator, build_model, encode, training_arguments


def measure(config, records, steps: int, fixed_padding: bool, work_dir: str) -> float:
    model, tokenizer = build_model(config)
    dataset = encode(records, tokenizer, model)
    config.train.group_by_length = not fixed_padding
    args = training_arguments(config, work_dir, has_validation=False, checkpoints=False)
    args.max_steps = steps
    args.disable_tqdm = True
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=dataset,
        data_collator=MultiTaskCollator(
            tokenizer, config.model.tasks, pad_to_length=config.model.max_length if fixed_padding else None
        ),
    )
    started = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - started
    return steps * config.train.per_device_train_batch_size / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="configs/full.yaml")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument(
        "--sentences",
        type=int,
        default=2000,
        help="sample of the train split both runs draw their batches from",
    )
    args, overrides = parser.parse_known_args()
    config = load_config(args.config, overrides)
    data = experiment.load_data(config)
    train = data["train"].shuffle(seed=config.train.seed)
    sample = train.select(range(min(args.sentences, len(train))))
    print(
        f"threads: {torch.get_num_threads()}, encoder: {config.model.encoder}, "
        f"batch {config.train.per_device_train_batch_size}, max_length {config.model.max_length}, "
        f"{args.steps} steps on {len(sample)} sentences"
    )
    baseline = measure(config, sample, args.steps, fixed_padding=True, work_dir="/tmp/bench-baseline")
    ours = measure(config, sample, args.steps, fixed_padding=False, work_dir="/tmp/bench-ours")
    epoch_minutes = len(train) / ours / 60
    print("| set-up | sentences/s |")
    print("|---|---|")
    print(f"| baseline: pad to max_length, random batches | {baseline:.1f} |")
    print(f"| quotestance: dynamic padding, length-grouped | {ours:.1f} |")
    print(f"ratio (ours / baseline): {ours / baseline:.2f}x")
    print(f"one epoch of {len(train)} training sentences at our rate: {epoch_minutes:.1f} min")


if __name__ == "__main__":
    main()
