"""The steps of a training run, each one function for scripts/train.py to call in turn:
data, cross-validation, training, evaluation, and saving a self-describing run."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from accelerate import PartialState
from datasets import Dataset, DatasetDict

from .actors import DEFAULT_TABLE_PATH, ActorTable
from .config import Config
from .dataset import build_dataset
from .errors import OutputError
from .evaluation import evaluate
from .inference import Labeler
from .model import QuoteStanceModel
from .model_card import model_card
from .report import learning_curves_png, write_report
from .schema import Prediction, SentenceRecord
from .training import fit

logger = logging.getLogger(__name__)


def run_dir(config: Config) -> Path:
    return Path(config.train.output_dir) / config.train.run_name


def check_run_dir(config: Config) -> Path:
    """The run directory, once its parent is a writable folder and it is not a file."""
    output_dir, run = Path(config.train.output_dir), run_dir(config)
    where = f"train.output_dir={str(output_dir)!r}"
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"{where}: is a file, not a folder; choose another train.output_dir")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"{where}: cannot be created ({error.strerror}); choose another train.output_dir"
        ) from None
    if not os.access(output_dir, os.W_OK | os.X_OK):
        raise OutputError(f"{where}: not writable; choose a folder you can write to")
    if run.exists() and not run.is_dir():
        raise OutputError(f"{run}: exists and is a file; move it or choose another train.run_name")
    return run


def work_dir(config: Config) -> Path:
    """Trainer checkpoints for --train.resume; removed once the run is saved."""
    return Path(config.train.output_dir) / f".{config.train.run_name}.work"


def load_data(config: Config) -> DatasetDict:
    """The dataset of the config's sources, built (corpora conversions are cached). Under
    `accelerate launch` the main process builds first and fills the cache; the others
    then read it."""
    with PartialState().main_process_first():
        data, _ = build_dataset(config)
    return data


def labeler(model: QuoteStanceModel, tokenizer):
    """The inference Labeler around an in-memory model, with the project's actor table."""
    return Labeler(model, tokenizer, actors=ActorTable.from_yaml(DEFAULT_TABLE_PATH))


def cross_validate(config: Config, records: Dataset) -> tuple[list[SentenceRecord], list[Prediction]]:
    """Out-of-fold predictions: for each fold, a fresh model trained on the other folds
    labels the held-out sentences. Returns (gold records, predictions) in article order."""
    folds = sorted(set(records["fold"]))
    if len(folds) < 2 or min(folds) < 0:
        raise ValueError(
            "train.cross_validate needs the sentences' folds; rebuild the dataset with "
            f"data.num_folds >= 2 (found folds {folds})"
        )
    predictions: dict[str, dict] = {}
    for fold in folds:
        logger.info("cross-validation: fold %d of %d", fold + 1, len(folds))
        held_out = records.filter(lambda row, fold=fold: row["fold"] == fold)
        trained_on = records.filter(lambda row, fold=fold: row["fold"] != fold)
        model, tokenizer, _ = fit(
            config, trained_on, None, work_dir(config) / f"cv-fold-{fold}", checkpoints=False
        )
        fold_labeler = labeler(model, tokenizer)
        fold_predictions = fold_labeler.predict_records(list(held_out), resolve=False)
        predictions.update({p["id"]: p for p in fold_predictions})
    gold = sorted(records, key=lambda r: (r["corpus"], r["doc_id"], r["sent_index"]))
    # Sources are resolved across the article once every sentence has its prediction.
    return gold, fold_labeler.resolve_records(gold, [predictions[r["id"]] for r in gold])


def train_final(config: Config, data: DatasetDict) -> tuple[QuoteStanceModel, object, dict]:
    """Train on the train split; the validation split, where there is one, picks the best
    epoch. Sources with cross-validation folds but no validation train on everything."""
    validation = data.get("validation")
    if validation is not None and len(validation) == 0:
        validation = None
    return fit(
        config,
        data["train"],
        validation,
        work_dir(config),
        resume=config.train.resume,
        logging_dir=Path(config.train.logging_dir) / config.train.run_name,
    )


def evaluate_tests(
    labeler, config: Config, data: DatasetDict, out_dir: Path, metadata: dict
) -> dict[str, dict]:
    """One report per corpus of the test split, written under out_dir/<corpus>-test/."""
    test = data.get("test")
    if test is None or len(test) == 0:
        return {}
    gold = sorted(test, key=lambda r: (r["corpus"], r["doc_id"], r["sent_index"]))
    written = write_split_reports(
        gold,
        labeler.predict_records(gold),
        out_dir,
        "test",
        metadata,
        bootstrap_samples=config.train.bootstrap_samples,
        seed=config.train.seed,
    )
    return {path.name: json.loads((path / "report.json").read_text()) for path in written}


def write_cross_validation_report(
    gold: list[dict], predictions: list[dict], config: Config, out_dir: Path, metadata: dict
) -> dict:
    [path] = write_split_reports(
        gold,
        predictions,
        out_dir,
        "cv",
        metadata,
        bootstrap_samples=config.train.bootstrap_samples,
        seed=config.train.seed,
    )
    return json.loads((path / "report.json").read_text())


def split_sizes(data: DatasetDict) -> dict[str, dict[str, int]]:
    sizes = {}
    for name, split in data.items():
        counts: dict[str, int] = {}
        for corpus in split["corpus"]:
            counts[corpus] = counts.get(corpus, 0) + 1
        sizes[name] = dict(sorted(counts.items()))
    return sizes


def run_info(config: Config, data: DatasetDict, history: dict, wall_seconds: float, origin: dict) -> dict:
    """`origin` is `provenance.provenance()` taken when the run started: the code that
    trained, not what the tree holds by the time training ends."""
    return {
        "config": config.to_dict(),
        "seed": config.train.seed,
        **origin,
        "wall_seconds": round(wall_seconds, 1),
        "global_step": history.get("global_step"),
        "split_sizes": split_sizes(data),
        "log_history": history.get("log_history", []),
    }


def save_run(
    directory: Path, model: QuoteStanceModel, tokenizer, info: dict, reports: dict[str, dict]
) -> None:
    """Checkpoint (safetensors, config with label maps, tokenizer), run_info.json, the
    learning curves (learning_curves.png) and the model card, into `directory` (a staging
    directory renamed into place by the caller)."""
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    info["learning_curves"] = learning_curves_png(info.get("log_history", []), directory)
    (directory / "run_info.json").write_text(json.dumps(info, indent=2, default=str) + "\n", encoding="utf-8")
    (directory / "README.md").write_text(model_card(model.config, info, reports), encoding="utf-8")


def remove_work_dir(config: Config) -> None:
    shutil.rmtree(work_dir(config), ignore_errors=True)


def write_split_reports(
    gold: list[SentenceRecord],
    predictions: list[Prediction],
    out_root,
    split: str,
    metadata: dict,
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> list[Path]:
    """Evaluate the predictions per corpus of the split and write one report each, into
    <out_root>/<corpus>-<split>/ (report.json, report.md, figures, errors.jsonl)."""
    by_id = {p["id"]: p for p in predictions}
    written = []
    for corpus in sorted({r["corpus"] for r in gold}):
        part = [r for r in gold if r["corpus"] == corpus]
        part_predictions = [by_id[r["id"]] for r in part if r["id"] in by_id]
        report = evaluate(
            part,
            part_predictions,
            bootstrap_samples=bootstrap_samples,
            seed=seed,
            metadata={**metadata, "split": f"{corpus}-{split}"},
        )
        written.append(write_report(report, part_predictions, part, Path(out_root) / f"{corpus}-{split}"))
    return written
