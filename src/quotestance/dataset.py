"""The sentence dataset: the seed and the public corpora as one `datasets.DatasetDict`.

    data, stats = build_dataset(load_config("configs/full.yaml"))

Steps, in order, each deterministic:
1. Records per source in `data.sources`: seed (`annotations.seed_records`),
   polnear (cached conversion), plv, cameo (`corpora.stance`).
2. Splits. Seed: all `train` with a k-fold `fold` (data.num_folds, data.fold_seed)
   when data.seed_split is "train"; all `test` when it is "test". PolNeAR keeps its
   folders (dev is `validation`). PLV and cameo_class keep their train / test files,
   and `data.validation_fraction` of their train, chosen by a hash of the normalised
   text, becomes `validation`.
3. Records with nothing to learn are dropped from every split: a corpus record
   with no label at all (every label field None, `spans_labelled` False; e.g. a
   PLV REQUEST row the keyword rule cannot map). Counted per corpus and split as
   "dropped: no label". Seed records are never dropped, nor the unlabelled pool.
4. Leakage control on normalised text (`normalise_text`): a validation sentence
   that is in any test split is removed; a train sentence that is in any test or
   validation split is removed; duplicates left inside train are collapsed to the
   copy of the first source in SOURCE_PRIORITY. Every removal is counted per
   pair (removed from, because of), and collapsed copies whose labels disagree
   are counted per field.
5. `data.source_weights` on train only: 0.5 keeps a hash-chosen half of that
   source's train sentences, 2.0 repeats each twice (same id), 1.5 all plus half.

Relative paths in the config are relative to the working directory: run from the
project root.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from datasets import Dataset, DatasetDict

from .atomic import staged_directory
from .config import Config
from .corpora.isot import CATEGORIES, isot_records
from .corpora.polnear import cached_polnear_records
from .corpora.stance import cameo_records, plv_records
from .schema import FEATURES, LABEL_FIELDS

SPLITS = ("train", "validation", "test")
# Of several training copies of one sentence, the one from the earliest source here is
# kept: the seed is hand-checked for this project's scheme, PolNeAR is the only other
# source with spans, and PLV's quad classes come with a marked source and target.
SOURCE_PRIORITY = ("seed", "reuters", "polnear", "plv", "cameo")
# Fields whose disagreement between collapsed copies counts as a label conflict.
CONFLICT_FIELDS = LABEL_FIELDS
SPAN_LIST_FIELDS = ("source_spans", "cue_spans", "content_spans")

QUOTE_MARKS = str.maketrans({q: '"' for q in "“”„‟«»″"} | {q: "'" for q in "‘’‚‛′ʼ`´"})
# PLV writes some double quotation marks LaTeX-style: ``new damage''.
LATEX_QUOTES = re.compile(r"``|''")
EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
WHITESPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The form two sentences must share to count as duplicates.

    NFKC (full-width forms, non-breaking spaces), casefold, one kind of double and
    single quotation mark, whitespace collapsed, punctuation at both ends stripped
    (so `said.` and `said.”` match).
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = LATEX_QUOTES.sub('"', text).translate(QUOTE_MARKS)
    text = WHITESPACE.sub(" ", text).strip()
    return EDGE_PUNCTUATION.sub("", text)


def _unit_hash(text: str) -> float:
    """A number in [0, 1) fixed by the text, for deterministic sampling."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:15], 16) / 16**15


def assign_seed_splits(records: list[dict], split: str, num_folds: int, fold_seed: int) -> None:
    """Put every seed record in `split`; in train, give each a fold by a seeded shuffle."""
    order = sorted(range(len(records)), key=lambda i: records[i]["id"])
    random.Random(fold_seed).shuffle(order)
    for position, index in enumerate(order):
        records[index]["split"] = split
        records[index]["fold"] = position % num_folds if split == "train" else -1


def carve_validation(records: list[dict], fraction: float) -> int:
    """Move the hash-chosen `fraction` of train records to validation; return how many."""
    moved = 0
    for record in records:
        if record["split"] == "train" and _unit_hash(normalise_text(record["text"])) < fraction:
            record["split"] = "validation"
            moved += 1
    return moved


def load_sources(config: Config) -> tuple[dict[str, list[dict]], dict]:
    """Records of each source in config.data.sources, with splits assigned, and stats."""
    data = config.data
    records: dict[str, list[dict]] = {}
    stats: dict = {}
    for source in data.sources:
        started = time.perf_counter()
        if source == "seed":
            from .annotations import seed_records

            records[source] = seed_records(Path(data.raw_dir), Path(data.annotations_dir))
            assign_seed_splits(records[source], data.seed_split, data.num_folds, data.fold_seed)
            stats[source] = {}
        elif source == "reuters":
            from .corpora.reuters import reuters_records

            records[source], stats[source] = reuters_records(
                data.corpora_dir, data.reuters_gold_dir, data.reuters_split_seed
            )
            stats[source]["agreement"] = gold_agreement(Path(data.reuters_gold_dir).parent)
        elif source == "polnear":
            records[source], stats[source] = cached_polnear_records(
                data.corpora_dir, data.cache_dir, data.polnear_max_articles
            )
        else:
            convert = plv_records if source == "plv" else cameo_records
            records[source], stats[source] = convert(data.corpora_dir)
            stats[source]["validation_carved"] = carve_validation(records[source], data.validation_fraction)
        stats[source]["seconds"] = round(time.perf_counter() - started, 2)
    return records, stats


