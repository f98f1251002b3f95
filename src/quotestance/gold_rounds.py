"""Double annotation of Reuters articles: packets, checks, storage, agreement, adjudication.

The workflow of one round (docs/reuters-annotation.md):

1. `write_packets` turns the selected ISOT articles into one packet per article,
   outside the repository: `<doc_id>.md` (title and numbered sentences, to read) and
   `<doc_id>.jsonl` (one line per sentence with every label field null, to fill).
   The packet holds the article text, so it never enters git.
2. Two annotators fill their own copies independently (they see the guidelines and
   the packet, never each other's file nor a model's output). `check_filled`
   validates a filled file with the seed's rules and names each problem by line.
3. `store_annotation` converts a filled file into the stored form, which carries no
   Reuters text: the ISOT article id, the sentence's offsets in the article, a short
   hash of the sentence, and the labels with spans as offsets. It refuses to
   overwrite an existing file: nothing ever replaces an annotation.
4. `disagreements` lists, per sentence and field, where the two stored annotations
   differ; a third reader decides each one (`adjudicate`), and the decision is logged.
   Agreement before adjudication is `agreement` (Cohen's kappa per field).

Every label here was typed by an annotator who read the article; this module only
moves labels between formats and compares them. It never writes one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from .annotations import LABEL_KEYS, SPAN_LISTS, json_lines, label_problems
from .atomic import write_new_files, write_text_atomic
from .errors import DataProblems
from .segment import Segmenter, Sentence, parse_article

SPAN_KEYS = tuple(SPAN_LISTS)  # source, cue, content
# Fields compared with Cohen's kappa (categorical); the rest by exact agreement.
KAPPA_FIELDS = ("quote_type", "stance", "source_actor", "stance_target", "anonymous")
EXACT_FIELDS = ("source", "cue", "content", "source_resolved")
# 12 hex digits of SHA-256 (48 bits): enough to catch any edit to a sentence, too short
# to carry its text.
HASH_LENGTH = 12


class GoldError(DataProblems):
    """Problems with Reuters annotation files; `errors` lists each (file:line: what; fix)."""

    what = "Reuters annotation problem"


def sentence_hash(text: str) -> str:
    """A short, stable fingerprint of a sentence's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class PacketArticle:
    article_id: str
    doc_id: str
    title: str
    sentences: list[Sentence]


def packet_article(row: dict, doc_id: str, segmenter: Segmenter | None = None) -> PacketArticle:
    segmenter = segmenter or Segmenter()
    return PacketArticle(
        row["id"], doc_id, row["title"], segmenter.segment(parse_article(row["text"], doc_id))
    )


