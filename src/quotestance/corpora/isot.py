"""isot_reuters (Reuters 2016-2017, from ISOT's True.csv): an unlabelled pool of sentences.

`<corpora_dir>/isot_reuters/articles.jsonl` holds one article a line:
`{"id": "isot_true1.csv:498", "cat": "politicsNews" | "worldnews", "title", "date", "text"}`.
The text is one paragraph starting with a dateline ("WASHINGTON (Reuters) - "),
which the segmenter leaves out of the first sentence. Records carry no labels
(split "unlabelled"); they feed pre-annotation, error analysis and active
learning, never training as they are.

The two categories are kept apart as corpora `isot_politics` and `isot_world`:
the worldnews rows lost their quotation marks and apostrophes ("Pakistan s
foreign minister"), so only `isot_politics` shows quotations as written.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..schema import SentenceRecord, sentence_record
from ..segment import Segmenter, contexts, parse_article
from . import CorpusFormatError, corpus_path

CATEGORIES = {"politicsNews": "isot_politics", "worldnews": "isot_world"}


def doc_id_of(article_id: str) -> str:
    """ "isot_true1.csv:498" -> "isot_true1-498" (record ids use ":" as their separator)."""
    return article_id.replace(".csv", "").replace(":", "-")


def read_pool(corpora_dir: str | Path, category: str = "politicsNews") -> list[dict]:
    """The ISOT rows of one category, in file order, as dicts (id, cat, title, date, text)."""
    path = corpus_path(corpora_dir, "isot_reuters", "articles.jsonl")
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return [row for row in rows if row.get("cat") == category]


def isot_records(corpora_dir: str | Path, category: str, limit: int | None = None) -> list[SentenceRecord]:
    """Sentence records of the first `limit` articles of one category, in file order."""
    if category not in CATEGORIES:
        raise ValueError(f"isot category {category!r} unknown; valid: {sorted(CATEGORIES)}")
    corpus = CATEGORIES[category]
    path = corpus_path(corpora_dir, "isot_reuters", "articles.jsonl")
    segmenter = Segmenter()
    records: list[dict] = []
    articles = 0
    with path.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, 1):
            if limit is not None and articles >= limit:
                break
            try:
                row = json.loads(line)
                if row["cat"] != category:
                    continue
                doc_id = doc_id_of(row["id"])
                text = row["text"]
            except (json.JSONDecodeError, KeyError) as error:
                raise CorpusFormatError(
                    f"{path}:{line_number}: expected a JSON object with id, cat and text ({error}); "
                    "restore the file from the corpus origin"
                ) from None
            articles += 1
            sentences = segmenter.segment(parse_article(text, doc_id))
            for sentence, context in zip(sentences, contexts(sentences)):
                records.append(sentence_record(corpus, sentence, context, "unlabelled"))
    return records
