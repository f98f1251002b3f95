"""Gold annotations of the seed articles: load, validate against the article, convert.

One JSONL file per article, `data/annotations/<doc_id>.jsonl`, one line per sentence
that `Segmenter` produces, in sentence order (docs/annotation-guidelines.md). Each
line repeats the sentence text, so that a change to the article or the segmenter is
caught here instead of silently shifting labels onto the wrong sentence.

Validation collects every problem of every file and raises one `AnnotationError`
listing them all: a file is either used whole or not at all, nothing is dropped.
This module only reads annotation files; it never writes them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import DataProblems
from .labels import ACTOR_CODE_PATTERN, NO_ACTOR, QUOTE_TYPES, SPAN_FIELDS, STANCES
from .schema import SentenceRecord, sentence_record
from .segment import Segmenter, Sentence, contexts, read_article

CORPUS = "seed"
# The labels of one sentence, in the order of the guidelines (seed and Reuters files alike).
LABEL_KEYS = (
    "quote_type",
    "source",
    "cue",
    "content",
    "source_resolved",
    "source_actor",
    "anonymous",
    "stance",
    "stance_target",
)
FIELDS = ("doc_id", "sent_index", "text", "is_caption", *LABEL_KEYS)
# Annotation span lists and the record fields (labels.SPAN_FIELDS) they become.
SPAN_LISTS = {"source": SPAN_FIELDS["SOURCE"], "cue": SPAN_FIELDS["CUE"], "content": SPAN_FIELDS["CONTENT"]}
SPAN_KEYS = ("start", "end", "text")
ACTOR_CODE = re.compile(ACTOR_CODE_PATTERN)
PREANNOTATE_HINT = "draft one with scripts/preannotate.py, then correct it by hand"


class AnnotationError(DataProblems):
    """One or more problems in annotation files; `errors` lists each message."""

    what = "annotation problem"


def json_lines(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    """Every non-blank line of a JSONL file as (line number, object), and one
    `file:line: what; fix` message per line that is not a JSON object. Lines are split on
    "\n" only (a U+2028 inside a string is not a line break)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [], [f"{path}: cannot read ({error}); it must be UTF-8 JSONL"]
    objects, errors = [], []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(
                f"{path}:{number}: not valid JSON ({error.msg} at column {error.colno}); fix the syntax"
            )
            continue
        if not isinstance(item, dict):
            errors.append(f"{path}:{number}: a line must be a JSON object")
            continue
        objects.append((number, item))
    return objects, errors


def load_annotations(path: Path, sentences: list[Sentence]) -> list[dict]:
    """Read one article's annotation file and check it against its segmented sentences.

    Returns the annotations in sentence order; raises `AnnotationError` listing every
    problem found.
    """
    path = Path(path)
    errors: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise AnnotationError([f"{path}: cannot read ({error}); it must be UTF-8 JSONL"]) from None

    expected_doc_id = sentences[0].doc_id if sentences else path.stem
    by_index: dict[int, tuple[int, dict]] = {}  # sent_index -> (line number, annotation)
    order: list[int] = []
    for line_number, line in enumerate(lines, start=1):
        where = f"{path}:{line_number}"
        if not line.strip():
            errors.append(f"{where}: empty line; delete it (one JSON object per sentence)")
            continue
        try:
            annotation = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"{where}: not valid JSON ({error.msg} at column {error.colno}); fix the syntax")
            continue
        if not isinstance(annotation, dict):
            errors.append(f"{where}: a line must be a JSON object with the fields {list(FIELDS)}")
            continue
        line_errors = _check_fields(annotation)
        if line_errors:
            # The remaining checks need every field; report what is wrong with the keys.
            errors.extend(f"{where}: {message}" for message in line_errors)
            continue
        if annotation["doc_id"] != expected_doc_id:
            errors.append(
                f"{where}: doc_id {annotation['doc_id']!r} does not match the article "
                f"{expected_doc_id!r}; set it to {expected_doc_id!r} or move the line to its own file"
            )
        index = annotation["sent_index"]
        if not isinstance(index, int) or isinstance(index, bool):
            errors.append(f"{where}: sent_index {index!r} is not an integer; use the sentence's index")
            continue
        if index in by_index:
            errors.append(
                f"{where}: duplicated sent_index {index} (also on line {by_index[index][0]}); "
                "keep one line per sentence and delete the other"
            )
            continue
        by_index[index] = (line_number, annotation)
        order.append(index)
        if not 0 <= index < len(sentences):
            errors.append(
                f"{where}: sent_index {index} is a sentence the segmenter no longer produces "
                f"(the article has {len(sentences)} sentences, 0-{len(sentences) - 1}); "
                "re-align the file with the current segmentation and delete this line"
            )
            continue
        drift = _check_sentence(annotation, sentences[index])
        # Spans of a drifted line would all be reported against the wrong text: the
        # drift message alone says to re-check the whole line.
        problems = drift or label_problems(annotation)
        errors.extend(f"{where}: {message}" for message in problems)

    for sentence in sentences:
        if sentence.sent_index not in by_index:
            before = [by_index[i][0] for i in by_index if i < sentence.sent_index]
            place = f"after line {max(before)}" if before else "as the first line"
            errors.append(
                f"{path}: no annotation for sentence {sentence.sent_index} "
                f"({_preview(sentence.text)}); add its line {place}"
            )
    if not errors and order != sorted(order):
        errors.append(f"{path}: lines are not in sentence order; sort them by sent_index")
    if errors:
        raise AnnotationError(errors)
    return [by_index[index][1] for index in sorted(by_index)]


