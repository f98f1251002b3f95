"""The Reuters gold set: double-annotated, adjudicated ISOT politicsNews articles.

`data/annotations/reuters/gold/<doc_id>.jsonl` holds one line per sentence and no
Reuters text (docs/reuters-annotation.md): the ISOT article id, the sentence's offsets
in the article, a 12-hex SHA-256 prefix of the sentence, and its labels with spans as
offsets inside the sentence. The text is read from `<corpora_dir>/isot_reuters` and
segmented again; every line must meet its sentence exactly (offsets and hash), or the
build stops with the file, the line and the fix. A field the adjudicator left `null`
is unset (masked in training and evaluation), never guessed.

Splits are by article, fixed by a hash of (seed, doc_id): an article's split never
changes when later rounds add articles, and no article is in two splits.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..annotations import annotated_record, json_lines
from ..errors import DataProblems
from ..gold_rounds import LABEL_KEYS, SPAN_KEYS, sentence_hash
from ..labels import ACTOR_CODE_PATTERN, QUOTE_TYPES, STANCES
from ..segment import Segmenter, contexts, parse_article
from .isot import doc_id_of, read_pool

CORPUS = "reuters"
# 70 / 10 / 20 by article: the split, enough test articles (~8 of 40, ~16 of 80)
# for a report with intervals, and a validation share for picking the best epoch.
SPLIT_SHARES = (("train", 0.7), ("validation", 0.1), ("test", 0.2))
STORED_KEYS = ("article_id", "doc_id", "sent_index", "start", "end", "sha", "is_caption", *LABEL_KEYS)


class ReutersGoldError(DataProblems):
    """Problems in the Reuters gold files; `errors` lists each as `file:line: what; fix`."""

    what = "Reuters gold problem"


def article_split(doc_id: str, seed: int) -> str:
    """train / validation / test for one article, from a hash of (seed, doc_id)."""
    value = int(hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()[:15], 16) / 16**15
    cumulative = 0.0
    for split, share in SPLIT_SHARES:
        cumulative += share
        if value < cumulative:
            return split
    return SPLIT_SHARES[-1][0]


def reuters_records(
    corpora_dir: str | Path, gold_dir: str | Path, split_seed: int
) -> tuple[list[dict], dict]:
    """Sentence records of every gold article, with splits; and stats for the card.

    Raises `ReutersGoldError` listing every problem of every file; nothing is returned
    (and so nothing is written) when there is one.
    """
    gold_dir = Path(gold_dir)
    files = sorted(gold_dir.glob("*.jsonl"))
    if not files:
        raise ReutersGoldError(
            [
                f"{gold_dir}: no gold files (<doc_id>.jsonl); run an annotation round "
                "(docs/reuters-annotation.md) or drop `reuters` from data.sources"
            ]
        )
    pool = {row["id"]: row for row in read_pool(corpora_dir)}
    segmenter = Segmenter()
    records, errors = [], []
    splits: dict[str, int] = {}
    masked = 0
    for path in files:
        lines, problems = _read_lines(path)
        errors += problems
        if problems:
            continue
        article_id = lines[0][1].get("article_id")
        row = pool.get(article_id)
        if row is None:
            errors.append(
                f"{path}:1: article {article_id!r} is not in {corpora_dir}/isot_reuters/articles.jsonl; "
                "point data.corpora_dir at the ISOT corpus the annotations were made on"
            )
            continue
        doc_id = doc_id_of(article_id)
        sentences = segmenter.segment(parse_article(row["text"], doc_id))
        if path.stem != doc_id:
            errors.append(f"{path}: holds article {article_id} ({doc_id}); name the file {doc_id}.jsonl")
            continue
        if len(lines) != len(sentences):
            errors.append(
                f"{path}: {len(lines)} lines but the article has {len(sentences)} sentences; "
                "the corpus or the segmenter changed: re-annotate the article in a new round"
            )
            continue
        split = article_split(doc_id, split_seed)
        splits[split] = splits.get(split, 0) + 1
        for (number, line), sentence, context in zip(lines, sentences, contexts(sentences)):
            where = f"{path}:{number}"
            if (line["sent_index"], line["start"], line["end"]) != (
                sentence.sent_index,
                sentence.start,
                sentence.end,
            ) or line["sha"] != sentence_hash(sentence.text):
                errors.append(
                    f"{where}: does not match sentence {line['sent_index']} of {article_id} in the corpus "
                    "(offsets or hash differ); the corpus or the segmenter changed: restore the corpus "
                    "from its origin, or re-annotate the article in a new round"
                )
                continue
            problems = _label_problems(line, len(sentence.text))
            if problems:
                errors += [f"{where}: {p}" for p in problems]
                continue
            masked += sum(line[k] is None for k in ("quote_type", "stance", "source_actor", "anonymous"))
            records.append(annotated_record(CORPUS, sentence, context, split, line))
    if errors:
        raise ReutersGoldError(errors)
    return records, {
        "articles": len(files),
        "articles_per_split": dict(sorted(splits.items())),
        "split_seed": split_seed,
        "masked_fields": masked,
    }


def _read_lines(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    lines = []
    objects, errors = json_lines(path)
    for number, line in objects:
        if set(line) != set(STORED_KEYS):
            errors.append(
                f"{path}:{number}: expected exactly the keys {list(STORED_KEYS)}, got {sorted(line)}"
            )
            continue
        lines.append((number, line))
    if not lines and not errors:
        errors.append(f"{path}: empty; delete it or store the article's annotations")
    return lines, errors


def _label_problems(line: dict, length: int) -> list[str]:
    """Unknown labels and spans outside the sentence; `null` (masked) is always allowed."""
    problems = []
    if line["quote_type"] not in (None, *QUOTE_TYPES):
        problems.append(f"unknown quote_type {line['quote_type']!r}; use one of {list(QUOTE_TYPES)} or null")
    if line["stance"] not in (None, *STANCES):
        problems.append(f"unknown stance {line['stance']!r}; use one of {list(STANCES)} or null")
    for key in ("source_actor", "stance_target"):
        value = line[key]
        if value is not None and not (isinstance(value, str) and re.match(ACTOR_CODE_PATTERN, value)):
            problems.append(f"{key} {value!r} is not an actor code ({ACTOR_CODE_PATTERN}) or null")
    if line["anonymous"] not in (None, True, False):
        problems.append(f"anonymous {line['anonymous']!r} must be true, false or null")
    for key in SPAN_KEYS:
        spans = line[key]
        if spans is None:
            continue
        for span in spans if isinstance(spans, list) else [None]:
            if not (
                isinstance(span, dict)
                and set(span) == {"start", "end"}
                and all(isinstance(span[k], int) for k in ("start", "end"))
                and 0 <= span["start"] < span["end"] <= length
            ):
                problems.append(
                    f"{key} span {span!r} is not inside the sentence (length {length}); "
                    "spans are {start, end} offsets into the sentence text"
                )
    return problems
