"""Articles to sentence records.

An article file is plain UTF-8 text: an optional `date YYYY-MM-DD` header, an
optional wire dateline ("WASHINGTON (Reuters) - "), then paragraphs separated by
blank lines. Offsets always point into the file's text, so
`article_text[record.start:record.end] == record.text`.

Paragraphs are split into sentences by BlingFire (Microsoft's finite-state
tokenizer: keeps "U.S." and "U.S.-Pakistan" whole, splits inside a multi-sentence
quotation, and is 20-45 times faster than pysbd; see docs/segmentation.md for the
comparison). Two repairs on top handle what newswire does and BlingFire does not:
a quotation mark glued between two sentences (`said.”The letter`: it goes with
the sentence whose quotation it opens or closes) and photo captions, which are
one record each and never split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import blingfire

from . import quotes
from .errors import DataError

DATE_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
# A wire dateline: "WASHINGTON (Reuters) - ", "MARRAKESH, Morocco/CHICAGO (Reuters) - ",
# "(Reuters) - ", "NEW YORK (IFR) - ", "LONDON - ". It needs an agency in parentheses
# or an all-caps first word: a place in capitals is the wire's convention, while
# "Pakistan – a key U.S. ally – said" is a sentence that opens with an aside.
DATELINE_PLACE = r"[A-Za-z .,'/&-]{0,80}?"
NEWS_AGENCY = r"\([A-Z][A-Za-z]+\)"
DATELINE = re.compile(
    rf"\A(?:(?:[A-Z]{DATELINE_PLACE}\s*)?{NEWS_AGENCY}|[A-Z]{{2,}}\b{DATELINE_PLACE})\s+[-–—]+\s+"
)
# A Reuters photo credit closing a caption paragraph: "REUTERS/Kevin Lamarque/Files",
# "REUTERS/Carlos Barria", "REUTERS/Mohamed al-Sayaghi". Only a capitalised name
# (words or initials, a surname particle after the first) follows the slash, at most
# six parts, and nothing after it: so "The Reuters/Ipsos poll was conducted online ...
# 962 likely voters." and "The Reuters/Ipsos poll showed ..." are not captions.
CAPITALISED_PART = r"[A-Z](?:[\w'’-]*|\.)"
SURNAME_PARTICLE = r"(?:al|bin|da|de|del|der|di|dos|du|el|la|le|van|von)(?:-[A-Z][\w'’-]*)?"
CREDIT_NAME = rf"{CAPITALISED_PART}(?:(?: +|/)(?:{CAPITALISED_PART}|{SURNAME_PARTICLE})){{0,5}}"
PHOTO_CREDIT = re.compile(rf"\b(?:REUTERS|Reuters)/{CREDIT_NAME}\s*\Z")
# Sentence-final punctuation, then a quotation mark glued to a capital (`said.”The`):
# the mark closes the left sentence when a quotation is open there, and otherwise
# opens the next one (the seed's typo'd "said.”The letter").
GLUED_QUOTE = re.compile(r"(?<=[.!?])[\"“”](?=[A-Z])")
BLANK_LINES = re.compile(r"\n\s*\n")


class ArticleError(DataError, ValueError):
    """An article file that cannot be read as text; the message names the file and the fix."""


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
        raise ArticleError(
            f"{path}: not UTF-8 text (byte {error.start}); convert it, e.g. `iconv -t UTF-8`"
        ) from None
    return parse_article(text, doc_id=path.stem)


def trim_span(text: str, start: int, end: int, chars: str | None = None) -> tuple[int, int] | None:
    """text[start:end] without leading and trailing `chars` (None: whitespace), as
    offsets into `text`; None when nothing is left. The one trimming rule of the project:
    spans (PolNeAR's, the baseline's with chars=" ,.;:") and paragraphs all use it."""

    def strip(character: str) -> bool:
        return character.isspace() if chars is None else character in chars

    while start < end and strip(text[start]):
        start += 1
    while end > start and strip(text[end - 1]):
        end -= 1
    return (start, end) if start < end else None


def trim(text: str, spans) -> list[tuple[int, int]]:
    """Each (start, end) of `text` without its surrounding whitespace; blank ones dropped."""
    return [kept for start, end in spans if (kept := trim_span(text, start, end)) is not None]


def paragraphs(article: Article) -> list[tuple[int, int]]:
    """(start, end) of each non-empty paragraph of the body, whitespace trimmed."""
    bounds = [article.body_start]
    for separator in BLANK_LINES.finditer(article.text, article.body_start):
        bounds += [separator.start(), separator.end()]
    bounds.append(len(article.text))
    return trim(article.text, zip(bounds[::2], bounds[1::2]))


def is_caption(paragraph: str) -> bool:
    return bool(PHOTO_CREDIT.search(paragraph))


class Segmenter:
    """Article text to `Sentence`s with offsets into the article."""

    def split(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each sentence in a paragraph, whitespace trimmed."""
        _, offsets = blingfire.text_to_sentences_and_offsets(text)
        pieces = [piece for start, end in offsets for piece in _repair_glued_quotes(text, start, end)]
        return trim(text, pieces)

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
    """Split [start, end) at every glued quotation mark: after it when it closes a
    quotation opened earlier in `text`, before it when it opens the next sentence."""
    cuts = [
        m.end() if quotes.is_open(text, 0, m.start()) else m.start()
        for m in GLUED_QUOTE.finditer(text, start, end)
    ]
    bounds = [start, *cuts, end]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]
