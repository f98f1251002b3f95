"""The sentence dataset: the seed and the public corpora as one `datasets.DatasetDict`.

    data, stats = build_dataset(load_config("configs/full.yaml"))

Steps, in order, each deterministic:
1. Records per source in `data.sources`, each from its loader in the source registry
   (`sources.py`), which also assigns its splits. Seed: all `train` with a k-fold
   `fold` (data.num_folds, data.fold_shuffle_seed) when data.seed_article_split is
   "train"; all `test` when it is "test". Reuters: whole articles by a seeded hash.
   PolNeAR keeps its folders (dev is `validation`). PLV and cameo_class keep their
   train / test files, and `data.validation_fraction` of their train, chosen by a
   hash of the normalised text, becomes `validation` (`splits.py`).
3. Records with nothing to learn are dropped from every split: a corpus record
   with no label at all (every label field None, `spans_labelled` False; e.g. a
   PLV REQUEST row the keyword rule cannot map). Counted per corpus and split as
   "dropped: no label". Seed records are never dropped, nor the unlabelled pool.
4. Leakage control on normalised text (`normalise_text`): a validation sentence
   that is in any test split is removed; a train sentence that is in any test or
   validation split is removed; duplicates left inside train are collapsed to the
   copy of the source with the lowest registry priority. Every removal is counted per
   pair (removed from, because of), and collapsed copies whose labels disagree
   are counted per field.
5. `data.source_weights` on train only: 0.5 keeps a hash-chosen half of that
   source's train sentences, 2.0 repeats each twice (same id), 1.5 all plus half.

Paths are resolved when the config loads (`config.PATH_KEYS`): those written in a
YAML file relative to that file, overrides and defaults relative to the working
directory.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from datasets import Dataset, DatasetDict
from huggingface_hub import DatasetCardData

from .atomic import staged_directory
from .corpora.isot import CATEGORIES, isot_records
from .schema import FEATURES, LABEL_FIELDS, SentenceRecord
from .sources import get_source, load_source, priority
from .splits import normalise_text, unit_hash

if TYPE_CHECKING:  # only for annotations: the config module reads the encoder's settings
    from .config import Config

SPLITS = ("train", "validation", "test")
# Fields whose disagreement between collapsed copies counts as a label conflict.
CONFLICT_FIELDS = LABEL_FIELDS
SPAN_LIST_FIELDS = ("source_spans", "cue_spans", "content_spans")


def load_sources(config: Config) -> tuple[dict[str, list[SentenceRecord]], dict]:
    """Records of each source in config.data.sources (the source registry's loaders,
    splits assigned), and each source's stats."""
    records: dict[str, list[SentenceRecord]] = {}
    stats: dict = {}
    for source in config.data.sources:
        records[source], stats[source] = load_source(source, config.data)
    return records, stats


def drop_unlabelled(records: list[SentenceRecord]) -> tuple[list[SentenceRecord], Counter]:
    """Records that carry some label, and how many were dropped per (corpus, split).

    A record with no label is masked out of every task's loss and every metric, so it
    only costs time; and as a training copy first in SOURCE_PRIORITY it would make
    deduplication drop a labelled copy of the same sentence. Exempt: the seed (every
    seed sentence is annotated; `annotations` reports one that is not) and the
    unlabelled pool, whose records are unlabelled by design.
    """
    kept, dropped = [], Counter()
    for record in records:
        exempt = record["corpus"] == "seed" or record["split"] == "unlabelled"
        if (
            not exempt
            and not record["spans_labelled"]
            and all(record[field] is None for field in LABEL_FIELDS)
        ):
            dropped[(record["corpus"], record["split"])] += 1
        else:
            kept.append(record)
    return kept, dropped


