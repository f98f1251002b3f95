"""Label new text with a trained checkpoint: one line in Python, one command in a shell.

    labeler = Labeler.from_pretrained("models/seed")
    labeler.label_article(open("article.txt").read())   # one dict per sentence

An article is segmented, every sentence is labelled with its previous sentence as
context, photo captions skipped, exactly as in training (segment.contexts; all tasks
in one forward pass, batches sorted by length), and the sources
are resolved across the article ("He" after a sentence about Trump is Donald Trump)
and coded with the user-editable actor table (configs/actors.yaml).

Input files are checked before any of them is labelled, so that a bad file (empty,
binary, not UTF-8, an HTML page, unreadable) is one clear message and the good files
are still labelled: see `read_inputs`.
"""

from __future__ import annotations

import codecs
import errno
import json
import logging
import os
import re
import stat
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from . import attribution
from .actors import DEFAULT_TABLE_PATH, ActorTable
from .checkpoint import CheckpointError, check_checkpoint, load_checkpoint  # noqa: F401 (re-exported)
from .labels import SENTENCE_TASKS, SPAN_FIELDS
from .predictor import Predictor
from .segment import Segmenter, Sentence, contexts, is_caption, parse_article

logger = logging.getLogger(__name__)

QUANTIZE_CHOICES = ("int8",)
# A sentence is cut to this many characters per model token before tokenizing: the
# model reads at most max_seq_length tokens anyway, and a 100,000-character "sentence"
# (a table, a scraped page without full stops) would otherwise be tokenized in full
# for nothing. Sixteen characters per token keeps every token the model would have read.
CHARS_PER_TOKEN = 16
# Sentences labelled per call into the model, across documents: large enough that
# batches are well filled and sorted by length, small enough to stream the output.
CHUNK_SENTENCES = 4096
# Byte-order marks, longest first (the UTF-32-LE mark begins with the UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)


@dataclass
class Document:
    """One unit of input: an article to segment, or sentences someone already split."""

    doc_id: str
    origin: str  # where it came from, for messages: a path, "<stdin>", "path:line"
    text: str | None = None
    sentences: list[dict] = field(default_factory=list)  # {"text", optional "id", "context"}


def first_source(text: str, spans: list[dict]) -> str | None:
    """The sentence's source: its first predicted source span with a letter or digit in it
    (a stray "," tagged SOURCE is no one)."""
    for span in spans:
        surface = text[span["start"] : span["end"]]
        if any(character.isalnum() for character in surface):
            return surface
    return None


def check_batch_size(batch_size) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size={batch_size!r}: must be an integer of at least 1 (e.g. 64)")
    return batch_size


DEVICE_PATTERN = re.compile(r"^(?:cpu|auto|cuda(?::\d+)?|mps)$")


def resolve_device(device: str | None) -> torch.device:
    """Args: device: "cpu", "cuda", "cuda:N", "mps", "auto" or None (auto: CUDA when present)."""
    if device is not None and (not isinstance(device, str) or not DEVICE_PATTERN.match(device)):
        raise ValueError(f"device={device!r}: the choices are 'cpu', 'cuda', 'cuda:N', 'mps', 'auto' or None")
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r}: no CUDA device is available; use --device cpu")
    return torch.device(device)


def quantize_int8(model: nn.Module) -> nn.Module:
    """Dynamic int8 quantization of every nn.Linear (weights int8, activations on the fly)."""
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        # torch marks eager-mode quantization deprecated in favour of torchao, which is
        # not a dependency of this project; the API still works in the pinned torch.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.ao")
        warnings.filterwarnings("ignore", message=r".*quantize_per_tensor.*")
        warnings.filterwarnings("ignore", message=r".*torch\.ao\.quantization is deprecated.*")
        return quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


