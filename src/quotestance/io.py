"""The command line's files: reading articles and sentence files into Documents, and
writing labelled sentences as JSON Lines or CSV.

Input files are checked before any of them is labelled, so that a bad file (empty,
binary, not UTF-8, an HTML page, unreadable, a FIFO) is one clear message and the
good files are still labelled: see `read_inputs`.
"""

from __future__ import annotations

import codecs
import csv
import errno
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .labels import SPAN_FIELDS
from .schema import LabeledSentence
from .tasks import sentence_tasks

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


CSV_SPAN_SEPARATOR = " | "


def csv_columns(config) -> list[str]:
    """Flat columns for a checkpoint's config: one per probability, spans as their texts
    joined by " | "."""
    columns = ["id", "doc_id", "sent_index", "start", "end", "is_caption", "text"]
    for task in sentence_tasks(config.tasks):
        columns += [task.name] + [f"{task.name}_prob_{label}" for label in config.task_labels[task.name]]
    columns += [span_type.lower() for span_type in SPAN_FIELDS]
    return columns + ["source_resolved", "source_actor", "anonymous", "stance_target"]


def csv_row(result: LabeledSentence) -> dict:
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


class ResultWriter:
    """Labelled sentences to an open text stream, as JSON Lines (one LabeledSentence per
    line) or CSV (`csv_columns`, header first).

    Example:
        >>> with open("labels.csv", "w", newline="") as stream:
        ...     writer = ResultWriter(stream, "csv", labeler.config)
        ...     writer.write(labeler.label_article(text))
    """

    def __init__(self, stream: TextIO, output_format: str, config):
        if output_format not in ("jsonl", "csv"):
            raise ValueError(f"output_format={output_format!r}: the choices are 'jsonl' and 'csv'")
        self.stream = stream
        self.csv = None
        if output_format == "csv":
            self.csv = csv.DictWriter(stream, fieldnames=csv_columns(config), extrasaction="ignore")
            self.csv.writeheader()

    def write(self, results: list[LabeledSentence]) -> None:
        for result in results:
            if self.csv is None:
                self.stream.write(json.dumps(result, ensure_ascii=False) + "\n")
            else:
                self.csv.writerow(csv_row(result))
