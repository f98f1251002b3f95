"""Which unlabelled Reuters articles to annotate next.

Round 1 takes articles by a rule over the text and the actor table; later rounds
rank the rest of the pool by how unsure the current model is about them
(`scripts/select_for_annotation.py --strategy uncertainty`).

The rule, applied to the `politicsNews` rows of `isot_reuters` (the `worldnews`
rows lost their quotation marks, see corpora/isot.py):

- one actor other than the United States (a code of the actor table) is named at
  least `min_foreign_mentions` (3) times, and one is named in the title or the
  first two sentences: the story is about relations with another state or
  group, not a domestic story that mentions a place in passing (on the 2016-17
  pool, dropping the lead condition lets in Russia-probe court stories);
- it uses at least `min_relation_terms` (3) words of international relations
  (talks, sanctions, ally, envoy, treaty ...);
- it has between 8 and 45 sentences: shorter rows are briefs without quotations,
  longer ones would spend a tenth of a round's reading on one story.

On the 1,236 politicsNews rows and the actor table of this commit, 124 articles
(2,909 sentences) pass.

Eligible articles are shuffled with a fixed seed and taken in that order, so a
round is reproducible from (rule, seed, pool) and recorded on the dataset card.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import asdict, dataclass, field

from .actors import ActorTable
from .corpora.isot import doc_id_of
from .io import Document
from .segment import Segmenter, parse_article

# Words that mark relations between states rather than domestic politics. Counted once
# per occurrence, case-insensitively, on word boundaries.
RELATION_TERMS = re.compile(
    r"\b(?:talks|negotiat\w*|sanction\w*|ally|allies|alliance|treaty|accord|envoy|ambassador\w*"
    r"|embassy|diplomat\w*|summit|bilateral|foreign minist\w*|foreign polic\w*|relations"
    r"|tensions?|cooperat\w*|condemn\w*|retaliat\w*|tariffs?|trade deal|nuclear|missiles?"
    r"|troops|ceasefire|peace|visit\w*|agreement|dispute\w*)\b",
    re.IGNORECASE,
)
HOME_CODE = "USA"  # Reuters politicsNews is written from Washington: its own government is home


@dataclass(frozen=True)
class SelectionRule:
    """The round-1 rule; every number is recorded with the selection it produced."""

    category: str = "politicsNews"
    min_foreign_mentions: int = 3  # of the most-named foreign code
    lead_sentences: int = 2  # a foreign actor in the title or these first sentences
    min_relation_terms: int = 3
    min_sentences: int = 8
    max_sentences: int = 45


@dataclass
class Candidate:
    article_id: str  # the ISOT id, "isot_true1.csv:498"
    doc_id: str  # the project's id, "isot_true1-498"
    title: str
    sentences: int
    foreign_codes: dict[str, int] = field(default_factory=dict)
    relation_terms: int = 0


def candidates(rows: list[dict], table: ActorTable, rule: SelectionRule) -> list[Candidate]:
    """Every row that passes `rule`, in pool order."""
    segmenter = Segmenter()
    found = []
    for row in rows:
        foreign: dict[str, int] = {}
        for match in table.matches(row["text"]):
            if match.code != HOME_CODE:
                foreign[match.code] = foreign.get(match.code, 0) + 1
        if not foreign or max(foreign.values()) < rule.min_foreign_mentions:
            continue
        terms = len(RELATION_TERMS.findall(row["text"]))
        if terms < rule.min_relation_terms:
            continue
        doc_id = doc_id_of(row["id"])
        sentences = segmenter.segment(parse_article(row["text"], doc_id))
        count = len(sentences)
        if not rule.min_sentences <= count <= rule.max_sentences:
            continue
        lead = " ".join([row["title"], *(s.text for s in sentences[: rule.lead_sentences])])
        if not any(match.code != HOME_CODE for match in table.matches(lead)):
            continue
        found.append(Candidate(row["id"], doc_id, row["title"], count, foreign, terms))
    return found


def select_by_rule(
    rows: list[dict], table: ActorTable, rule: SelectionRule, n: int, seed: int, exclude: set[str]
) -> list[Candidate]:
    """`n` eligible articles not in `exclude` (ISOT ids), in the seeded shuffle's order.

    The shuffle is over all eligible articles, before `exclude` is removed, so that a
    later round with the same seed continues the same order.
    """
    eligible = candidates(rows, table, rule)
    random.Random(seed).shuffle(eligible)
    return [c for c in eligible if c.article_id not in exclude][:n]


def selection_record(
    strategy: str, rule: SelectionRule | None, seed: int, chosen: list[Candidate], **extra
) -> dict:
    """The JSON written beside a round's annotations: how the articles were chosen."""
    return {
        "strategy": strategy,
        "rule": asdict(rule) if rule else None,
        "seed": seed,
        **extra,
        # No title: the project ships no Reuters text, only ids (a title is the article's).
        "articles": [{k: v for k, v in asdict(c).items() if k != "title"} for c in chosen],
    }


def entropy(probabilities: dict[str, float]) -> float:
    """Shannon entropy in bits of one prediction's label distribution."""
    return -sum(p * math.log2(p) for p in probabilities.values() if p > 0)


def rank_by_uncertainty(
    rows: list[dict],
    labeler,
    exclude: set[str],
    n: int,
    tasks: tuple[str, ...] = ("stance", "quote_type"),
    sentences: tuple[int, int] = (8, 45),
) -> list[Candidate]:
    """The `n` articles of `rows` (not in `exclude`) whose sentences the model is least
    sure about: mean over sentences of the summed entropy of `tasks`' predictions.

    Args:
        rows: ISOT rows (id, title, text).
        labeler: a `quotestance.inference.Labeler`.
        exclude: ISOT ids already annotated or selected.
        n: how many articles to return.
        sentences: the article lengths considered, as in the rule: a mean over one to
            five sentences is noise (on the ISOT pool, ranking all lengths picked 40
            articles of 262 sentences, mostly one-paragraph briefs).

    Returns:
        Candidates sorted by decreasing uncertainty, `relation_terms` holding the score
        scaled by 1000 (an int, so the selection record stays plain JSON).
    """

    chosen = [row for row in rows if row["id"] not in exclude]
    documents = [Document(doc_id_of(row["id"]), row["id"], text=row["text"]) for row in chosen]
    scored = []
    for row, (_, results) in zip(chosen, labeler.label_documents(documents)):
        if not sentences[0] <= len(results) <= sentences[1]:
            continue
        score = sum(sum(entropy(r[f"{t}_probs"]) for t in tasks if f"{t}_probs" in r) for r in results) / len(
            results
        )
        scored.append(
            (
                score,
                Candidate(
                    row["id"],
                    doc_id_of(row["id"]),
                    row["title"],
                    len(results),
                    relation_terms=round(1000 * score),
                ),
            )
        )
    scored.sort(key=lambda item: (-item[0], item[1].article_id))
    return [candidate for _, candidate in scored[:n]]
