"""The sentence record: one schema for the seed, every public corpus and predictions.

A field that a source does not label is None (or, for spans, `spans_labelled`
is False), never a guess: training masks it out of that task's loss and the
evaluation skips it.
"""

from __future__ import annotations

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
    """One sentence of the dataset: a row of FEATURES (see the comments there)."""

    id: str
    corpus: str
    doc_id: str
    sent_index: int
    paragraph_index: int
    start: int
    end: int
    text: str
    context: str
    is_caption: bool
    split: str
    fold: int
    quote_type: str | None
    spans_labelled: bool
    source_spans: list[Span]
    cue_spans: list[Span]
    content_spans: list[Span]
    source_resolved: str | None
    source_actor: str | None
    anonymous: bool | None
    stance: str | None
    stance_target: str | None
    event_mode: str | None
    event_source: str | None
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


SPAN_FEATURE = {"start": Value("int32"), "end": Value("int32")}

FEATURES = Features(
    {
        "id": Value("string"),  # "<corpus>:<doc_id>:<sent_index>", unique across sources
        "corpus": Value("string"),  # data source: seed, polnear, plv, cameo, isot_politics, ...
        "doc_id": Value("string"),
        "sent_index": Value("int32"),
        "paragraph_index": Value("int32"),
        "start": Value("int32"),  # character offsets of `text` in the article file
        "end": Value("int32"),
        "text": Value("string"),
        "context": Value("string"),  # previous sentence of the same article, "" for the first
        "is_caption": Value("bool"),
        "split": Value("string"),  # train | validation | test | unlabelled
        "fold": Value("int32"),  # cross-validation fold, -1 where the source has fixed splits
        "quote_type": Value("string"),
        "spans_labelled": Value("bool"),
        "source_spans": List(SPAN_FEATURE),  # character offsets inside `text`
        "cue_spans": List(SPAN_FEATURE),
        "content_spans": List(SPAN_FEATURE),
        "source_resolved": Value("string"),
        "source_actor": Value("string"),
        "anonymous": Value("bool"),
        "stance": Value("string"),
        "stance_target": Value("string"),
        "event_mode": Value("string"),
        "event_source": Value("string"),  # PLV's marked source and target, as metadata
        "event_target": Value("string"),
    }
)

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
