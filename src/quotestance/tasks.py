"""The task registry: what the model predicts, in one place.

A task is a name, its sorted label vocabulary, the kind of head that predicts it
(one label per sentence, or one BIO tag per token), the loss, and the metrics its
report carries. The config validates `model.tasks` against this registry; the model
builds one head per task from it; `features` turns a record into the task's label
ids with `Task.gold`; the predictor, the evaluation and the reports iterate over it.

To add a sentence task, register it (in this module for a built-in one, or from
your own code before the config loads):

    register_task(Task("has_quote", ("no", "yes"),
                       gold=lambda record: None if record["quote_type"] is None
                       else "no" if record["quote_type"] == "none" else "yes"))

and name it in `model.tasks`. Nothing else changes: `tests/test_registries.py`
trains the tiny model on such a task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from .labels import BIO_TAGS, EVENT_MODES, IGNORE_INDEX, QUOTE_TYPES, STANCES, label_maps
from .registry import Registry

SENTENCE = "sentence"  # one label per sentence, from the pooled sentence and context
TOKEN = "token"  # one BIO tag per token of the sentence


def masked_cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over the examples (or tokens) whose label is not IGNORE_INDEX.

    Args:
        logits: (batch, labels) for a sentence task, (batch, tokens, labels) for a token task.
        labels: (batch,) or (batch, tokens) label ids, IGNORE_INDEX where unlabelled.

    Returns:
        A scalar tensor (computed in float32 whatever the logits' dtype).
    """
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1), ignore_index=IGNORE_INDEX
    )


@dataclass(frozen=True)
class Task:
    """One prediction task.

    Args:
        name: the task's name in `model.tasks`, the model's `<name>_logits` output, the
            `<name>_labels` column and the prediction's `<name>` / `<name>_probs` keys.
        labels: the sorted vocabulary; a label's id is its index.
        kind: SENTENCE or TOKEN.
        gold: the gold label of a record, or None where the record is not labelled for
            the task (masked in the loss, skipped by the metrics). Default: the record's
            field of the task's name. Token tasks read the record's spans instead.
        loss: (logits, label ids) -> scalar loss; labels equal to IGNORE_INDEX count for nothing.
        metrics: the names of the evaluation's metric functions that report on this task
            (`evaluation.METRICS`).
    """

    name: str
    labels: tuple[str, ...]
    kind: str = SENTENCE
    gold: Callable[[dict], str | None] | None = None
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = masked_cross_entropy
    metrics: tuple[str, ...] = ("classification",)

    def __post_init__(self):
        if self.kind not in (SENTENCE, TOKEN):
            raise ValueError(f"task {self.name!r}: kind must be {SENTENCE!r} or {TOKEN!r}, got {self.kind!r}")
        label_maps(self.labels)  # sorted, at least two labels

    def gold_label(self, record: dict) -> str | None:
        """The record's gold label for this sentence task, or None where it has none."""
        return self.gold(record) if self.gold is not None else record.get(self.name)


TASKS: Registry[Task] = Registry("task", "quotestance.tasks.register_task")
register_task = TASKS.register
get_task = TASKS.lookup


def task_names() -> tuple[str, ...]:
    """Every registered task, in registration order: the order of heads, logits and columns."""
    return tuple(TASKS)


def sentence_tasks(names=None) -> list[Task]:
    """The registered sentence tasks (of `names`, when given), in registration order."""
    return [t for t in TASKS.values() if t.kind == SENTENCE and (names is None or t.name in names)]


SPAN_TASK = "spans"

register_task(Task("quote_type", QUOTE_TYPES))
register_task(Task("stance", STANCES, metrics=("classification", "cooperative_vs_conflictual")))
register_task(Task("event_mode", EVENT_MODES))
register_task(Task(SPAN_TASK, BIO_TAGS, kind=TOKEN, metrics=("spans",)))
