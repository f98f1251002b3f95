"""Fine-tuning one QuoteStanceModel on the transformers Trainer.

The Trainer brings what `accelerate launch scripts/train.py` needs to run the same
code on several GPUs or machines, mixed precision, checkpoints and resuming. This
module supplies the pieces it does not know: the multi-task collator, the label
columns and the model-selection metrics.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from datasets import Dataset
from sklearn.metrics import f1_score
from transformers import Trainer, TrainingArguments, set_seed

from . import encoders, features
from .config import Config
from .labels import IGNORE_INDEX
from .model import QuoteStanceModel
from .tasks import TOKEN, get_task

logger = logging.getLogger(__name__)

MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def build_model(config: Config) -> tuple[QuoteStanceModel, object]:
    """Tokenizer and model with fresh heads. Seeds first, so that the seed also fixes
    the heads' initial weights (and a tiny random encoder's)."""
    set_seed(config.train.seed)
    tokenizer = encoders.load_tokenizer(config.model.encoder)
    model = QuoteStanceModel.from_encoder(
        config.model.encoder,
        vocab_size=len(tokenizer),
        tasks=config.model.tasks,
        task_weights=config.model.task_weights,
        use_context=config.model.use_context,
        max_seq_length=config.model.max_length,
        classifier_dropout=config.model.classifier_dropout,
        pad_token_id=tokenizer.pad_token_id,
    )
    return model, tokenizer


def encode(dataset: Dataset, tokenizer, model: QuoteStanceModel) -> Dataset:
    """Token ids, a label column per task (IGNORE_INDEX where unlabelled) and `length`."""
    return dataset.map(
        features.encode_batch,
        batched=True,
        remove_columns=dataset.column_names,
        fn_kwargs={
            "tokenizer": tokenizer,
            "max_length": model.config.max_seq_length,
            "use_context": model.config.use_context,
            "task_labels": model.config.task_labels,
        },
        desc="Tokenizing",
    )


class MultiTaskCollator:
    """Pads a batch to its own longest member (or, for the benchmark's baseline, to a
    fixed `pad_to_length`); span tags are padded with IGNORE_INDEX."""

    def __init__(self, tokenizer, tasks: list[str], pad_to_length: int | None = None):
        self.tokenizer = tokenizer
        self.label_columns = [features.label_column(task) for task in tasks]
        self.token_columns = {features.label_column(t) for t in tasks if get_task(t).kind == TOKEN}
        self.padding = (
            {"padding": "max_length", "max_length": pad_to_length}
            if pad_to_length
            else {"padding": "longest"}
        )

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        inputs = [{key: row[key] for key in MODEL_INPUTS if key in row} for row in rows]
        batch = self.tokenizer.pad(inputs, return_tensors="pt", **self.padding)
        width = batch["input_ids"].shape[1]
        for column in self.label_columns:
            values = [row[column] for row in rows]
            if column in self.token_columns:
                values = [tags + [IGNORE_INDEX] * (width - len(tags)) for tags in values]
            batch[column] = torch.tensor(values, dtype=torch.long)
        return batch


def selection_metrics(tasks: list[str]):
    """Trainer `compute_metrics`: macro-F1 per sentence task and token-level span F1,
    over labelled examples only, plus their mean as `combined`. Good enough to pick a
    checkpoint; the full report comes from quotestance.evaluation."""

    def compute(prediction) -> dict[str, float]:
        logits = prediction.predictions
        labels = prediction.label_ids
        logits = logits if isinstance(logits, tuple) else (logits,)
        labels = labels if isinstance(labels, tuple) else (labels,)
        scores = {}
        for task, task_logits, task_labels in zip(tasks, logits, labels):
            predicted = np.asarray(task_logits).argmax(-1).reshape(-1)
            gold = np.asarray(task_labels).reshape(-1)
            keep = gold != IGNORE_INDEX
            if not keep.any():
                continue
            if get_task(task).kind == TOKEN:
                outside = get_task(task).labels.index("O")
                scores[f"{task}_token_f1"] = f1_score(
                    gold[keep],
                    predicted[keep],
                    average="micro",
                    labels=[i for i in np.unique(gold[keep]) if i != outside] or [outside],
                    zero_division=0,
                )
            else:
                scores[f"{task}_macro_f1"] = f1_score(
                    gold[keep], predicted[keep], average="macro", zero_division=0
                )
        if scores:
            scores["combined"] = float(np.mean(list(scores.values())))
        return scores

    return compute


def training_arguments(
    config: Config, output_dir: Path, has_validation: bool, checkpoints: bool = True
) -> TrainingArguments:
    train = config.train
    on_gpu = torch.cuda.is_available()
    precision = train.mixed_precision
    if precision == "auto":
        precision = ("bf16" if torch.cuda.is_bf16_supported() else "fp16") if on_gpu else "no"
    evaluate = has_validation and train.eval_strategy != "no"
    metric = train.metric_for_best_model
    return TrainingArguments(
        output_dir=str(output_dir),
        seed=train.seed,
        data_seed=train.seed,
        num_train_epochs=train.num_train_epochs,
        max_steps=train.max_steps,
        learning_rate=train.learning_rate,
        weight_decay=train.weight_decay,
        # Not a misnomer: transformers 5 deprecated `warmup_ratio` (gone after 5.2), and its
        # `warmup_steps` reads a float below 1 as that share of all steps (config.RANGES
        # keeps ours in [0, 1)).
        warmup_steps=train.warmup_ratio,
        per_device_train_batch_size=train.per_device_train_batch_size,
        per_device_eval_batch_size=train.per_device_eval_batch_size,
        train_sampling_strategy="group_by_length" if train.group_by_length else "random",
        length_column_name="length",
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        eval_strategy=train.eval_strategy if evaluate else "no",
        eval_steps=train.eval_steps,
        save_strategy=(train.eval_strategy if evaluate else "epoch") if checkpoints else "no",
        save_steps=train.eval_steps,
        save_total_limit=2,
        load_best_model_at_end=evaluate,
        metric_for_best_model=metric if evaluate else None,
        greater_is_better=True,
        logging_steps=train.logging_steps,
        # TensorBoard gets its own callback in `fit` (its folder is the run's, not the
        # Trainer's work folder, which is removed); other integrations log their own way.
        report_to=[] if train.report_to in ("none", "tensorboard") else [train.report_to],
        label_names=[features.label_column(task) for task in config.model.tasks],
        remove_unused_columns=False,
        dataloader_num_workers=train.dataloader_num_workers,
        dataloader_pin_memory=on_gpu,
        disable_tqdm=False,
    )


def fit(
    config: Config,
    train_records: Dataset,
    validation_records: Dataset | None,
    work_dir: Path,
    resume: bool = False,
    checkpoints: bool = True,
    logging_dir: Path | None = None,
) -> tuple[QuoteStanceModel, object, dict]:
    """Train a fresh model; returns it (the best checkpoint where there is validation),
    its tokenizer and the Trainer's log history. `checkpoints=False` (cross-validation
    folds) keeps nothing on disk. With `train.report_to=tensorboard` and a `logging_dir`,
    the run's TensorBoard event files go there."""
    model, tokenizer = build_model(config)
    train_set = encode(train_records, tokenizer, model)
    validation_set = encode(validation_records, tokenizer, model) if validation_records else None
    if config.data.max_train_samples:
        # Shuffled first: the split is ordered by source, and its head would be one source.
        train_set = train_set.shuffle(seed=config.train.seed).select(
            range(min(config.data.max_train_samples, len(train_set)))
        )
    if validation_set is not None and config.data.max_eval_samples:
        validation_set = validation_set.shuffle(seed=config.train.seed).select(
            range(min(config.data.max_eval_samples, len(validation_set)))
        )
    trainer = Trainer(
        model=model,
        args=training_arguments(
            config, work_dir, has_validation=validation_set is not None, checkpoints=checkpoints
        ),
        train_dataset=train_set,
        eval_dataset=validation_set,
        data_collator=MultiTaskCollator(tokenizer, config.model.tasks),
        processing_class=tokenizer,
        compute_metrics=selection_metrics(config.model.tasks),
        callbacks=tensorboard_callbacks(config, logging_dir),
    )
    checkpoint = resume and _last_checkpoint(work_dir)
    if resume and not checkpoint:
        logger.warning("--train.resume: no checkpoint in %s, starting from scratch", work_dir)
    trainer.train(resume_from_checkpoint=checkpoint or None)
    return (
        trainer.model,
        tokenizer,
        {"log_history": trainer.state.log_history, "global_step": trainer.state.global_step},
    )


def tensorboard_callbacks(config: Config, logging_dir: Path | None) -> list:
    """A TensorBoard callback writing to `logging_dir`, when the config asks for one."""
    if config.train.report_to != "tensorboard" or logging_dir is None:
        return []
    from torch.utils.tensorboard import SummaryWriter  # tensorboard: an optional extra, checked by the config
    from transformers.integrations import TensorBoardCallback

    return [TensorBoardCallback(SummaryWriter(log_dir=str(logging_dir)))]


def _last_checkpoint(work_dir: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(work_dir)) if Path(work_dir).is_dir() else None