def drop_unlabelled(records: list[dict]) -> tuple[list[dict], Counter]:
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


def deduplicate(records: list[dict]) -> tuple[list[dict], dict]:
    """Remove leakage and collapse train duplicates (module docstring, step 4)."""
    priority = {source: rank for rank, source in enumerate(SOURCE_PRIORITY)}
    records = sorted(records, key=lambda r: (priority.get(r["corpus"], len(priority)), r["id"]))
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


def apply_source_weights(records: list[dict], weights: dict[str, float]) -> list[dict]:
    """Train records repeated or thinned per source (module docstring, step 5)."""
    weighted = []
    for record in records:
        weight = weights.get(record["corpus"], 1.0) if record["split"] == "train" else 1.0
        copies = math.floor(weight) + (_unit_hash(record["id"]) < weight - math.floor(weight))
        weighted.extend([record] * copies)
    return weighted


def build_dataset(config: Config) -> tuple[DatasetDict, dict]:
    """The DatasetDict of config.data (train, validation, test) and the stats for its card."""
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
    """The Markdown README.md written beside the dataset."""
    data = config.data
    lines = [
        "# quotestance sentence dataset",
        "",
        f"Sources: {', '.join(stats['sources'])}. Corpora from `{data.corpora_dir}`. "
        f"Built in {stats['seconds']} s by `scripts/build_dataset.py` (see docs/data.md).",
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
    if "reuters" in stats["conversion"]:
        lines += _reuters_card(stats["conversion"]["reuters"])
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


def gold_agreement(annotations_dir: Path) -> dict:
    """Cohen's kappa per field before adjudication, over articles with both annotations,
    and the number of adjudicated decisions."""
    from .gold_rounds import agreement, double_annotations

    pairs = double_annotations(annotations_dir)
    log = annotations_dir / "adjudication.jsonl"
    decisions = sum(1 for line in log.read_text(encoding="utf-8").split("\n") if line) if log.exists() else 0
    return {"articles": len(pairs), **agreement(pairs), "adjudicated_decisions": decisions}


def _reuters_card(stats: dict) -> list[str]:
    agreement = stats["agreement"]
    lines = [
        "## Reuters gold set: agreement before adjudication",
        "",
        f"{agreement['articles']} articles ({agreement['sentences']} sentences), each annotated twice "
        "independently against docs/annotation-guidelines.md; every disagreement settled by a third "
        f"reading ({agreement['adjudicated_decisions']} decisions, logged in adjudication.jsonl). "
        f"Articles per split: {stats['articles_per_split']}; fields left unset by the adjudicator: "
        f"{stats['masked_fields']}.",
        "",
        "| field | Cohen's kappa | raw agreement |",
        "|---|---:|---:|",
    ]
    for field, value in agreement.items():
        if isinstance(value, dict):
            kappa = value.get("kappa")
            lines.append(
                f"| {field} | {'' if kappa is None else f'{kappa:.3f}'} | {value['agreement']:.3f} |"
            )
    lines += [
        "",
        "Spans and source_resolved are compared exactly (every offset, the same name string), "
        "so their agreement is a raw rate, not a kappa.",
        "",
        "Who annotated: separate AI assistant sessions, one per batch of five articles and role, "
        "each given only the guidelines, the seed example and its packet (docs/reuters-annotation.md). "
        "They are instances of one model, so these kappas are likely higher than two human coders "
        "would reach: read them as agreement between independent readings of the guidelines.",
        "",
    ]
    return lines


def _conversion_summary(stats: dict) -> dict:
    summary = json.loads(json.dumps(stats["conversion"]))
    summary.get("polnear", {}).pop("chosen_annotations", None)
    return {
        "converted (before dedup)": stats["converted"],
        **summary,
        "source_weights": stats["source_weights"],
    }


def _splits_text(config: Config) -> str:
    data = config.data
    parts = []
    if "seed" in data.sources:
        parts.append(
            f"- seed: every sentence in `{data.seed_split}`"
            + (
                f", with a {data.num_folds}-fold `fold` from a shuffle seeded {data.fold_seed} "
                "(cross-validation, then a fit on all)."
                if data.seed_split == "train"
                else " (held out: a new Reuters article is what unseen data looks like)."
            )
        )
    if "reuters" in data.sources:
        parts.append(
            f"- reuters: whole articles, train / validation / test about 70 / 10 / 20 by a hash "
            f"of (data.reuters_split_seed={data.reuters_split_seed}, doc_id): an article's split "
            "never changes as rounds add articles. Selection rule and seeds: the "
            "`selection-round*.json` files beside the gold folder."
        )
    if "polnear" in data.sources:
        limit = f" (first {data.polnear_max_articles} articles of each)" if data.polnear_max_articles else ""
        parts.append(
            f"- polnear: PolNeAR's own folders{limit}, train -> train, dev -> validation, test -> test."
        )
    for source, files in (("plv", "PLV_train / PLV_test"), ("cameo", "train.tsv / test.tsv")):
        if source in data.sources:
            parts.append(
                f"- {source}: {files} -> train / test; {data.validation_fraction:.0%} of train, "
                "chosen by a hash of the normalised text, -> validation."
            )
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