class Labeler:
    """A checkpoint, its tokenizer and the actor table: text in, labelled sentences out."""

    def __init__(self, model, tokenizer, batch_size: int = 64, actors: ActorTable | None = None):
        self.predictor = Predictor(model, tokenizer, batch_size=check_batch_size(batch_size))
        self.config = model.config
        self.actors = actors
        self.segmenter = Segmenter()
        self.max_chars = self.config.max_seq_length * CHARS_PER_TOKEN

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        device: str | None = None,
        batch_size: int = 64,
        quantize: str | None = None,
        actors: str | Path | ActorTable | None = DEFAULT_TABLE_PATH,
    ) -> Labeler:
        """Load a checkpoint written by scripts/train.py (safetensors; no pickle, no remote code).

        `device`: "cpu", "cuda", "auto" or None (auto). `quantize="int8"`: dynamic int8,
        CPU only (faster; docs/inference.md has the measured speed). `actors`: the actor
        table's YAML path (default configs/actors.yaml), an ActorTable, or None to leave
        source_actor as NONE.
        """
        if quantize not in (None, *QUANTIZE_CHOICES):
            raise ValueError(f"quantize={quantize!r}: the choices are {QUANTIZE_CHOICES} or None")
        check_batch_size(batch_size)
        target = resolve_device(device)
        if quantize and target.type != "cpu":
            raise ValueError(
                f"quantize={quantize!r} runs on CPU only (torch dynamic quantization); "
                f"use device='cpu', or drop quantize on {target.type}"
            )
        table = actors
        if actors is not None and not isinstance(actors, ActorTable):
            table = ActorTable.from_yaml(actors)
        model, tokenizer = load_checkpoint(path)
        model = quantize_int8(model) if quantize else model.to(target)
        return cls(model, tokenizer, batch_size=batch_size, actors=table)

    # Public API ---------------------------------------------------------------------------

    def label_article(self, text: str, doc_id: str = "article", progress=None) -> list[dict]:
        """Segment an article and label every sentence; offsets index `text`."""
        [(_, results)] = list(self.label_documents([Document(doc_id, doc_id, text=text)], progress))
        return results

    def label_sentences(
        self,
        sentences: list[str],
        contexts: list[str] | None = None,
        doc_id: str = "sentences",
        progress=None,
    ) -> list[dict]:
        """Label sentences a user already split, in order, as one article.

        The context of a sentence is the previous one that is not a photo caption, as
        in training, unless `contexts` is given.
        `start`/`end` are relative to each sentence (0 and its length).
        """
        if contexts is not None and len(contexts) != len(sentences):
            raise ValueError(f"{len(sentences)} sentences but {len(contexts)} contexts; give one each")
        items = [{"text": text} for text in sentences]
        for item, context in zip(items, contexts or []):
            item["context"] = context
        document = Document(doc_id, doc_id, sentences=items)
        [(_, results)] = list(self.label_documents([document], progress))
        return results

    def label_documents(
        self, documents: Iterable[Document], progress=None
    ) -> Iterator[tuple[Document, list[dict]]]:
        """Label documents in chunks of whole documents, yielding each with its results.

        Sentences of several documents share batches, so a folder of short articles
        is as fast as one long one.
        """
        chunk: list[tuple[Document, list[dict]]] = []
        size = 0
        for document in documents:
            rows = self._sentence_rows(document)
            chunk.append((document, rows))
            size += len(rows)
            if size >= CHUNK_SENTENCES:
                yield from self._label_chunk(chunk, progress)
                chunk, size = [], 0
        if chunk:
            yield from self._label_chunk(chunk, progress)

    def predict_records(self, records: list[dict], progress=None, resolve: bool = True) -> list[dict]:
        """The evaluation's format: Predictor.predict_records plus (unless `resolve` is
        False) the resolved source, its actor code and `anonymous`."""
        predictions = self.predictor.predict_records(
            [{**r, **self._cut(r["text"], r.get("context") or "", r["id"])} for r in records],
            progress=progress,
        )
        return self.resolve_records(records, predictions) if resolve else predictions

    def resolve_records(self, records: list[dict], predictions: list[dict]) -> list[dict]:
        """Add source_resolved, source_actor, anonymous and stance_target to `predictions` (one per record),
        resolving across each doc_id's sentences in sent_index order."""
        by_document: dict[str, list[int]] = {}
        for index, record in enumerate(records):
            by_document.setdefault(record["doc_id"], []).append(index)
        for indices in by_document.values():
            indices.sort(key=lambda i: records[i]["sent_index"])
            items = [
                _resolution_item(
                    records[i]["text"],
                    predictions[i].get("source_spans") or [],
                    predictions[i].get("quote_type"),
                    records[i].get("is_caption"),
                )
                for i in indices
            ]
            for i, resolved in zip(indices, self._resolve(items)):
                predictions[i].update(resolved)
                predictions[i]["stance_target"] = attribution.stance_target(
                    records[i]["text"],
                    predictions[i].get("content_spans") or [],
                    resolved["source_actor"],
                    predictions[i].get("stance"),
                    records[i].get("context") or "",
                    self.actors,
                )
        return predictions

    # Internals ----------------------------------------------------------------------------

    def _sentence_rows(self, document: Document) -> list[dict]:
        """The sentences of a document with their offsets and context, before labelling."""
        if document.text is not None:
            sentences = self.segmenter.segment(parse_article(document.text, document.doc_id))
            ids = [f"{document.doc_id}:{s.sent_index}" for s in sentences]
            given = [None] * len(sentences)
        else:
            # Sentences someone already split: offsets are relative to each sentence.
            sentences = [
                Sentence(
                    document.doc_id, index, 0, 0, len(item["text"]), item["text"], is_caption(item["text"])
                )
                for index, item in enumerate(document.sentences)
            ]
            ids = [
                item.get("id") or f"{document.doc_id}:{index}"
                for index, item in enumerate(document.sentences)
            ]
            given = [item.get("context") for item in document.sentences]
        # The context the model was trained with (segment.contexts: captions skipped),
        # unless the input gives its own.
        return [
            {
                "id": sentence_id,
                "doc_id": document.doc_id,
                "sent_index": s.sent_index,
                "paragraph_index": s.paragraph_index,
                "text": s.text,
                "start": s.start,
                "end": s.end,
                "is_caption": s.is_caption,
                "context": context if own is None else own,
            }
            for sentence_id, s, context, own in zip(ids, sentences, contexts(sentences), given)
        ]

    def _cut(self, text: str, context: str, where: str) -> dict:
        """The sentence and context as the model reads them: at most max_chars each."""
        if len(text) > self.max_chars:
            logger.warning(
                "%s: a sentence of %d characters; the model reads at most %d tokens, so it is "
                "labelled from its first %d characters (split the text into sentences to label all of it)",
                where,
                len(text),
                self.config.max_seq_length,
                self.max_chars,
            )
        return {"text": text[: self.max_chars], "context": context[: self.max_chars]}

    def _label_chunk(self, chunk, progress) -> Iterator[tuple[Document, list[dict]]]:
        rows = [row for _, document_rows in chunk for row in document_rows]
        if progress is not None and hasattr(progress, "total"):
            # The total is known only once documents are segmented, chunk by chunk.
            progress.total = (progress.total or 0) + len(rows)
        model_inputs = [
            self._cut(row["text"], row["context"], f"{document.origin} (sentence {row['sent_index']})")
            for document, document_rows in chunk
            for row in document_rows
        ]
        # One call for the whole chunk: batches are sorted by length across its documents.
        predictions = (
            self.predictor.predict(
                [m["text"] for m in model_inputs], [m["context"] for m in model_inputs], progress=progress
            )
            if rows
            else []
        )
        position = 0
        for document, document_rows in chunk:
            results = [
                self._result(row, prediction)
                for row, prediction in zip(
                    document_rows, predictions[position : position + len(document_rows)]
                )
            ]
            position += len(document_rows)
            items = [
                _resolution_item(r["text"], r["source"], r.get("quote_type"), r["is_caption"])
                for r in results
            ]
            for result, row, resolved in zip(results, document_rows, self._resolve(items)):
                result.update(resolved)
                result["stance_target"] = attribution.stance_target(
                    result["text"],
                    result["content"],
                    resolved["source_actor"],
                    result.get("stance"),
                    row["context"],
                    self.actors,
                )
            yield document, results

    def _result(self, row: dict, prediction: dict) -> dict:
        result = {
            key: row[key]
            for key in ("id", "doc_id", "sent_index", "paragraph_index", "text", "start", "end", "is_caption")
        }
        for task in SENTENCE_TASKS:
            if task in prediction:
                result[task] = prediction[task]
                result[f"{task}_probs"] = prediction[f"{task}_probs"]
        for span_type, spans_field in SPAN_FIELDS.items():
            result[span_type.lower()] = [
                {"text": row["text"][s["start"] : s["end"]], "start": s["start"], "end": s["end"]}
                for s in prediction.get(spans_field, [])
            ]
        return result

    def _resolve(self, items: list[dict]) -> list[dict]:
        """source_resolved, source_actor and anonymous across one article's sentences, in
        order (attribution.resolve_sources; without an actor table, source_actor is NONE)."""
        return attribution.resolve_sources(items, self.actors)