def seed_records(
    raw_dir: Path, annotations_dir: Path, segmenter: Segmenter | None = None
) -> list[SentenceRecord]:
    """Schema records for every article in raw_dir, labelled from annotations_dir.

    Every article needs an annotation file and every annotation file an article.
    `split` and `fold` are left for the dataset builder to assign.
    """
    raw_dir, annotations_dir = Path(raw_dir), Path(annotations_dir)
    segmenter = segmenter or Segmenter()
    articles = sorted(raw_dir.glob("*.txt"))
    errors: list[str] = []
    records: list[dict] = []
    if not articles:
        raise AnnotationError([f"{raw_dir}: no *.txt articles; put the raw articles there"])
    article_ids = {path.stem for path in articles}
    for path in sorted(annotations_dir.glob("*.jsonl")):
        if path.stem not in article_ids:
            errors.append(
                f"{path}: no article {raw_dir / (path.stem + '.txt')} for these annotations; "
                "add the article or delete the file"
            )
    for article_path in articles:
        annotation_path = annotations_dir / f"{article_path.stem}.jsonl"
        if not annotation_path.is_file():
            errors.append(f"{article_path}: no annotation file {annotation_path}; {PREANNOTATE_HINT}")
            continue
        sentences = segmenter.segment(read_article(article_path))
        try:
            annotations = load_annotations(annotation_path, sentences)
        except AnnotationError as error:
            errors.extend(error.errors)
            continue
        records.extend(_records(sentences, annotations))
    if errors:
        raise AnnotationError(errors)
    return records


def _records(sentences: list[Sentence], annotations: list[dict]) -> list[dict]:
    return [
        annotated_record(CORPUS, sentence, context, "", annotation)
        for sentence, annotation, context in zip(sentences, annotations, contexts(sentences))
    ]


def annotated_record(corpus: str, sentence: Sentence, context: str, split: str, annotation: dict) -> dict:
    """The schema record of one annotated sentence (seed or Reuters gold line).

    Spans are the annotation's `source` / `cue` / `content` lists of {start, end}; a
    span list that is None (left unset by an adjudicator) makes `spans_labelled` False,
    and every other None label stays unset.
    """
    spans_known = all(annotation[name] is not None for name in SPAN_LISTS)
    spans = {
        field: [{"start": span["start"], "end": span["end"]} for span in annotation[name] or []]
        for name, field in SPAN_LISTS.items()
    }
    labels = {key: annotation[key] for key in LABEL_KEYS if key not in SPAN_LISTS}
    return sentence_record(corpus, sentence, context, split, spans_labelled=spans_known, **labels, **spans)


def _check_fields(annotation: dict) -> list[str]:
    problems = []
    missing = [name for name in FIELDS if name not in annotation]
    unknown = sorted(set(annotation) - set(FIELDS))
    if missing:
        problems.append(f"missing field(s) {missing}; every line has all of {list(FIELDS)}")
    if unknown:
        problems.append(
            f"unknown field(s) {unknown}; delete them or fix their spelling (valid: {list(FIELDS)})"
        )
    return problems


def _check_sentence(annotation: dict, sentence: Sentence) -> list[str]:
    """The annotation still describes the sentence the segmenter produces."""
    problems = []
    if not isinstance(annotation["text"], str):
        problems.append(
            f"text must be a string, got {annotation['text']!r}; copy the sentence text "
            f"{_preview(sentence.text)} (sentence {sentence.sent_index}) from the segmenter"
        )
    elif annotation["text"] != sentence.text:
        problems.append(
            f"text drift at sentence {sentence.sent_index}: the annotation has "
            f"{_preview(annotation['text'])} but the segmenter now gives {_preview(sentence.text)}; "
            "the article or the segmenter changed: re-check this line's spans and labels, "
            "then copy the new text"
        )
    elif annotation["is_caption"] != sentence.is_caption:
        problems.append(
            f"is_caption is {annotation['is_caption']!r} but the segmenter says {sentence.is_caption!r}; "
            f"set it to {str(sentence.is_caption).lower()}"
        )
    return problems


