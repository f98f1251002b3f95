"""Quotation marks: which parts of a text are inside a quotation.

One module for every reader of quotation marks (the segmenter repairing glued quotes,
PolNeAR's quote_type, the speaker resolution's quotations that run on, the rule
baseline). Double marks only: single marks are also apostrophes (Pakistan’s).

`is_open` and `inside_mask` read one state: “ opens, ” closes, " toggles. The
baseline's `quotation_spans` pairs marks into spans instead, and tracks curly and
straight marks apart (a stray " inside a curly quotation does not close it), with
two rules for quotations cut by sentence boundaries; see its docstring.
"""

from __future__ import annotations

OPEN = "“"
CLOSE = "”"
STRAIGHT = '"'
MARKS = OPEN + CLOSE + STRAIGHT


def _next_state(character: str, is_open: bool) -> bool:
    if character == OPEN:
        return True
    if character == CLOSE:
        return False
    if character == STRAIGHT:
        return not is_open
    return is_open


def is_open(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether a quotation is open after reading text[start:end], starting outside one.

    Example:
        >>> is_open("He said “we will.”"), is_open("He said “we will")
        (False, True)
    """
    state = False
    for character in text[start:end]:
        if character in MARKS:
            state = _next_state(character, state)
    return state


def inside_mask(text: str, start: int = 0, end: int | None = None) -> bytearray:
    """1 for every character of text[start:end] inside a quotation or on its marks."""
    end = len(text) if end is None else end
    mask = bytearray(end - start)
    state = False
    for offset, character in enumerate(text[start:end]):
        if character in MARKS:  # a mark is inside its own quotation, opening or closing
            mask[offset] = 1
            state = _next_state(character, state)
        else:
            mask[offset] = state
    return mask


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation in one sentence, marks included, sorted.

    Curly and straight marks are paired separately. A quotation left open runs to the
    end of the sentence; a closing mark with no opening one and words before it (a
    quotation that began in an earlier sentence) closes a quotation from the start.

    Example:
        >>> quotation_spans("we will,” he said, “soon.”")
        [(0, 9), (19, 26)]
    """
    spans = []
    position = 0
    opened = None
    straight_open = None
    for index, char in enumerate(text):
        if char == OPEN and opened is None:
            opened = index
        elif char == CLOSE:
            if opened is None and not spans and text[position:index].strip():
                spans.append((0, index + 1))
            elif opened is not None:
                spans.append((opened, index + 1))
            opened = None
            position = index + 1
        elif char == STRAIGHT:
            if straight_open is None:
                straight_open = index
            else:
                spans.append((straight_open, index + 1))
                straight_open = None
    for still_open in (opened, straight_open):
        if still_open is not None:
            spans.append((still_open, len(text)))
    return sorted(spans)


def inside_any(position: int, spans: list[tuple[int, int]]) -> bool:
    """Whether `position` falls inside one of the (start, end) spans."""
    return any(start <= position < end for start, end in spans)