def _resolution_item(
    text: str, source_spans: list[dict], quote_type: str | None, is_caption: bool | None
) -> dict:
    """One sentence as attribution.resolve_sources reads it."""
    return {
        "text": text,
        "source": first_source(text, source_spans),
        "quote_type": quote_type,
        "is_caption": bool(is_caption),
    }


# Reading input files ----------------------------------------------------------------------


def read_inputs(paths: list[str], stdin=None) -> tuple[list[Document], list[str]]:
    """Every readable document of the inputs, and one message per input that is not.

    An input is an article (a text file), a folder of articles (*.txt, recursively,
    sorted), a JSONL of sentences (`.jsonl`: one {"text", optional "id", "context",
    "doc_id"} per line), or "-" for an article on stdin.
    """
    documents: list[Document] = []
    problems: list[str] = []
    for name in paths:
        if name == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            _add_article(stream.read(), "stdin", "<stdin>", documents, problems)
            continue
        path = Path(name)
        problem = _path_problem(path)
        if problem:
            problems.append(problem)
        elif path.is_dir():
            files = sorted(path.rglob("*.txt"))
            if not files:
                problems.append(
                    f"{path}: a folder with no *.txt articles; put the articles there as .txt files"
                )
            for file in files:
                doc_id = file.relative_to(path).with_suffix("").as_posix()
                _add_file(file, doc_id, documents, problems)
        else:
            _add_file(path, path.stem, documents, problems)
    return documents, problems


