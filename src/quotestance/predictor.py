"""Batched prediction of every task in one forward pass.

Sentences are sorted by length so that each batch is padded only to its own longest
member, run under `torch.inference_mode`, and returned in the caller's order.
"""

from __future__ import annotations

import numpy as np
import torch

from . import features
from .labels import SPAN_FIELDS
from .model import QuoteStanceModel
from .schema import Prediction
from .tasks import TOKEN, get_task


class Predictor:
    def __init__(self, model: QuoteStanceModel, tokenizer, batch_size: int = 64):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.config = model.config

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def predict(self, texts: list[str], contexts: list[str] | None = None, progress=None) -> list[Prediction]:
        """Every task of the checkpoint for each text, in one forward pass per batch.

        Args:
            texts: N sentences.
            contexts: N previous sentences ("" for none), or None for no context.
            progress: anything with `update(n)` (a tqdm bar), or None.

        Returns:
            N Predictions in the order of `texts`: `<task>` and `<task>_probs` for each
            sentence task, `source_spans`, `cue_spans`, `content_spans` (character offsets
            in the text) for the span task; no `id` and no resolution (the Labeler adds them).
        """
        if not texts:
            return []
        if contexts is None:
            contexts = [""] * len(texts)
        contexts = contexts if self.config.use_context else None
        encoded = features.tokenize(
            self.tokenizer, texts, contexts, self.config.max_seq_length, return_offsets=True
        )
        order = np.argsort([len(ids) for ids in encoded["input_ids"]], kind="stable")
        results: list[dict | None] = [None] * len(texts)
        for first in range(0, len(order), self.batch_size):
            rows = order[first : first + self.batch_size].tolist()
            for row, prediction in zip(rows, self._predict_rows(encoded, rows)):
                results[row] = prediction
            if progress is not None:
                progress.update(len(rows))
        return results

    def _predict_rows(self, encoded, rows: list[int]) -> list[dict]:
        model_inputs = {
            key: [encoded[key][row] for row in rows]
            for key in ("input_ids", "attention_mask", "token_type_ids")
            if key in encoded
        }
        batch = self.tokenizer.pad(model_inputs, return_tensors="pt").to(self.device)
        with torch.inference_mode():
            outputs = self.model(**batch)
        predictions = [{} for _ in rows]
        for task in self.config.tasks:
            logits = getattr(outputs, f"{task}_logits").float()
            id2label = self.config.id2label_for(task)
            if get_task(task).kind == TOKEN:
                tags = logits.argmax(-1).cpu().tolist()
                for i, row in enumerate(rows):
                    spans = features.decode_spans(
                        tags[i], encoded["offset_mapping"][row], encoded.sequence_ids(row), id2label
                    )
                    for span_type, field in SPAN_FIELDS.items():
                        predictions[i][field] = spans[span_type]
                continue
            probs = logits.softmax(-1).cpu().numpy()
            for i in range(len(rows)):
                predictions[i][task] = id2label[int(probs[i].argmax())]
                predictions[i][f"{task}_probs"] = {
                    id2label[k]: round(float(p), 6) for k, p in enumerate(probs[i])
                }
        return predictions