def deduplicate(records: list[SentenceRecord]) -> tuple[list[SentenceRecord], dict]:
    """Remove leakage and collapse train duplicates (module docstring, step 4)."""
    records = sorted(records, key=lambda r: (priority(r["corpus"]), r["id"]))
    holders: dict[str, dict[str, str]] = {"test": {}, "validation": {}}
    keys = [normalise_text(record["text"]) for record in records]
    for record, key in zip(records, keys):
        if record["split"] in holders:
            holders[record["split"]].setdefault(key, record["corpus"])
    removed: Counter = Counter()
    conflicts: Counter = Counter()
    kept_train: dict[str, dict] = {}
    kept = []
    for record, key in zip(records, keys):
        where = f"{record['corpus']}/{record['split']}"
        if record["split"] == "validation" and key in holders["test"]:
            removed[(where, f"{holders['test'][key]}/test")] += 1
            continue
        if record["split"] == "train":
            blocking = next((s for s in ("test", "validation") if key in holders[s]), None)
            if blocking:
                removed[(where, f"{holders[blocking][key]}/{blocking}")] += 1
                continue
            if key in kept_train:
                first = kept_train[key]
                removed[(where, f"{first['corpus']}/train")] += 1
                for field in CONFLICT_FIELDS:
                    if None not in (first[field], record[field]) and first[field] != record[field]:
                        conflicts[(f"{first['corpus']}/{record['corpus']}", field)] += 1
                continue
            kept_train[key] = record
        kept.append(record)
    stats = {
        "removed": {f"{a} <- {b}": n for (a, b), n in sorted(removed.items())},
        "label_conflicts": {f"{pair} {field}": n for (pair, field), n in sorted(conflicts.items())},
    }
    return kept, stats


def apply_source_weights(records: list[SentenceRecord], weights: dict[str, float]) -> list[SentenceRecord]:
    """Train records repeated or thinned per source (module docstring, step 5)."""
    weighted = []
    for record in records:
        weight = weights.get(record["corpus"], 1.0) if record["split"] == "train" else 1.0
        copies = math.floor(weight) + (unit_hash(record["id"]) < weight - math.floor(weight))
        weighted.extend([record] * copies)
    return weighted


