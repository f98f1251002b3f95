"""Label new text with a trained checkpoint: one line in Python, one command in a shell.

    labeler = Labeler.from_pretrained("models/seed")
    labeler.label_article(open("article.txt").read())   # one dict per sentence

An article is segmented, every sentence is labelled with its previous sentence as
context, photo captions skipped, exactly as in training (segment.contexts; all tasks
in one forward pass, batches sorted by length), and the sources
are resolved across the article ("He" after a sentence about Trump is Donald Trump)
and coded with the user-editable actor table (quotestance/resources/actors.yaml).

Reading the command line's files and writing its output is `quotestance.io`'s job.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import torch
from torch import nn

from . import speakers
from .actors import DEFAULT_TABLE_PATH, ActorTable
from .checkpoint import load_checkpoint
from .io import Document
from .labels import SPAN_FIELDS
from .predictor import Predictor
from .schema import LabeledSentence, Prediction, SentenceRecord
from .segment import Segmenter, Sentence, contexts, is_caption, parse_article
from .tasks import sentence_tasks

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
    """A checkpoint, its tokenizer and the actor table: text in, labelled sentences out.

    Example:
        >>> labeler = Labeler.from_pretrained("models/full")
        >>> sentences = labeler.label_article(open("article.txt").read())
        >>> [(s["quote_type"], s["stance"], s["source_actor"]) for s in sentences][:2]
        [('none', 'neutral', 'NONE'), ('indirect', 'cooperative', 'PAK')]
    """

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

        Args:
            path: the checkpoint folder (config.json, model.safetensors, tokenizer files).
            device: "cpu", "cuda", "cuda:N", "mps", "auto" or None (auto: CUDA when present).
            batch_size: sentences per forward pass (sorted by length first).
            quantize: "int8" for dynamic int8 on CPU (docs/inference.md has the measured
                speed), or None.
            actors: the actor table's YAML path (default: the one in the package), an
                ActorTable, or None to leave source_actor as NONE.

        Returns:
            Labeler: ready to label; `config` is the checkpoint's QuoteStanceConfig.

        Raises:
            CheckpointError: a missing, truncated or inconsistent checkpoint (names the file).
            ValueError: a device, batch size or quantize value it cannot use.

        Example:
            >>> labeler = Labeler.from_pretrained("models/seed", device="cpu", quantize="int8")
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

    def label_article(self, text: str, doc_id: str = "article", progress=None) -> list[LabeledSentence]:
        """Segment an article and label every sentence.

        Args:
            text: the article: an optional first line as title, paragraphs separated by
                blank lines (the format of data/raw).
            doc_id: the article's name in the results' `doc_id` and `id`.
            progress: anything with `update(n)` (a tqdm bar), or None.

        Returns:
            One LabeledSentence per sentence, in order: `start`/`end` index `text`; the
            sentence tasks with their probabilities; `source`, `cue`, `content` spans with
            their text; `source_resolved`, `source_actor`, `anonymous`, `stance_target`
            resolved across the article.

        Example:
            >>> [s["source_resolved"] for s in labeler.label_article(text) if s["quote_type"] != "none"]
            ['Donald Trump', 'Donald Trump', 'Pakistan foreign ministry']
        """
        [(_, results)] = list(self.label_documents([Document(doc_id, doc_id, text=text)], progress))
        return results

    def label_sentences(
        self,
        sentences: list[str],
        contexts: list[str] | None = None,
        doc_id: str = "sentences",
        progress=None,
    ) -> list[LabeledSentence]:
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
    ) -> Iterator[tuple[Document, list[LabeledSentence]]]:
        """Label documents in chunks of whole documents, yielding each with its results.

        Sentences of several documents share batches, so a folder of short articles
        is as fast as one long one.
        """
        chunk: list[tuple[Document, list[dict]]] = []  # (document, its sentence rows)
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

    def predict_records(
        self, records: list[SentenceRecord], progress=None, resolve: bool = True
    ) -> list[Prediction]:
        """Predictions for dataset records, in the evaluation's format.

        Args:
            records: N SentenceRecords (at least `id`, `doc_id`, `sent_index`, `text`,
                `context`; `is_caption` where known).
            progress: anything with `update(n)`, or None.
            resolve: also resolve sources across each doc_id's sentences (`resolve_records`).

        Returns:
            N Predictions, in the order of `records`, each with the record's `id`, every
            registered sentence task (None where the checkpoint lacks it) and the span
            fields ([] without a span head).

        Example:
            >>> test = [r for r in build_dataset(config)[0]["test"]]
            >>> evaluate(test, labeler.predict_records(test))["tasks"]["stance"]["macro_f1"]
        """
        cut = [self._cut(r["text"], r.get("context") or "", r["id"]) for r in records]
        predictions = self.predictor.predict(
            [c["text"] for c in cut], [c["context"] for c in cut], progress=progress
        )
        for record, prediction in zip(records, predictions):
            prediction["id"] = record["id"]
            for task in sentence_tasks():
                prediction.setdefault(task.name, None)
            for field in SPAN_FIELDS.values():
                prediction.setdefault(field, [])
        return self.resolve_records(records, predictions) if resolve else predictions

    def resolve_records(
        self, records: list[SentenceRecord], predictions: list[Prediction]
    ) -> list[Prediction]:
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
                predictions[i]["stance_target"] = speakers.stance_target(
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

    def _label_chunk(self, chunk, progress) -> Iterator[tuple[Document, list[LabeledSentence]]]:
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
                result["stance_target"] = speakers.stance_target(
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
        for task in (task.name for task in sentence_tasks()):
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
        order (speakers.resolve_sources; without an actor table, source_actor is NONE)."""
        return speakers.resolve_sources(items, self.actors)


def _resolution_item(
    text: str, source_spans: list[dict], quote_type: str | None, is_caption: bool | None
) -> dict:
    """One sentence as speakers.resolve_sources reads it."""
    return {
        "text": text,
        "source": first_source(text, source_spans),
        "quote_type": quote_type,
        "is_caption": bool(is_caption),
    }
