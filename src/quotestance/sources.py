"""The source registry: every corpus the dataset can be built from, in one place.

A source is a name (what `data.sources` lists and every record's `corpus` says), a
loader from the data config to records with their splits assigned, its priority when
training copies of one sentence collide, the lines the dataset card gives it, and where
it comes from and under which terms. The config validates `data.sources` against this
registry; `dataset.build_dataset` loads, deduplicates and documents through it.

To add a corpus, write its converter (in `corpora/`, returning SentenceRecords whose
labels it does not carry stay None) and register it:

    register_source(Source(
        name="mycorpus", load=lambda data: my_records(data.corpora_dir), priority=60,
        splits=lambda data: "- mycorpus: its own train / test files.",
        origin="github.com/me/mycorpus", licence="CC BY 4.0"))

`tests/test_registries.py` builds a dataset from such a source and trains on it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .annotations import seed_records
from .corpora.polnear import cached_polnear_records
from .corpora.reuters import reuters_records
from .corpora.stance import cameo_records, plv_records
from .gold_rounds import agreement, double_annotations
from .registry import Registry
from .schema import SentenceRecord
from .splits import assign_folds, carve_validation

if TYPE_CHECKING:  # the config validates against this registry, so it imports this module
    from .config import DataConfig


@dataclass(frozen=True)
class Source:
    """One corpus the dataset can be built from.

    Args:
        name: the name in `data.sources` and the records' `corpus` field.
        load: (data config) -> (records with `split` and `fold` set, stats for the card).
        priority: of several training copies of one sentence, the source with the lowest
            priority keeps its copy (deduplication, `dataset.deduplicate`).
        splits: (data config) -> the card's line on how this source was split.
        origin: where the corpus comes from (a repository, a paper).
        licence: its licence as stated by its publishers.
        card: (this source's stats) -> extra lines for the dataset card, or None.
    """

    name: str
    load: Callable[[DataConfig], tuple[list[SentenceRecord], dict]]
    priority: int
    splits: Callable[[DataConfig], str]
    origin: str
    licence: str
    card: Callable[[dict], list[str]] | None = None


SOURCES: Registry[Source] = Registry("source", "quotestance.sources.register_source")
register_source = SOURCES.register
get_source = SOURCES.lookup


def priority(corpus: str) -> int:
    """A corpus's rank for deduplication; one not registered (the unlabelled pool) comes last."""
    source = SOURCES.get(corpus)
    return (
        source.priority if source is not None else max((s.priority for s in SOURCES.values()), default=0) + 1
    )


def load_source(name: str, data: DataConfig) -> tuple[list[SentenceRecord], dict]:
    """The records of one source and its stats, with the seconds it took."""
    started = time.perf_counter()
    records, stats = get_source(name).load(data)
    stats["seconds"] = round(time.perf_counter() - started, 2)
    return records, stats


# The built-in sources, in priority order. Of several training copies of one sentence
# the earliest here is kept: the seed is hand-checked for this project's scheme, the
# Reuters gold set is double-annotated with it, PolNeAR is the only other source with
# spans, and PLV's quad classes come with a marked source and target.


def _seed(data: DataConfig) -> tuple[list[SentenceRecord], dict]:
    records = seed_records(Path(data.raw_dir), Path(data.annotations_dir))
    assign_folds(records, data.seed_article_split, data.num_folds, data.fold_shuffle_seed)
    return records, {}


def _seed_splits(data: DataConfig) -> str:
    if data.seed_article_split == "train":
        return (
            f"- seed: every sentence in `train`, with a {data.num_folds}-fold `fold` from a shuffle "
            f"seeded {data.fold_shuffle_seed} (cross-validation, then a fit on all)."
        )
    return (
        "- seed: every sentence in `test` (held out: a new Reuters article is what unseen data looks like)."
    )


def _reuters(data: DataConfig) -> tuple[list[SentenceRecord], dict]:
    records, stats = reuters_records(data.corpora_dir, data.reuters_gold_dir, data.reuters_split_seed)
    stats["agreement"] = gold_agreement(Path(data.reuters_gold_dir).parent)
    return records, stats


def gold_agreement(annotations_dir: Path) -> dict:
    """Cohen's kappa per field before adjudication, over articles with both annotations,
    and the number of adjudicated decisions."""
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


def _polnear(data: DataConfig) -> tuple[list[SentenceRecord], dict]:
    return cached_polnear_records(data.corpora_dir, data.cache_dir, data.polnear_max_articles)


def _polnear_splits(data: DataConfig) -> str:
    limit = f" (first {data.polnear_max_articles} articles of each)" if data.polnear_max_articles else ""
    return f"- polnear: PolNeAR's own folders{limit}, train -> train, dev -> validation, test -> test."


def _with_validation(convert: Callable[[str], tuple[list[SentenceRecord], dict]]):
    """A loader of a corpus with train / test files whose validation is carved from train."""

    def load(data: DataConfig) -> tuple[list[SentenceRecord], dict]:
        records, stats = convert(data.corpora_dir)
        stats["validation_carved"] = carve_validation(records, data.validation_fraction)
        return records, stats

    return load


def _carved_splits(name: str, files: str) -> Callable[[DataConfig], str]:
    return lambda data: (
        f"- {name}: {files} -> train / test; {data.validation_fraction:.0%} of train, "
        "chosen by a hash of the normalised text, -> validation."
    )


register_source(
    Source(
        name="seed",
        load=_seed,
        priority=10,
        splits=_seed_splits,
        origin="this project: the Reuters article in data/raw, labelled in data/annotations",
        licence="labels Apache-2.0 (this project); article text (c) Reuters",
    )
)
register_source(
    Source(
        name="reuters",
        load=_reuters,
        priority=20,
        splits=lambda data: (
            "- reuters: whole articles, train / validation / test about 70 / 10 / 20 by a hash "
            f"of (data.reuters_split_seed={data.reuters_split_seed}, doc_id): an article's split "
            "never changes as rounds add articles. Selection rule and seeds: the "
            "`selection-round*.json` files beside the gold folder."
        ),
        origin="labels: this project (docs/reuters-annotation.md); text: ISOT fake news dataset, True.csv",
        licence="labels Apache-2.0 (this project); text research use with citation (ISOT)",
        card=_reuters_card,
    )
)
register_source(
    Source(
        name="polnear",
        load=_polnear,
        priority=30,
        splits=_polnear_splits,
        origin="PolNeAR v1.0.0, github.com/networkdynamics/PolNeAR (Newell, Margolin, Ruths, LREC 2018)",
        licence="no licence file; cite the paper",
    )
)
register_source(
    Source(
        name="plv",
        load=_with_validation(plv_records),
        priority=40,
        splits=_carved_splits("plv", "PLV_train / PLV_test"),
        origin="PLV, github.com/snowood1/Zero-Shot-PLOVER (Hu et al., ACL 2024)",
        licence="no licence file; cite the paper",
    )
)
register_source(
    Source(
        name="cameo",
        load=_with_validation(cameo_records),
        priority=50,
        splits=_carved_splits("cameo", "train.tsv / test.tsv"),
        origin="ConfliBERT's data/cameo_class, github.com/eventdata/ConfliBERT (Hu et al., NAACL 2022)",
        licence="repository GPL-3.0; its authors do not own the sentences' copyright",
    )
)