def build_dataset(config: Config) -> tuple[DatasetDict, dict]:
    """Build the sentence dataset of `config.data` (the module docstring gives the steps).

    Args:
        config: a loaded Config; only `config.data` is read. Relative paths are relative
            to the working directory.

    Returns:
        (dataset, stats): a DatasetDict with `train`, `validation`, `test`, each row a
        SentenceRecord (schema.FEATURES), train repeated per data.source_weights; and the
        stats that `dataset_card` renders (per source and split: sentences, labels,
        drops, deduplication, conversion details).

    Raises:
        CorpusMissingError, CorpusFormatError, DataProblems: a corpus or annotation file
            that is missing or does not parse, named with its line and the fix.

    Example:
        >>> data, stats = build_dataset(load_config("configs/full.yaml"))
        >>> data["test"].num_rows, sorted(set(data["test"]["corpus"]))
    """
    started = time.perf_counter()
    by_source, source_stats = load_sources(config)
    all_records = [record for source in config.data.sources for record in by_source[source]]
    converted = Counter((r["corpus"], r["split"]) for r in all_records)
    labelled, dropped = drop_unlabelled(all_records)
    kept, dedup_stats = deduplicate(labelled)
    weighted = apply_source_weights(kept, config.data.source_weights)
    splits = {split: [r for r in weighted if r["split"] == split] for split in SPLITS}
    dataset = DatasetDict(
        {
            split: Dataset.from_list(rows, features=FEATURES)
            if rows
            else Dataset.from_dict({name: [] for name in FEATURES}, features=FEATURES)
            for split, rows in splits.items()
        }
    )
    stats = {
        "sources": list(config.data.sources),
        "conversion": source_stats,
        "converted": {f"{c}/{s}": n for (c, s), n in sorted(converted.items())},
        "dropped_no_label": {f"{c}/{s}": n for (c, s), n in sorted(dropped.items())},
        "deduplication": dedup_stats,
        "source_weights": dict(config.data.source_weights),
        # Label statistics count each sentence once; the weighted train size is separate.
        "splits": {split: _split_stats([r for r in kept if r["split"] == split]) for split in SPLITS},
        "weighted_train": dict(sorted(Counter(r["corpus"] for r in splits["train"]).items())),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return dataset, stats


def _split_stats(rows: list[dict]) -> dict:
    """Per corpus: sentences, labelled count and label counts per field."""
    per_corpus: dict[str, dict] = defaultdict(
        lambda: {"sentences": 0, "labelled": Counter(), "labels": defaultdict(Counter)}
    )
    for row in rows:
        entry = per_corpus[row["corpus"]]
        entry["sentences"] += 1
        for field in LABEL_FIELDS:
            if row[field] is not None:
                entry["labelled"][field] += 1
                if field in ("quote_type", "stance", "event_mode", "anonymous", "source_actor"):
                    entry["labels"][field][str(row[field])] += 1
        if row["spans_labelled"]:
            entry["labelled"]["spans"] += 1
            for field in SPAN_LIST_FIELDS:
                entry["labels"]["spans"][field] += bool(row[field])
    return {
        corpus: {
            "sentences": e["sentences"],
            "labelled": dict(e["labelled"]),
            "labels": {f: dict(sorted(c.items())) for f, c in e["labels"].items()},
        }
        for corpus, e in sorted(per_corpus.items())
    }


def dataset_card(config: Config, stats: dict) -> str:
    """The Markdown README.md written beside the dataset, with the Hub's YAML metadata
    (huggingface_hub's `DatasetCardData`) as its header and every source's licence."""
    data = config.data
    sources = [get_source(name) for name in stats["sources"]]
    metadata = DatasetCardData(
        language="en",
        license="other",  # the sources' own terms, listed per source below
        pretty_name="quotestance sentence dataset",
        task_categories=["text-classification", "token-classification"],
        tags=["quotation-attribution", "stance-detection", "news"],
        source_datasets=[source.origin for source in sources],
    )
    lines = [
        "---",
        metadata.to_yaml(),
        "---",
        "",
        "# quotestance sentence dataset",
        "",
        f"Sources: {', '.join(stats['sources'])}. Corpora from `{data.corpora_dir}`. "
        f"Built in {stats['seconds']} s by `quotestance build` (see docs/data.md).",
        "",
        "## Sources and licences",
        "",
        "| source | origin | licence as stated |",
        "|---|---|---|",
        *(f"| {source.name} | {source.origin} | {source.licence} |" for source in sources),
        "",
        "## How the splits were made",
        "",
        _splits_text(config),
        "",
        "## Sentences per source and split",
        "",
        "After deduplication; `train weighted` is the train split as saved, after `source_weights`.",
        "",
        "| source | " + " | ".join(SPLITS) + " | train weighted |",
        "|---|" + "---:|" * (len(SPLITS) + 1),
    ]
    corpora = sorted({c for split in stats["splits"].values() for c in split})
    for corpus in corpora:
        counts = [stats["splits"][s].get(corpus, {}).get("sentences", 0) for s in SPLITS]
        counts.append(stats["weighted_train"].get(corpus, 0))
        lines.append(f"| {corpus} | " + " | ".join(str(n) for n in counts) + " |")
    lines += [
        "",
        "## Labels per source and split",
        "",
        "`labelled` is how many sentences have the field set (None = not labelled by that "
        "source, masked in training); `spans` counts sentences with span labels and, per "
        "span field, those with at least one span.",
        "",
    ]
    lines += ["| split | source | field | labelled | counts |", "|---|---|---|---:|---|"]
    for split in SPLITS:
        for corpus, entry in stats["splits"][split].items():
            for field in (*LABEL_FIELDS, "spans"):
                labelled = entry["labelled"].get(field, 0)
                if not labelled:
                    continue
                counts = entry["labels"].get(field, {})
                shown = ", ".join(f"{k} {v}" for k, v in counts.items()) if counts else "(free text)"
                lines.append(f"| {split} | {corpus} | {field} | {labelled} | {shown} |")
    dropped = stats["dropped_no_label"]
    lines += [
        "",
        "## Dropped: no label",
        "",
        "Records of a corpus with no label for any task (no quote_type, stance or event_mode, "
        "no span labels), dropped from every split before deduplication: "
        + (", ".join(f"{k} {v}" for k, v in dropped.items()) or "none")
        + ".",
    ]
    lines += [
        "",
        "## Deduplication",
        "",
        "Sentences compared after NFKC, casefolding, one kind of quotation mark, collapsed "
        "whitespace and stripped edge punctuation. `a <- b`: removed from a because the "
        "sentence is in b.",
        "",
        "| removed from <- because of | sentences |",
        "|---|---:|",
    ]
    for pair, count in stats["deduplication"]["removed"].items():
        lines.append(f"| {pair} | {count} |")
    conflicts = stats["deduplication"]["label_conflicts"]
    lines += [
        "",
        "Collapsed training duplicates whose labels disagreed (kept/dropped source, field): "
        + (", ".join(f"{k}: {v}" for k, v in conflicts.items()) or "none")
        + ".",
        "",
        "## Conversion",
        "",
        "```json",
        json.dumps(_conversion_summary(stats), indent=1),
        "```",
        "",
    ]
    for source in stats["sources"]:
        card = get_source(source).card
        if card is not None:
            lines += card(stats["conversion"][source])
    if "unlabelled" in stats:
        lines += [
            "## Unlabelled pool",
            "",
            "`unlabelled/` (isot_reuters, never trained on): "
            + ", ".join(f"{c} {n}" for c, n in stats["unlabelled"].items())
            + " sentences.",
            "",
        ]
    return "\n".join(lines)


def _conversion_summary(stats: dict) -> dict:
    summary = json.loads(json.dumps(stats["conversion"]))
    summary.get("polnear", {}).pop("chosen_annotations", None)
    return {
        "converted (before dedup)": stats["converted"],
        **summary,
        "source_weights": stats["source_weights"],
    }


def _splits_text(config: Config) -> str:
    parts = [get_source(source).splits(config.data) for source in config.data.sources]
    parts.append(
        "- Then rows with no label are dropped, then deduplication (both below), then "
        "`source_weights` on train only."
    )
    return "\n".join(parts)


def save_dataset(dataset: DatasetDict, stats: dict, config: Config) -> Path:
    """Write the dataset, a JSONL file per split and README.md to processed_dir, atomically."""
    final = Path(config.data.processed_dir)
    with staged_directory(final) as staging:
        dataset.save_to_disk(str(staging))
        for split, rows in dataset.items():
            rows.to_json(str(staging / f"{split}.jsonl"), lines=True, force_ascii=False)
        if config.data.save_unlabelled_pool:
            pool = DatasetDict(
                {
                    corpus: Dataset.from_list(
                        isot_records(config.data.corpora_dir, category, config.data.unlabelled_max_articles),
                        features=FEATURES,
                    )
                    for category, corpus in CATEGORIES.items()
                }
            )
            pool.save_to_disk(str(staging / "unlabelled"))
            stats["unlabelled"] = {corpus: len(rows) for corpus, rows in pool.items()}
        (staging / "README.md").write_text(dataset_card(config, stats), encoding="utf-8")
        (staging / "stats.json").write_text(json.dumps(stats, indent=1), encoding="utf-8")
    return final


def gold_split(config: Config, split: str) -> list[SentenceRecord]:
    """Gold records of a split, built from the config's sources as training builds them
    (converted corpora are cached), so a report never reads a stale saved dataset.
    Each record once, however often data.source_weights repeats it."""
    dataset, _ = build_dataset(config)
    filled = [name for name, part in dataset.items() if len(part)]
    if split not in filled:
        raise ValueError(
            f"split {split!r} of {config.data.sources} is empty or missing; splits "
            f"with sentences: {', '.join(filled) or 'none'}; pass one with --split"
        )
    # data.source_weights repeat training records; each is scored once.
    unique = {record["id"]: record for record in dataset[split]}
    return list(unique.values())
