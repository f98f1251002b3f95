"""Deterministic split assignment: the text key that duplicates share, hash-chosen
samples, cross-validation folds and validation carved out of a train file.

Nothing here draws from a global random state: a record's split depends only on its
text or id and the configured seed, so rebuilding a dataset gives the same splits.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata

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


def unit_hash(text: str) -> float:
    """A number in [0, 1) fixed by the text, for deterministic sampling."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:15], 16) / 16**15


def assign_folds(records: list[dict], split: str, num_folds: int, shuffle_seed: int) -> None:
    """Put every record in `split`; in train, give each a cross-validation fold by a
    shuffle seeded with `shuffle_seed` (the seed article's sentences)."""
    order = sorted(range(len(records)), key=lambda i: records[i]["id"])
    random.Random(shuffle_seed).shuffle(order)
    for position, index in enumerate(order):
        records[index]["split"] = split
        records[index]["fold"] = position % num_folds if split == "train" else -1


def carve_validation(records: list[dict], fraction: float) -> int:
    """Move the hash-chosen `fraction` of train records to validation; return how many."""
    moved = 0
    for record in records:
        if record["split"] == "train" and unit_hash(normalise_text(record["text"])) < fraction:
            record["split"] = "validation"
            moved += 1
    return moved