def _path_problem(path: Path) -> str | None:
    """Why `path` is not something to read, or None: only regular files and folders are
    read (a FIFO would block forever, a device never ends)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"{path}: a link to {os.readlink(path)}, which does not exist; fix or remove the link"
        return f"{path}: no such file or folder"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"{path}: a symbolic link loop; fix the link"
        return f"{path}: cannot be read ({error.strerror or error})"
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return f"{path}: {kind}, not a file; skipped (give a regular file, or '-' to read stdin)"


def _add_file(path: Path, doc_id: str, documents: list[Document], problems: list[str]) -> None:
    if path.is_dir():
        problems.append(f"{path}: a folder named like an article; rename it or move it out")
        return
    problem = _path_problem(path)
    if problem:
        problems.append(problem)
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(f"{path}: cannot be read ({error.strerror or error}); check its permissions")
        return
    if path.suffix.lower() == ".jsonl":
        _add_jsonl(data, path, documents, problems)
    else:
        _add_article(data, doc_id, str(path), documents, problems)


def _decode(data: bytes, origin: str) -> tuple[str | None, str | None]:
    """The text of a file, or why it is not text (binary, not UTF-8, empty).

    UTF-8 (with or without a BOM) is the format; UTF-16 and UTF-32 files, which carry a
    BOM when Windows tools save them, are decoded by it rather than called binary.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                data = data[len(bom) :].decode(encoding).encode("utf-8")
            except UnicodeDecodeError as error:
                return None, (
                    f"{origin}: starts with a {encoding.upper()} byte-order mark but is not "
                    f"{encoding.upper()} (byte {error.start}); save it as UTF-8"
                )
            break
    if b"\x00" in data[:8192]:
        return None, f"{origin}: a binary file, not text; give a plain-text (UTF-8) article"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, (
            f"{origin}: not UTF-8 text (byte {error.start}); convert it first, "
            "e.g. `iconv -f LATIN1 -t UTF-8`"
        )
    if not text.strip():
        return None, f"{origin}: empty; nothing to label"
    return text, None


def _add_article(
    data: bytes, doc_id: str, origin: str, documents: list[Document], problems: list[str]
) -> None:
    text, problem = _decode(data, origin)
    if problem is None and HTML_START.match(text[:4096]):
        problem = (
            f"{origin}: an HTML page, not an article's text; extract the text first "
            "(e.g. copy it from the browser's reader view, or `html2text`)"
        )
    if problem:
        problems.append(problem)
        return
    documents.append(Document(doc_id, origin, text=text))


def _add_jsonl(data: bytes, path: Path, documents: list[Document], problems: list[str]) -> None:
    text, problem = _decode(data, str(path))
    if problem:
        problems.append(problem)
        return
    by_doc: dict[str, Document] = {}
    # JSON Lines are separated by "\n" only: str.splitlines() would also split at U+2028
    # and other separators that are valid inside a JSON string.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: not valid JSON ({error.msg}); one JSON object per line")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            problems.append(f'{where}: needs a non-empty string "text" key, e.g. {{"text": "He said so."}}')
            continue
        for key in ("id", "context", "doc_id"):
            if item.get(key) is not None and not isinstance(item[key], str):
                problems.append(f'{where}: "{key}" must be a string')
                break
        else:
            doc_id = item.get("doc_id") or path.stem
            document = by_doc.setdefault(doc_id, Document(doc_id, str(path)))
            document.sentences.append({k: item[k] for k in ("text", "id", "context") if k in item})
    documents.extend(by_doc.values())


# Writing results --------------------------------------------------------------------------

CSV_SPAN_SEPARATOR = " | "


def csv_columns(config) -> list[str]:
    """Flat columns: one per probability, spans as their texts joined by " | "."""
    columns = ["id", "doc_id", "sent_index", "start", "end", "is_caption", "text"]
    for task in config.tasks:
        if task in SENTENCE_TASKS:
            columns += [task] + [f"{task}_prob_{label}" for label in config.task_labels[task]]
    columns += [span_type.lower() for span_type in SPAN_FIELDS]
    return columns + ["source_resolved", "source_actor", "anonymous", "stance_target"]


def csv_row(result: dict) -> dict:
    row = {}
    for key, value in result.items():
        if key.endswith("_probs"):
            task = key[: -len("_probs")]
            row.update({f"{task}_prob_{label}": p for label, p in value.items()})
        elif isinstance(value, list):
            row[key] = CSV_SPAN_SEPARATOR.join(span["text"] for span in value)
        else:
            row[key] = value
    return row
