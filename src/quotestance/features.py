"""Sentence records to model inputs: the sentence/context pair, sentence-task label ids,
and token-level BIO tags derived from the records' character spans.

BIO tags are made here, over the encoder's own tokenizer, rather than stored in the
dataset: the same dataset then trains any encoder.
"""

from __future__ import annotations

from .labels import IGNORE_INDEX, SPAN_FIELDS, label_maps
from .tasks import TOKEN, get_task


def label_column(task: str) -> str:
    """The dataset column, and the model's keyword argument, of a task's label ids."""
    return f"{task}_labels"


def tokenize(
    tokenizer, texts: list[str], contexts: list[str] | None, max_length: int, return_offsets: bool = False
) -> dict:
    """`[CLS] sentence [SEP] context [SEP]` in at most `max_length` tokens. The context
    gives way first, keeping its end (the words just before the sentence: often the
    speaker of a quotation that continues); the sentence is cut only when it alone is
    too long. No padding: the collator pads each batch to its own longest."""
    if contexts is None:
        return tokenizer(texts, truncation=True, max_length=max_length, return_offsets_mapping=return_offsets)
    fitted = fit_contexts(tokenizer, texts, contexts, max_length)
    return tokenizer(
        texts, fitted, truncation="only_first", max_length=max_length, return_offsets_mapping=return_offsets
    )


def fit_contexts(tokenizer, texts: list[str], contexts: list[str], max_length: int) -> list[str]:
    """Each context cut at a word boundary to the tokens its sentence leaves free."""
    if not texts:
        return []
    room = max_length - tokenizer.num_special_tokens_to_add(pair=True)
    sentence_lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
    context_offsets = tokenizer(contexts, add_special_tokens=False, return_offsets_mapping=True)[
        "offset_mapping"
    ]
    fitted = []
    for context, offsets, length in zip(contexts, context_offsets, sentence_lengths):
        budget = max(room - length, 0)
        if budget >= len(offsets):
            fitted.append(context)
            continue
        if budget == 0:
            fitted.append("")
            continue
        start = offsets[len(offsets) - budget][0]
        # Not inside a word: a word cut in two would tokenize into other (more) pieces.
        while 0 < start < len(context) and context[start - 1].isalnum() and context[start].isalnum():
            start += 1
        fitted.append(context[start:].lstrip())
    return fitted


def token_bio_tags(
    offsets: list[tuple[int, int]],
    sequence_ids: list[int | None],
    spans_by_type: dict[str, list[dict]],
    label2id: dict[str, int],
) -> list[int]:
    """One BIO tag id per token; special and context tokens are IGNORE_INDEX.

    A token is inside a span when its characters overlap it; the first such token of
    each span is B-, the rest I-. PolNeAR attributions never overlap, so a token
    carries at most one type; where two would, the first of SOURCE, CUE, CONTENT wins.
    """
    tags = [IGNORE_INDEX if seq != 0 else label2id["O"] for seq in sequence_ids]
    taken = [False] * len(tags)
    for span_type, spans in spans_by_type.items():
        for span in spans:
            first = True
            for i, ((start, end), seq) in enumerate(zip(offsets, sequence_ids)):
                if seq != 0 or end <= span["start"] or start >= span["end"] or taken[i]:
                    continue
                tags[i] = label2id[("B-" if first else "I-") + span_type]
                taken[i] = True
                first = False
    return tags


def encode_batch(
    batch: dict[str, list],
    tokenizer,
    *,
    max_length: int,
    use_context: bool,
    task_labels: dict[str, list[str]],
) -> dict[str, list]:
    """`datasets.map(batched=True)` function: tokens plus one label column per task."""
    contexts = batch["context"] if use_context else None
    encoded = tokenize(tokenizer, batch["text"], contexts, max_length, return_offsets=True)
    size = len(batch["text"])
    for name, labels in task_labels.items():
        task = get_task(name)
        label2id, _ = label_maps(tuple(labels))
        if task.kind == TOKEN:
            column = [_span_labels(batch, row, encoded, label2id) for row in range(size)]
        else:
            if task.gold is None:  # the record's field of the task's name, read as a column
                values = batch[name]
            else:  # a derived label needs the whole record
                values = [task.gold({key: batch[key][row] for key in batch}) for row in range(size)]
            column = [label2id[value] if value is not None else IGNORE_INDEX for value in values]
        encoded[label_column(name)] = column
    encoded["length"] = [len(ids) for ids in encoded["input_ids"]]
    encoded.pop("offset_mapping")
    return encoded


def _span_labels(batch, row, encoded, label2id) -> list[int]:
    sequence_ids = encoded.sequence_ids(row)
    if not batch["spans_labelled"][row]:
        return [IGNORE_INDEX] * len(sequence_ids)
    spans = {span_type: batch[field][row] for span_type, field in SPAN_FIELDS.items()}
    return token_bio_tags(encoded["offset_mapping"][row], sequence_ids, spans, label2id)


# Same-type spans at most this many O tokens apart are one span: the tagger tends to
# break a long content or a multi-word cue ("said in a statement") into pieces. On
# PolNeAR validation (1,500 sentences, models/full), exact F1 SOURCE / CUE / CONTENT:
# plain BIO decoding 0.686 / 0.582 / 0.539; gap 0 0.691 / 0.633 / 0.547; gap 1
# 0.709 / 0.635 / 0.577; gap 2 0.716 / 0.638 / 0.587.
MERGE_GAP_TOKENS = 2


def decode_spans(
    tag_ids: list[int],
    offsets: list[tuple[int, int]],
    sequence_ids: list[int | None],
    id2label: dict[int, str],
    merge_gap: int | None = MERGE_GAP_TOKENS,
) -> dict[str, list[dict]]:
    """BIO tag ids of the sentence's tokens back to character spans per span type.

    An I- tag that does not continue a span of its type starts one (lenient decoding);
    a span runs from its first token's start to its last token's end; spans of one
    type separated only by up to `merge_gap` O tokens are joined (None: plain BIO).
    """
    tokens = [
        (id2label[int(tag_id)], start, end)
        for tag_id, (start, end), seq in zip(tag_ids, offsets, sequence_ids)
        if seq == 0
    ]
    pieces = []  # [span_type, first token, last token]
    for index, (tag, _, _) in enumerate(tokens):
        prefix, _, span_type = tag.partition("-")
        if tag == "O":
            continue
        previous = pieces[-1] if pieces else None
        continues = previous and previous[0] == span_type and previous[2] == index - 1 and prefix == "I"
        if continues:
            previous[2] = index
        else:
            pieces.append([span_type, index, index])
    if merge_gap is not None:
        pieces = _join_close_pieces(pieces, tokens, merge_gap)
    spans: dict[str, list[dict]] = {span_type: [] for span_type in SPAN_FIELDS}
    for span_type, first, last in pieces:
        spans[span_type].append({"start": tokens[first][1], "end": tokens[last][2]})
    return spans


def _join_close_pieces(pieces: list[list], tokens: list[tuple], merge_gap: int) -> list[list]:
    """Join each piece to the one just before it when both have one type and only O
    tokens, at most `merge_gap` of them, lie between."""
    joined: list[list] = []
    for span_type, first, last in pieces:
        before = joined[-1] if joined else None
        gap = range(before[2] + 1, first) if before else range(0)
        if (
            before
            and before[0] == span_type
            and len(gap) <= merge_gap
            and all(tokens[i][0] == "O" for i in gap)
        ):
            before[2] = last
        else:
            joined.append([span_type, first, last])
    return joined