def write_packets(articles: list[PacketArticle], out_dir: Path) -> list[Path]:
    """One reading file and one blank label file per article under `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        lines = [f"# {article.title}", "", f"article {article.article_id} (doc_id {article.doc_id})", ""]
        for sentence in article.sentences:
            mark = " [CAPTION]" if sentence.is_caption else ""
            lines.append(f"[{sentence.sent_index}]{mark} {sentence.text}")
            lines.append("")
        reading = out_dir / f"{article.doc_id}.md"
        write_text_atomic(reading, "\n".join(lines))
        blank = [
            json.dumps(
                {
                    "sent_index": s.sent_index,
                    "text": s.text,
                    "is_caption": s.is_caption,
                    **{key: ([] if key in SPAN_KEYS else None) for key in LABEL_KEYS},
                },
                ensure_ascii=False,
            )
            for s in article.sentences
        ]
        template = out_dir / f"{article.doc_id}.jsonl"
        write_text_atomic(template, "\n".join(blank) + "\n")
        written += [reading, template]
    return written


def _find_word(text: str, span: str, cursor: int) -> int:
    """The first occurrence of `span` at or after `cursor` that does not cut a word
    ("he" is not the end of "the"); -1 when there is none."""
    start = text.find(span, cursor)
    while start >= 0 and span:
        before = text[start - 1] if start > 0 else " "
        after = text[start + len(span)] if start + len(span) < len(text) else " "
        cuts = (span[0].isalnum() and before.isalnum()) or (span[-1].isalnum() and after.isalnum())
        if not cuts:
            return start
        start = text.find(span, start + 1)
    return start


def resolve_spans(spans, text: str) -> tuple[list[dict] | None, str | None]:
    """Annotators may write a span as its exact text; give it offsets.

    A bare string is found at its first whole-word occurrence after the end of the
    previous span of the same list (spans are listed in text order); a dict must already
    have start, end and text.
    """
    if not isinstance(spans, list):
        return None, "must be a list of spans ([] when there is none)"
    resolved, cursor = [], 0
    for number, span in enumerate(spans):
        if isinstance(span, str):
            start = _find_word(text, span, cursor)
            if not span or start < 0:
                return None, (
                    f"[{number}] {span!r} is not in the sentence after the previous span; copy the "
                    "exact characters (quotation marks and apostrophes as printed)"
                )
            span = {"start": start, "end": start + len(span), "text": span}
        resolved.append(span)
        if isinstance(span, dict) and isinstance(span.get("end"), int):
            cursor = span["end"]
    return resolved, None


def check_filled(path: Path, article: PacketArticle) -> list[dict]:
    """Validate one annotator's filled file against the article's sentences.

    Returns the lines with every span as {start, end, text}; raises `GoldError`
    listing each problem as `file:line: what; fix`.
    """
    path = Path(path)
    filled_lines, errors = json_lines(path)
    by_index: dict[int, dict] = {}
    for line_number, filled in filled_lines:
        where = f"{path}:{line_number}"
        missing = [key for key in ("sent_index", "text", "is_caption", *LABEL_KEYS) if key not in filled]
        if missing:
            errors.append(f"{where}: missing field(s) {missing}; keep every field of the blank line")
            continue
        index = filled["sent_index"]
        if not isinstance(index, int) or not 0 <= index < len(article.sentences):
            errors.append(f"{where}: sent_index {index!r} is not a sentence of {article.doc_id}")
            continue
        if index in by_index:
            errors.append(f"{where}: sent_index {index} appears twice; keep one line per sentence")
            continue
        sentence = article.sentences[index]
        if filled["text"] != sentence.text:
            errors.append(f"{where}: the text of sentence {index} was changed; restore it from the packet")
            continue
        annotation = dict(filled, doc_id=article.doc_id)
        span_error = False
        for key in SPAN_KEYS:
            spans, problem = resolve_spans(filled[key], sentence.text)
            if problem:
                errors.append(f"{where}: {key}{problem}")
                span_error = True
            annotation[key] = spans
        if span_error:
            continue
        problems = label_problems(annotation)
        errors.extend(f"{where}: {problem}" for problem in problems)
        by_index[index] = annotation
    absent = [s.sent_index for s in article.sentences if s.sent_index not in by_index]
    if absent and not errors:
        errors.append(f"{path}: no line for sentence(s) {absent}; label every sentence of the packet")
    if errors:
        raise GoldError(errors)
    return [by_index[i] for i in sorted(by_index)]


def stored_lines(filled: list[dict], article: PacketArticle) -> list[dict]:
    """The stored form of checked annotations: offsets and hashes, no text."""
    out = []
    for annotation in filled:
        sentence = article.sentences[annotation["sent_index"]]
        line = {
            "article_id": article.article_id,
            "doc_id": article.doc_id,
            "sent_index": sentence.sent_index,
            "start": sentence.start,
            "end": sentence.end,
            "sha": sentence_hash(sentence.text),
            "is_caption": sentence.is_caption,
        }
        for key in LABEL_KEYS:
            if key in SPAN_KEYS:
                line[key] = [{"start": s["start"], "end": s["end"]} for s in annotation[key]]
            else:
                line[key] = annotation[key]
        out.append(line)
    return out


def write_new(path: Path, lines: list[dict]) -> None:
    """Write a stored annotation file; never replaces one that exists."""
    path = Path(path)
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if path.exists():
        raise GoldError(
            [
                f"{path}: already exists; annotations are never overwritten (delete it by hand "
                "with git if it is really wrong, or write a new round)"
            ]
        )
    try:
        write_new_files({path: text}, path.parent)
    except FileExistsError:  # appeared between the check and the link
        raise GoldError([f"{path}: already exists; annotations are never overwritten"]) from None


def read_stored(path: Path) -> list[dict]:
    """The lines of a stored annotation file, in order; GoldError if one does not parse."""
    lines, errors = json_lines(path)
    if errors:
        raise GoldError(errors)
    return [line for _, line in lines]


def _comparable(value):
    if isinstance(value, list):
        return json.dumps(value, sort_keys=True)
    return value


def disagreements(a: list[dict], b: list[dict]) -> list[dict]:
    """Each (sentence, field) where two stored annotations of one article differ."""
    found = []
    for left, right in zip(a, b, strict=True):
        for key in LABEL_KEYS:
            if _comparable(left[key]) != _comparable(right[key]):
                found.append(
                    {
                        "doc_id": left["doc_id"],
                        "sent_index": left["sent_index"],
                        "field": key,
                        "a": left[key],
                        "b": right[key],
                    }
                )
    return found


def double_annotations(annotations_dir: Path) -> list[tuple[list[dict], list[dict]]]:
    """(annotator a's lines, annotator b's lines) for every article stored by both."""
    annotations_dir = Path(annotations_dir)
    return [
        (read_stored(a), read_stored(annotations_dir / "b" / a.name))
        for a in sorted((annotations_dir / "a").glob("*.jsonl"))
        if (annotations_dir / "b" / a.name).exists()
    ]


def agreement(pairs: list[tuple[list[dict], list[dict]]]) -> dict:
    """Cohen's kappa (categorical fields) and exact agreement (spans, names) over all sentences."""
    result: dict[str, dict] = {}
    left = [line for a, _ in pairs for line in a]
    right = [line for _, b in pairs for line in b]
    for key in KAPPA_FIELDS:
        x = [str(line[key]) for line in left]
        y = [str(line[key]) for line in right]
        kappa = cohen_kappa_score(x, y) if len(set(x) | set(y)) > 1 else 1.0
        result[key] = {
            "kappa": round(float(kappa), 3),
            "agreement": round(sum(p == q for p, q in zip(x, y)) / max(len(x), 1), 3),
        }
    for key in EXACT_FIELDS:
        same = sum(_comparable(p[key]) == _comparable(q[key]) for p, q in zip(left, right))
        result[key] = {"agreement": round(same / max(len(left), 1), 3)}
    result["sentences"] = len(left)
    return result
