"""Articles to sentence records.

An article file is plain UTF-8 text: an optional `date YYYY-MM-DD` header, an
optional wire dateline ("WASHINGTON (Reuters) - "), then paragraphs separated by
blank lines. Offsets always point into the file's text, so
`article_text[record.start:record.end] == record.text`.

Paragraphs are split into sentences by BlingFire (Microsoft's finite-state
tokenizer: keeps "U.S." and "U.S.-Pakistan" whole, splits inside a multi-sentence
quotation, and is 20-45 times faster than pysbd; see docs/segmentation.md for the
comparison). Two repairs on top handle what newswire does and BlingFire does not:
a quotation mark glued to the next sentence (`said.”The letter`) and photo
captions, which are one record each and never split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import blingfire

DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
# "WASHINGTON (Reuters) - ", "MARRAKESH, Morocco/CHICAGO (Reuters) - ", "LONDON - "
DATELINE = re.compile(
    r"\A[A-Z][A-Za-z .,'/&-]{1,80}?(?:\s*\((?:Reuters|AP|AFP|[A-Z][A-Za-z]+)\))?\s+[-–—]+\s+"
)
# Reuters photo credit closing a caption: "REUTERS/Kevin Lamarque/Files"
PHOTO_CREDIT = re.compile(r"\b(?:REUTERS|Reuters)/[A-Z][\w.' -]*(?:/[\w.' -]+)*\s*$")
# Sentence-final punctuation, then a quotation mark glued to a capital: the mark opens
# the next sentence (a typo'd "said.”The" in the seed) rather than closing this one.
GLUED_OPENING_QUOTE = re.compile(r"(?<=[.!?])[\"“”](?=[A-Z])")
BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    sent_index: int
    paragraph_index: int
    start: int
    end: int
    text: str
    is_caption: bool


@dataclass(frozen=True)
class Article:
    doc_id: str
    text: str  # the file's text, unchanged
    date: str | None
    body_start: int  # where the body begins, after the date header and dateline


def parse_article(text: str, doc_id: str) -> Article:
    """Find the optional date header and dateline; keep the text as it is."""
    position = 0
    date = None
    header = DATE_HEADER.match(text)
    if header:
        date = header.group(1)
        position = header.end()
    else:
        position = len(text) - len(text.lstrip())
    dateline = DATELINE.match(text[position:])
    # A dateline is only ever the start of the first paragraph.
    if dateline and "\n" not in dateline.group(0):
        position += dateline.end()
    return Article(doc_id=doc_id, text=text, date=date, body_start=position)


def read_article(path: Path) -> Article:
    """Read one article file; the doc_id is the file name without its suffix."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: not UTF-8 text (byte {error.start}); convert it, e.g. `iconv -t UTF-8`"
        ) from None
    return parse_article(text, doc_id=path.stem)


def paragraphs(article: Article) -> list[tuple[int, int]]:
    """(start, end) of each non-empty paragraph of the body, whitespace trimmed."""
    spans = []
    cursor = article.body_start
    for separator in list(BLANK_LINES.finditer(article.text, article.body_start)) + [None]:
        stop = separator.start() if separator else len(article.text)
        chunk = article.text[cursor:stop]
        if chunk.strip():
            left = len(chunk) - len(chunk.lstrip())
            spans.append((cursor + left, cursor + len(chunk.rstrip())))
        if separator:
            cursor = separator.end()
    return spans


def is_caption(paragraph: str) -> bool:
    return bool(PHOTO_CREDIT.search(paragraph))


class Segmenter:
    """Article text to `Sentence`s with offsets into the article."""

    def split(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each sentence in a paragraph, whitespace trimmed."""
        spans = []
        _, offsets = blingfire.text_to_sentences_and_offsets(text)
        for piece_start, piece_end in offsets:
            for start, end in _repair_glued_quotes(text, piece_start, piece_end):
                chunk = text[start:end]
                if chunk.strip():
                    left = len(chunk) - len(chunk.lstrip())
                    spans.append((start + left, start + len(chunk.rstrip())))
        return spans

    def segment(self, article: Article) -> list[Sentence]:
        sentences: list[Sentence] = []
        for paragraph_index, (p_start, p_end) in enumerate(paragraphs(article)):
            paragraph = article.text[p_start:p_end]
            caption = is_caption(paragraph)
            pieces = [(0, len(paragraph))] if caption else self.split(paragraph)
            for start, end in pieces:
                sentences.append(
                    Sentence(
                        doc_id=article.doc_id,
                        sent_index=len(sentences),
                        paragraph_index=paragraph_index,
                        start=p_start + start,
                        end=p_start + end,
                        text=paragraph[start:end],
                        is_caption=caption,
                    )
                )
        return sentences


def contexts(sentences: list[Sentence]) -> list[str]:
    """The context of each sentence: the previous sentence of the article that is not a
    photo caption ("" for the first). A caption interrupts the story, so "He defended..."
    after a caption about Imran Khan still follows the sentence about Trump."""
    previous, result = "", []
    for sentence in sentences:
        result.append(previous)
        if not sentence.is_caption:
            previous = sentence.text
    return result


def _repair_glued_quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) before every quotation mark that opens a glued sentence."""
    cuts = [m.start() for m in GLUED_OPENING_QUOTE.finditer(text, start, end)]
    bounds = [start, *cuts, end]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