def label_problems(annotation: dict) -> list[str]:
    """What is wrong with one annotation line's labels and spans (spans as {start, end,
    text}), as messages with their fix; [] when it is consistent. Used for seed, Reuters
    and Label Studio lines alike."""
    problems = []
    quote_type, stance = annotation["quote_type"], annotation["stance"]
    actor, target = annotation["source_actor"], annotation["stance_target"]
    resolved, anonymous = annotation["source_resolved"], annotation["anonymous"]
    if quote_type not in QUOTE_TYPES:
        problems.append(f"unknown quote_type {quote_type!r}; use one of {list(QUOTE_TYPES)}")
    if stance not in STANCES:
        problems.append(f"unknown stance {stance!r}; use one of {list(STANCES)}")
    if not isinstance(actor, str) or not ACTOR_CODE.match(actor):
        problems.append(
            f"source_actor {actor!r} is not an actor code ({ACTOR_CODE_PATTERN}); "
            "use an ISO 3166 alpha-3 code, a group code such as TALIBAN, IGO, OTHER or NONE"
        )
    if target == NO_ACTOR:
        problems.append(f"stance_target {NO_ACTOR!r} is for source_actor only; use null for no target")
    elif target is not None and not (isinstance(target, str) and ACTOR_CODE.match(target)):
        problems.append(
            f"stance_target {target!r} is not an actor code ({ACTOR_CODE_PATTERN}); "
            "use a code such as PAK or USA, or null when the stance has no target"
        )
    if not isinstance(anonymous, bool):
        problems.append(f"anonymous {anonymous!r} must be true or false")
    if resolved is not None and (not isinstance(resolved, str) or not resolved.strip()):
        problems.append(f"source_resolved {resolved!r} must be a name or null")

    text = annotation["text"]
    spans = []
    for name in SPAN_LISTS:
        span_list = annotation[name]
        if not isinstance(span_list, list):
            problems.append(f"{name} must be a list of spans ([] when there is none)")
            continue
        for number, span in enumerate(span_list):
            span_problem = _check_span(span, text)
            if span_problem:
                problems.append(f"{name}[{number}] {span_problem}")
            else:
                spans.append((span["start"], span["end"], f"{name}[{number}]"))
    spans.sort()
    reach, reaching = -1, ""  # the furthest end so far, and whose it is
    for start, end, name in spans:
        if start < reach:
            problems.append(
                f"{reaching} and {name} overlap; spans are token tags, so each character "
                "belongs to at most one span: shorten one of them"
            )
        if end > reach:
            reach, reaching = end, name

    if quote_type == "none":
        has_spans = any(annotation[name] for name in SPAN_LISTS)
        if has_spans or actor != NO_ACTOR or resolved is not None or anonymous:
            problems.append(
                "quote_type is none but the line has attribution labels; either set the "
                'quote_type or use empty spans, source_actor "NONE", source_resolved null, anonymous false'
            )
    elif quote_type in QUOTE_TYPES:
        if not annotation["content"]:
            problems.append(f"quote_type {quote_type} needs a content span; mark the reported content")
        if actor == NO_ACTOR or resolved is None:
            problems.append(
                f"quote_type {quote_type} needs its source: set source_resolved to the speaker's "
                "name and source_actor to their code (not NONE)"
            )
    return problems


def _check_span(span, text: str) -> str | None:
    """What is wrong with one span, or None."""
    if not isinstance(span, dict) or set(span) != set(SPAN_KEYS):
        return f"must be an object with exactly the keys {list(SPAN_KEYS)}, got {span!r}"
    start, end = span["start"], span["end"]
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in (start, end)):
        return f"start and end must be integers, got {start!r}, {end!r}"
    if not 0 <= start < end <= len(text):
        return (
            f"[{start}, {end}) is outside the sentence (length {len(text)}) or empty; "
            "offsets count characters from the start of the sentence text"
        )
    if not isinstance(span["text"], str):
        return (
            f"text must be a string, got {span['text']!r}; set it to the characters the span "
            f"covers, {text[start:end]!r}"
        )
    if text[start:end] != span["text"]:
        located = text.find(span["text"]) if span["text"] else -1
        fix = (
            f"the text is at [{located}, {located + len(span['text'])}): fix start and end"
            if located >= 0
            else "fix the offsets or the span text"
        )
        return f"text {span['text']!r} does not match the sentence slice {text[start:end]!r}; {fix}"
    return None


def _preview(text: str, length: int = 60) -> str:
    return repr(text if len(text) <= length else text[: length - 3] + "...")
