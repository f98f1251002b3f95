"""The sentence record: one schema for the seed, every public corpus and predictions.

A field that a source does not label is None (or, for spans, `spans_labelled`
is False), never a guess: training masks it out of that task's loss and the
evaluation skips it.
"""

from __future__ import annotations

import typing
from typing import TypedDict

from datasets import Features, List, Value

from .segment import Sentence


class Span(TypedDict):
    """Character offsets [start, end) inside a sentence's `text`."""

    start: int
    end: int


class TextSpan(Span):
    """A span with its surface text, as the Labeler returns it to users."""

    text: str


class SentenceRecord(TypedDict):
    """One sentence of the dataset; FEATURES, its `datasets` schema, is derived from it."""

    id: str  # "<corpus>:<doc_id>:<sent_index>", unique across sources
    corpus: str  # the source: seed, reuters, polnear, plv, cameo, isot_politics, ...
    doc_id: str
    sent_index: int
    paragraph_index: int
    start: int  # character offsets of `text` in the article file
    end: int
    text: str
    context: str  # previous sentence of the same article (captions skipped), "" for the first
    is_caption: bool
    split: str  # train | validation | test | unlabelled
    fold: int  # cross-validation fold, -1 where the source has fixed splits
    quote_type: str | None
    spans_labelled: bool
    source_spans: list[Span]  # character offsets inside `text`
    cue_spans: list[Span]
    content_spans: list[Span]
    source_resolved: str | None
    source_actor: str | None
    anonymous: bool | None
    stance: str | None
    stance_target: str | None
    event_mode: str | None
    event_source: str | None  # PLV's marked source and target, as metadata
    event_target: str | None


class Prediction(TypedDict, total=False):
    """What a model (or the baseline) says about one record, keyed by the record's id.

    Sentence tasks give `<task>` and `<task>_probs` ({label: probability}); the span
    task gives `source_spans`, `cue_spans`, `content_spans` (offsets inside the
    sentence); resolution across the article adds the rest. The evaluation compares
    a Prediction with the SentenceRecord of the same id, field by field.
    """

    id: str
    quote_type: str | None
    quote_type_probs: dict[str, float]
    stance: str | None
    stance_probs: dict[str, float]
    event_mode: str | None
    event_mode_probs: dict[str, float]
    source_spans: list[Span]
    cue_spans: list[Span]
    content_spans: list[Span]
    source_resolved: str | None
    source_actor: str
    anonymous: bool
    stance_target: str | None


class LabeledSentence(TypedDict, total=False):
    """One sentence of a user's article as `Labeler.label_article` returns it: where it is
    (offsets into the article), the Prediction's labels, and the spans with their text
    under the names `source`, `cue`, `content` (the JSONL/CSV output of scripts/predict.py)."""

    id: str
    doc_id: str
    sent_index: int
    paragraph_index: int
    text: str
    start: int
    end: int
    is_caption: bool
    quote_type: str
    quote_type_probs: dict[str, float]
    stance: str
    stance_probs: dict[str, float]
    event_mode: str
    event_mode_probs: dict[str, float]
    source: list[TextSpan]
    cue: list[TextSpan]
    content: list[TextSpan]
    source_resolved: str | None
    source_actor: str
    anonymous: bool
    stance_target: str | None


# Python types of SentenceRecord to `datasets` types: one schema, written once above.
SPAN_FEATURE = {"start": Value("int32"), "end": Value("int32")}
_VALUES = {str: Value("string"), int: Value("int32"), bool: Value("bool")}


def _feature(hint):
    if typing.get_origin(hint) is list:
        return List(SPAN_FEATURE)
    kinds = [kind for kind in typing.get_args(hint) if kind is not type(None)] or [hint]
    return _VALUES[kinds[0]]


FEATURES = Features({name: _feature(hint) for name, hint in typing.get_type_hints(SentenceRecord).items()})

LABEL_FIELDS = (
    "quote_type",
    "source_resolved",
    "source_actor",
    "anonymous",
    "stance",
    "stance_target",
    "event_mode",
)


def empty_record(**fields) -> SentenceRecord:
    """A record with every field present and every label unset, updated by `fields`."""
    record = {
        "id": "",
        "corpus": "",
        "doc_id": "",
        "sent_index": 0,
        "paragraph_index": 0,
        "start": 0,
        "end": 0,
        "text": "",
        "context": "",
        "is_caption": False,
        "split": "",
        "fold": -1,
        "spans_labelled": False,
        "source_spans": [],
        "cue_spans": [],
        "content_spans": [],
        "event_source": None,
        "event_target": None,
    }
    record.update({name: None for name in LABEL_FIELDS})
    unknown = set(fields) - set(FEATURES)
    if unknown:
        raise KeyError(f"unknown record fields {sorted(unknown)}; valid: {sorted(FEATURES)}")
    record.update(fields)
    return record


def sentence_record(corpus: str, sentence: Sentence, context: str, split: str, **labels) -> SentenceRecord:
    """The record of one segmented article sentence; labels not given stay unset.
    `context` comes from `segment.contexts`, the same for every source."""
    return empty_record(
        id=f"{corpus}:{sentence.doc_id}:{sentence.sent_index}",
        corpus=corpus,
        doc_id=sentence.doc_id,
        sent_index=sentence.sent_index,
        paragraph_index=sentence.paragraph_index,
        start=sentence.start,
        end=sentence.end,
        text=sentence.text,
        context=context,
        is_caption=sentence.is_caption,
        split=split,
        **labels,
    )
