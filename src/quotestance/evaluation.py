"""Metrics of predictions against gold records, as one JSON-ready report dict.

    report = evaluate(gold_records, predictions, metadata={"model": ..., "config": ...})

Sentence tasks (quote_type, stance, event_mode): scikit-learn's classification
report, accuracy, macro-F1, Cohen's kappa, the confusion matrix and a 95% bootstrap
interval for macro-F1. A record whose gold label is None is skipped for that task.
Macro-F1 averages over the labels that occur in the gold or the predictions (as
scikit-learn does by default), so a label absent from both does not count as 0.

Spans (SOURCE, CUE, CONTENT), over records with `spans_labelled`:
- exact: a predicted span counts when a gold span of the same type has the same
  start and end (span set matching on characters);
- token (seqeval): the same, on word-level BIO tags from a whitespace/punctuation
  tokenisation, one tag sequence per span type;
- overlap: character overlap; precision is the share of predicted characters inside
  a gold span of the same type, recall the share of gold characters predicted.

Attribution: accuracy of source_actor and of source_resolved (as speakers.canonical
names them, case ignored: a leading article, possessives and surrounding punctuation
do not count) over gold records with an attribution.

Everything is also broken down by `corpus`. `fingerprint` identifies the gold data,
so that reports made on different test data are never compared.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

import numpy as np
from seqeval.metrics import classification_report as seqeval_report
from sklearn.metrics import classification_report, cohen_kappa_score, confusion_matrix

from .errors import DataError
from .labels import NO_ACTOR, SPAN_FIELDS
from .speakers import canonical
from .tasks import sentence_tasks

TOKEN = re.compile(r"\w+|[^\w\s]")


class PredictionError(DataError, ValueError):
    """Predictions that do not fit the gold records: missing ids, unknown labels."""


def evaluate(
    gold_records, predictions, *, bootstrap_samples: int = 1000, seed: int = 0, metadata: dict | None = None
) -> dict:
    """Score predictions against gold records (the module docstring lists the metrics).

    Args:
        gold_records: N SentenceRecords, e.g. `dataset.gold_split(config, "test")`.
        predictions: a Prediction for each record's id (others are ignored), e.g. from
            `Labeler.predict_records` or `baseline.predict_records`.
        bootstrap_samples: resamples for the 95% intervals of macro-F1 (0: none).
        seed: random seed of the bootstrap.
        metadata: copied into the report (model, config, provenance).

    Returns:
        A JSON-ready dict: `metadata`, `data` (fingerprint, record counts), `tasks`
        (per sentence task: accuracy, macro_f1 with interval, kappa, per-label scores,
        confusion matrix), `spans`, `attribution`, and `by_corpus` with the same per corpus.

    Raises:
        PredictionError: a gold record without a prediction, or a label outside the task's.

    Example:
        >>> gold = gold_split(load_config("configs/full.yaml"), "test")
        >>> report = evaluate(gold, Labeler.from_pretrained("models/full").predict_records(gold))
        >>> report["tasks"]["stance"]["macro_f1"]
    """
    gold_records = list(gold_records)
    by_id = _predictions_by_id(gold_records, predictions)
    pairs = [(record, by_id[record["id"]]) for record in gold_records]
    report = {
        "metadata": dict(metadata or {}),
        "data": {
            "fingerprint": fingerprint(gold_records),
            "records": len(gold_records),
            "corpora": dict(sorted(Counter(r["corpus"] for r in gold_records).items())),
        },
        "bootstrap": {"samples": bootstrap_samples, "seed": seed, "confidence": 0.95},
        **_metrics(pairs, bootstrap_samples, seed),
    }
    corpora = sorted({r["corpus"] for r in gold_records})
    report["by_corpus"] = {
        corpus: _metrics([p for p in pairs if p[0]["corpus"] == corpus], bootstrap_samples, seed)
        for corpus in corpora
    }
    return report


# The record fields of the fingerprint are fixed, whatever tasks are registered: a
# fingerprint must not change because someone added a task.
FINGERPRINT_TASKS = ("quote_type", "stance", "event_mode")


def fingerprint(gold_records) -> str:
    """A hash of the gold data: ids, texts and labels, in id order."""
    digest = hashlib.sha256()
    keys = (
        "id",
        "text",
        *FINGERPRINT_TASKS,
        "spans_labelled",
        *SPAN_FIELDS.values(),
        "source_resolved",
        "source_actor",
    )
    for record in sorted(gold_records, key=lambda r: r["id"]):
        digest.update(
            json.dumps([record.get(k) for k in keys], ensure_ascii=False, default=str).encode("utf-8")
        )
    return digest.hexdigest()[:16]


def _predictions_by_id(gold_records, predictions) -> dict:
    by_id = {p["id"]: p for p in predictions}
    missing = [r["id"] for r in gold_records if r["id"] not in by_id]
    if missing:
        raise PredictionError(
            f"{len(missing)} gold records have no prediction, e.g. {missing[:3]}; "
            "predict every record of the split"
        )
    return by_id


def _metrics(pairs, bootstrap_samples: int, seed: int) -> dict:
    tasks = {}
    for task in sentence_tasks():
        both = [(task.gold_label(r), p.get(task.name)) for r, p in pairs]
        both = [(g, p) for g, p in both if g is not None and p is not None]
        if not both:
            continue
        gold, predicted = [g for g, _ in both], [p for _, p in both]
        tasks[task.name] = classification_metrics(gold, predicted, task.labels, bootstrap_samples, seed)
        if "cooperative_vs_conflictual" in task.metrics:
            kept = [(g, p) for g, p in both if g != "neutral"]
            if kept:
                tasks[task.name]["cooperative_vs_conflictual"] = _cooperation_vs_conflict(
                    [g for g, _ in kept], [p for _, p in kept], bootstrap_samples, seed
                )
    result = {"tasks": tasks}
    labelled = [(r, p) for r, p in pairs if r.get("spans_labelled")]
    if labelled:
        result["spans"] = span_metrics(labelled)
    attribution = attribution_metrics(pairs)
    if attribution:
        result["attribution"] = attribution
    return result


def classification_metrics(
    gold: list[str],
    predicted: list[str],
    labels: tuple[str, ...],
    bootstrap_samples: int = 1000,
    seed: int = 0,
) -> dict:
    unknown = sorted(set(predicted) - set(labels))
    if unknown:
        raise PredictionError(f"predicted labels {unknown} are not in the vocabulary {list(labels)}")
    stray = sorted(set(gold) - set(labels))
    if stray:
        raise PredictionError(f"gold labels {stray} are not in the vocabulary {list(labels)}")
    present = [label for label in labels if label in set(gold) | set(predicted)]
    per_class = classification_report(gold, predicted, labels=present, output_dict=True, zero_division=0)
    gold_ids, predicted_ids = _ids(gold, labels), _ids(predicted, labels)
    point = macro_f1(gold_ids, predicted_ids, len(labels))
    kappa = cohen_kappa_score(gold, predicted) if len(set(gold) | set(predicted)) > 1 else None
    return {
        "n": len(gold),
        "labels": list(labels),
        "accuracy": float(np.mean(np.array(gold) == np.array(predicted))),
        "macro_f1": point,
        "macro_f1_ci": bootstrap_interval(gold_ids, predicted_ids, len(labels), bootstrap_samples, seed),
        "kappa": None if kappa is None or np.isnan(kappa) else float(kappa),
        "per_class": {label: {k: float(v) for k, v in per_class[label].items()} for label in present},
        "confusion_matrix": confusion_matrix(gold, predicted, labels=list(labels)).tolist(),
    }


def _cooperation_vs_conflict(gold, predicted, bootstrap_samples, seed) -> dict:
    """Macro-F1 over the two polar classes; a neutral prediction counts as a miss.

    PLV's published numbers are on this: its gold has no neutral class.
    """
    labels = ("conflictual", "cooperative", "neutral")
    gold_ids, predicted_ids = _ids(gold, labels), _ids(predicted, labels)
    return {
        "n": len(gold),
        "macro_f1": macro_f1(gold_ids, predicted_ids, 3, only=(0, 1)),
        "macro_f1_ci": bootstrap_interval(gold_ids, predicted_ids, 3, bootstrap_samples, seed, only=(0, 1)),
    }


def _ids(values: list[str], labels: tuple[str, ...]) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index[v] for v in values], dtype=np.int64)


def macro_f1(gold: np.ndarray, predicted: np.ndarray, num_labels: int, only=None) -> float:
    """Macro-F1 over labels that occur in gold or predictions (or over `only`).

    F1 = 2 TP / (gold count + predicted count), which equals 2PR / (P + R) and is 0
    when TP is 0; on a confusion matrix, so that bootstrapping stays fast.
    """
    matrix = np.bincount(gold * num_labels + predicted, minlength=num_labels**2)
    matrix = matrix.reshape(num_labels, num_labels)
    true_positive = np.diag(matrix).astype(float)
    totals = matrix.sum(axis=1) + matrix.sum(axis=0)
    chosen = np.array(only) if only is not None else np.flatnonzero(totals > 0)
    if chosen.size == 0:
        return 0.0
    scores = np.divide(
        2 * true_positive[chosen], totals[chosen], out=np.zeros(chosen.size), where=totals[chosen] > 0
    )
    return float(scores.mean())


def bootstrap_interval(
    gold: np.ndarray, predicted: np.ndarray, num_labels: int, samples: int, seed: int, only=None
) -> list[float] | None:
    """95% percentile interval of macro-F1 over sentences resampled with replacement."""
    if samples <= 0 or len(gold) == 0:
        return None
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(gold), size=(samples, len(gold)))
    scores = [macro_f1(gold[d], predicted[d], num_labels, only) for d in draws]
    low, high = np.percentile(scores, [2.5, 97.5])
    return [float(low), float(high)]


def span_metrics(pairs) -> dict:
    result = {}
    for span_type, field in SPAN_FIELDS.items():
        gold_spans = [{(s["start"], s["end"]) for s in r[field]} for r, _ in pairs]
        predicted_spans = [{(s["start"], s["end"]) for s in (p.get(field) or [])} for _, p in pairs]
        matched = sum(len(g & p) for g, p in zip(gold_spans, predicted_spans))
        exact = _prf(matched, sum(map(len, predicted_spans)), sum(map(len, gold_spans)))
        gold_chars = [_characters(spans) for spans in gold_spans]
        predicted_chars = [_characters(spans) for spans in predicted_spans]
        overlap = sum(len(g & p) for g, p in zip(gold_chars, predicted_chars))
        result[span_type] = {
            "gold": sum(map(len, gold_spans)),
            "predicted": sum(map(len, predicted_spans)),
            "exact": exact,
            "token": _token_scores(pairs, span_type, gold_spans, predicted_spans),
            "overlap": _prf(overlap, sum(map(len, predicted_chars)), sum(map(len, gold_chars))),
        }
    return result


def _characters(spans) -> set[int]:
    return {i for start, end in spans for i in range(start, end)}


def _prf(matched: int, predicted: int, gold: int) -> dict:
    precision = matched / predicted if predicted else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def word_bio_tags(text: str, spans, span_type: str) -> list[str]:
    """Word-level BIO tags of one span type; a word belongs to the span it starts in."""
    tags = []
    previous = None
    for match in TOKEN.finditer(text):
        inside = next((span for span in sorted(spans) if span[0] <= match.start() < span[1]), None)
        if inside is None:
            tags.append("O")
        else:
            tags.append(f"{'I' if inside == previous else 'B'}-{span_type}")
        previous = inside
    return tags


def _token_scores(pairs, span_type, gold_spans, predicted_spans) -> dict:
    if not any(gold_spans) and not any(predicted_spans):
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}  # seqeval has nothing to average
    gold_tags = [word_bio_tags(r["text"], g, span_type) for (r, _), g in zip(pairs, gold_spans)]
    predicted_tags = [word_bio_tags(r["text"], p, span_type) for (r, _), p in zip(pairs, predicted_spans)]
    scores = seqeval_report(gold_tags, predicted_tags, output_dict=True, zero_division=0)
    row = scores.get(span_type, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0})
    return {
        "precision": float(row["precision"]),
        "recall": float(row["recall"]),
        "f1": float(row["f1-score"]),
    }


def attribution_metrics(pairs) -> dict:
    """source_actor and source_resolved accuracy over attributed sentences; stance_target
    accuracy (null = no target, a value like any other) over sentences whose source labels
    both stance and source_actor (seed, reuters), since only they label targets."""
    attributed = [(r, p) for r, p in pairs if r.get("source_actor") not in (None, NO_ACTOR)]
    targeted = [(r, p) for r, p in pairs if r.get("stance") is not None and r.get("source_actor") is not None]
    if not attributed:
        return {}
    actor_hits = [r["source_actor"] == p.get("source_actor") for r, p in attributed]
    named = [(r, p) for r, p in attributed if r.get("source_resolved")]
    resolved_hits = [
        canonical(r["source_resolved"]).casefold() == canonical(p.get("source_resolved")).casefold()
        for r, p in named
    ]
    return {
        "n": len(attributed),
        "source_actor_accuracy": float(np.mean(actor_hits)),
        "source_resolved_n": len(named),
        "source_resolved_accuracy": float(np.mean(resolved_hits)) if named else None,
        "stance_target_n": len(targeted),
        "stance_target_accuracy": float(
            np.mean([r.get("stance_target") == p.get("stance_target") for r, p in targeted])
        )
        if targeted
        else None,
    }
