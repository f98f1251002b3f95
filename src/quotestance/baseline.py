"""The rule baseline: quotation marks, cue words and keyword lists, no learning.

Every model report is compared with this one, and it drafts annotations of new
articles (scripts/preannotate.py) for a person to correct.

- quote_type: a speech or cognition cue outside quotation marks, and where the
  quotation marks are (a sentence that opens with a quotation is direct, a quotation
  inside reported speech makes it mixed, a quotation alone is a floating direct one).
- source: the noun phrase before the cue ("Trump said"), after an inverted cue
  ("said Mattis") or after "according to"; the sentence's subject for a participle
  ("..., saying") or a coordinated cue; none for a floating quotation, whose speaker
  speakers.resolve_sources finds in the neighbouring sentences.
- stance and event_mode: cooperation and conflict keywords, in the spirit of the
  CAMEO/PLOVER categories; balance or silence is neutral.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .actors import ActorTable, default_table
from .labels import EVENT_MODES, QUOTE_TYPES, STANCES
from .quotes import CLOSE, MARKS, STRAIGHT, inside_any, quotation_spans
from .schema import Prediction, SentenceRecord
from .segment import trim_span
from .speakers import PRONOUNS, resolve_sources
from .speakers import stance_target as resolve_stance_target

# A content span's edges lose spaces and the punctuation around a reported clause.
EDGE_CHARS = " ,.;:"

# Cues that report speech, most specific first so the longest one wins at a position.
SPEECH_CUES = [
    "said in a statement",
    "said in a letter",
    "hit back by saying",
    "responded by saying",
    "has been clear",
    "have been clear",
    "made clear",
    "makes clear",
    "according to",
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "tell",
    "telling",
    "added",
    "adds",
    "adding",
    "announced",
    "announces",
    "declared",
    "claimed",
    "claims",
    "insisted",
    "insists",
    "warned",
    "warns",
    "noted",
    "explained",
    "argued",
    "argues",
    "wrote",
    "writes",
    "denied",
    "denies",
    "deny",
    "denying",
    "urged",
    "urges",
    "acknowledged",
    "acknowledges",
    "confirmed",
    "confirms",
    "stressed",
    "emphasised",
    "emphasized",
    "reiterated",
    "replied",
    "responded",
    "asserted",
    "accused",
    "suggested",
    "suggests",
    "predicted",
    "promised",
    "vowed",
    "pledged",
    "complained",
    "admitted",
    "conceded",
    "revealed",
    "defended",
    "recalled",
    "stated",
]
# Inner states (PolNeAR counts them as attributions), used only without a speech cue.
COGNITION_CUES = [
    "believes",
    "believe",
    "believed",
    "hopes",
    "hope",
    "hoped",
    "wants",
    "want",
    "wanted",
    "thinks",
    "think",
    "thought",
    "expects",
    "expect",
    "expected",
    "fears",
    "feared",
    "intends",
    "intended",
]
# Words between a subject and its cue ("Trump also said", "officials have long said").
ADVERBIALS = {
    "also",
    "has",
    "have",
    "had",
    "was",
    "were",
    "is",
    "are",
    "will",
    "would",
    "could",
    "long",
    "been",
    "reportedly",
    "later",
    "previously",
    "then",
    "earlier",
    "repeatedly",
    "again",
    "recently",
    "did",
    "does",
    "do",
    "not",
    "never",
    "publicly",
    "privately",
    "separately",
    "once",
    "still",
    "already",
    "often",
    "further",
    "however",
    "meanwhile",
}
TIME_WORDS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|night|day)"
TIME_PHRASE = re.compile(rf"^(?:(?:on|last|this|earlier|late|on\s+\w+)\s+)+{TIME_WORDS}\b\s*", re.IGNORECASE)
TRAILING_TIME = re.compile(rf"\s*\b(?:on|last|this|earlier|late)\s+{TIME_WORDS}$", re.IGNORECASE)
# Lower-case words that make up the noun phrase of a source ("a senior Trump
# administration official", "Pakistan's foreign ministry").
SOURCE_PHRASE_WORDS = {
    "senior",
    "top",
    "foreign",
    "administration",
    "official",
    "officials",
    "ministry",
    "minister",
    "ministers",
    "government",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokesmen",
    "president",
    "secretary",
    "militants",
    "leaders",
    "leader",
    "authorities",
    "sources",
    "source",
    "diplomat",
    "diplomats",
    "envoy",
    "analysts",
    "analyst",
    "experts",
    "expert",
    "military",
    "army",
    "police",
    "security",
    "defense",
    "defence",
    "intelligence",
    "state",
    "local",
    "former",
    "two",
    "three",
    "four",
    "several",
    "some",
    "many",
    "other",
    "prime",
    "deputy",
    "chief",
    "media",
    "agency",
    "news",
    "office",
    "department",
    "embassy",
    "commander",
    "commanders",
    "forces",
    "group",
    "lawmakers",
    "lawmaker",
    "senators",
    "aides",
    "aide",
    "people",
    "residents",
    "witnesses",
    "statement",
    "report",
    "newspaper",
    "his",
    "her",
    "their",
    "its",
    "u.s.",
    "western",
    "european",
}
DETERMINERS = {"the", "a", "an"}
# Capitalised words that open a sentence without being part of a name.
SENTENCE_OPENERS = {
    "But",
    "And",
    "However",
    "Yet",
    "So",
    "Meanwhile",
    "In",
    "On",
    "At",
    "Last",
    "This",
    "After",
    "Before",
    "When",
    "While",
    "Although",
    "Since",
    "As",
    "If",
    "Still",
    "Also",
}

COOPERATION_WORDS = re.compile(
    r"\b(?:support\w*|help\w*|assist\w*|cooperat\w*|partner\w*|peace\w*|agree(?:d|s|ment)?"
    r"|deal|negotiat\w*|talks|mediat\w*|facilitat\w*|welcom\w*|prais\w*|thank\w*|all(?:y|ies|iance)"
    r"|renew\w*|together|friend\w*|reconcil\w*|ceasefire|truce|dialogue|summit|invit\w*"
    r"|offer\w*|pledg\w*|donat\w*|relief|humanitarian|endors\w*|commit\w*|good faith|consult\w*"
    r"|on board|aid)\b",
    re.IGNORECASE,
)
CONFLICT_WORDS = re.compile(
    r"\b(?:accus\w*|blam\w*|critici\w*|condemn\w*|denounc\w*|reject\w*|refus\w*|den(?:y|ies|ied)"
    r"|threat\w*|warn\w*|sanction\w*|attack\w*|kill\w*|bomb\w*|strikes?|airstrikes?|fight\w*"
    r"|war|conflict|clash\w*|violen\w*|protest\w*|demand\w*|pressur\w*|pushing|expel\w*"
    r"|arrest\w*|seiz\w*|invad\w*|invasion|hostil\w*|tension\w*|disput\w*|oppos\w*|retaliat\w*"
    r"|cut(?:s|ting)?|suspend\w*|oust\w*|double game|hit back|damn|no agreement|not accepted"
    r"|terroris\w*|deadline|failings)\b",
    re.IGNORECASE,
)
MATERIAL_WORDS = re.compile(
    r"\b(?:aid|troops|attack\w*|kill\w*|bomb\w*|strikes?|airstrikes?|fighting|clash\w*|arrest\w*"
    r"|seiz\w*|invad\w*|invasion|sanction\w*|protest\w*|expel\w*|release\w*|donat\w*|relief"
    r"|ceasefire|withdraw\w*|deploy\w*|shipment\w*|loan\w*|funds?)\b",
    re.IGNORECASE,
)


@dataclass
class Attribution:
    quote_type: str
    source: tuple[int, int] | None = None
    cues: list[tuple[int, int]] = field(default_factory=list)
    contents: list[tuple[int, int]] = field(default_factory=list)


def _compile_cues(cues: list[str]) -> re.Pattern:
    ordered = sorted(cues, key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(c) for c in ordered) + r")(?![\w-])", re.IGNORECASE
    )


SPEECH_PATTERN = _compile_cues(SPEECH_CUES)
COGNITION_PATTERN = _compile_cues(COGNITION_CUES)


def find_cues(text: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Speech cues outside quotations, else cognition cues; (start, end) in text order."""
    for pattern in (SPEECH_PATTERN, COGNITION_PATTERN):
        found = [(m.start(), m.end()) for m in pattern.finditer(text) if not inside_any(m.start(), quotes)]
        if found:
            return found
    return []


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\s,;:“”\"]+", text)]


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _phrase_word(word: str) -> bool:
    bare = re.sub(r"['’]s$", "", word)
    return _is_capitalised(bare) or bare.lower() in SOURCE_PHRASE_WORDS


def noun_phrase_before(text: str, end: int) -> tuple[int, int] | None:
    """The source noun phrase that ends just before `end`, adverbials skipped."""
    window = text[:end].rstrip()
    window = TRAILING_TIME.sub("", window)
    tokens = _tokens(window)
    while tokens and tokens[-1][2].lower() in ADVERBIALS:
        tokens.pop()
    if not tokens or window.endswith(tuple(',;:”"')):
        return None
    last_start, last_end, last_word = tokens[-1]
    if last_word.strip(".").lower() in PRONOUNS:
        return (last_start, last_end)
    # Only a name or a known source noun heads a source phrase.
    if not _phrase_word(last_word):
        return None
    start = last_start
    for token_start, _, word in reversed(tokens[:-1]):
        if text[token_start:start].strip() != word:
            break  # punctuation between the words: the phrase ended there
        if word.lower() in DETERMINERS:
            start = token_start
            break
        if not _phrase_word(word):
            break
        start = token_start
    # Drop a leading sentence opener ("But Afghan Taliban militants").
    words = _tokens(text[start:last_end])
    while len(words) > 1 and words[0][2] in SENTENCE_OPENERS:
        start += words[1][0]
        words = _tokens(text[start:last_end])
    return (start, last_end)


def noun_phrase_after(text: str, start: int) -> tuple[int, int] | None:
    """The noun phrase that starts at `start` (after an inverted cue or "according to")."""
    tokens = _tokens(text[start:])
    end = None
    for index, (token_start, token_end, word) in enumerate(tokens):
        if index > 0 and text[start + tokens[index - 1][1] : start + token_start].strip():
            break  # punctuation between the words: the phrase ended there
        if index == 0 and word.lower() in DETERMINERS | PRONOUNS:
            end = start + token_end
            continue
        if not _phrase_word(word.rstrip(".")):
            break
        end = start + token_end
        # A full stop ends the sentence unless the word is an abbreviation ("U.S.").
        if word.endswith(".") and word.count(".") == 1:
            end -= 1
            break
    if end is None:
        return None
    first = start + tokens[0][0]
    return (first, end) if end > first else None


def subject_of(text: str) -> tuple[int, int] | None:
    """The sentence's opening noun phrase, openers and an introductory clause skipped."""
    offset = 0
    opening = _tokens(text)
    if opening and opening[0][2] in SENTENCE_OPENERS:
        comma = text.find(",")
        offset = comma + 1 if 0 < comma < 40 else opening[1][0] if len(opening) > 1 else 0
    while text[offset : offset + 1].isspace():
        offset += 1
    return noun_phrase_after(text, offset)


def attribute(text: str) -> Attribution:
    """The first attribution of a sentence, by the rules of the module docstring."""
    quotes = quotation_spans(text)
    cues = find_cues(text, quotes)
    opens_with_quote = text.lstrip()[:1] in set(MARKS) or (bool(quotes) and quotes[0][0] == 0)
    quoted_chars = sum(end - start for start, end in quotes)
    if not cues:
        # A quotation of a clause with no cue continues the previous speaker; a short
        # one is a scare quote or a title.
        if quotes and opens_with_quote and len(text[quotes[0][0] : quotes[0][1]].split()) >= 4:
            return Attribution("direct", contents=list(quotes))
        return Attribution("none")
    final = _final_reporting_clause(text, cues)
    if final is not None:
        cue, source = final
        content = trim_span(text, 0, min(source[0], cue[0]), EDGE_CHARS)
        kind = "direct" if opens_with_quote else "mixed" if quotes else "indirect"
        contents = list(quotes) if kind == "direct" else [content] if content else []
        return Attribution(kind, source, [cue], contents)
    cue = cues[0]
    cue_text = text[cue[0] : cue[1]].lower()
    before = text[: cue[0]].rstrip()
    if cue_text == "according to":
        source = noun_phrase_after(text, cue[1] + 1)
    elif (
        cue_text.endswith("ing")
        and (before.endswith(",") or before.endswith(" by"))
        or cue_text.endswith(" saying")
    ):
        source = subject_of(text)
    else:
        source = noun_phrase_before(text, cue[0])
        if source is None and before.endswith(","):
            source = _subject_before_relative_clause(text, before)
        if source is None:
            source = subject_of(text)
    # Further cues of the same source joined by "and" ("deny ... and say ...").
    all_cues = [cue] + [c for c in cues[1:] if re.search(r"\band(?:\s+also)?\s*$", text[: c[0]])]
    contents = []
    for index, (_, cue_end) in enumerate(all_cues):
        stop = all_cues[index + 1][0] if index + 1 < len(all_cues) else len(text)
        stop_text = text[:stop]
        if index + 1 < len(all_cues):
            stop = len(re.sub(r"\s*\band(?:\s+also)?\s*$", "", stop_text))
        contents.append(
            _content_after(
                text, cue_end, stop, relative=bool(re.search(r"\b(?:who|which)\s+\S+\s*$", before))
            )
        )
    contents = [c for c in contents if c]
    if quotes and any(inside_any(q[0], [c]) for q in quotes for c in contents):
        kind = "direct" if quoted_chars >= 0.9 * sum(e - s for s, e in contents) else "mixed"
    else:
        kind = "indirect"
    if kind == "direct":
        contents = list(quotes)
    return Attribution(kind, source, all_cues, contents)


def _final_reporting_clause(text: str, cues: list[tuple[int, int]]):
    """(cue, source) of a closing ", the official said." or "... ,” said Mattis." clause."""
    body = text.rstrip().rstrip('.!?”"').rstrip()
    for cue in reversed(cues):
        tail = body[cue[1] :].strip()
        tail = re.sub(
            r"^(?:in a statement|on \w+|reporters|to reporters|in an interview)\b", "", tail
        ).strip()
        head = text[: cue[0]]
        boundary = max(head.rfind(","), head.rfind(CLOSE), head.rfind(STRAIGHT))
        if boundary < 0 or len(head[boundary + 1 :].split()) > 8:
            continue
        if not tail:
            source = noun_phrase_before(text, cue[0])
            if source and source[0] > boundary:
                return cue, source
        elif len(tail.split()) <= 6 and not head[boundary + 1 :].strip():
            source = noun_phrase_after(text, cue[1] + 1)
            if source:
                return cue, source
    return None


def _subject_before_relative_clause(text: str, before: str) -> tuple[int, int] | None:
    """ "The official, who did not want to be identified, said": the phrase before "who"."""
    match = re.search(r",\s*(?:who|which|whose)\b[^,]*,$", before)
    if not match:
        return None
    return noun_phrase_before(text, match.start())


def _content_after(text: str, cue_end: int, stop: int, relative: bool) -> tuple[int, int] | None:
    """The reported clause after a cue: past "that", an object of "told" and a time phrase."""
    rest = text[cue_end:stop]
    offset = cue_end
    that = re.match(r"^(.{0,60}?)\bthat\b", rest)
    if that and not re.search(r"[,;“”\"]", that.group(1)):
        offset += that.end()
    else:
        skipped = TIME_PHRASE.match(rest.lstrip())
        if skipped:
            offset += len(rest) - len(rest.lstrip()) + skipped.end()
    end = stop
    if relative:
        comma = text.find(",", offset, stop)
        end = comma if comma > 0 else stop
    return trim_span(text, offset, end, EDGE_CHARS)


def stance_of(text: str) -> str:
    cooperation = len(COOPERATION_WORDS.findall(text))
    conflict = len(CONFLICT_WORDS.findall(text))
    if cooperation > conflict:
        return "cooperative"
    if conflict > cooperation:
        return "conflictual"
    return "neutral"


def event_mode_of(text: str, stance: str) -> str:
    if stance == "neutral":
        return "statement"
    material = bool(MATERIAL_WORDS.search(text))
    kind = "cooperation" if stance == "cooperative" else "conflict"
    return f"{'material' if material else 'verbal'}_{kind}"


def _span(start_end: tuple[int, int]) -> dict:
    return {"start": start_end[0], "end": start_end[1]}


def _one_hot(label: str, vocabulary: tuple[str, ...]) -> dict[str, float]:
    return {name: float(name == label) for name in vocabulary}


def predict_records(records: Iterable[SentenceRecord], table: ActorTable | None = None) -> list[Prediction]:
    """Predictions in the evaluation's format, one per record, in the same order."""
    records = list(records)
    table = table or default_table()
    attributions = [Attribution("none") if r.get("is_caption") else attribute(r["text"]) for r in records]
    # Sort by article and position so that sources resolve from the preceding sentences.
    order = sorted(
        range(len(records)),
        key=lambda i: (
            records[i].get("corpus") or "",
            records[i].get("doc_id") or "",
            records[i].get("sent_index") or 0,
        ),
    )
    items = []
    for i in order:
        record, attribution = records[i], attributions[i]
        source = attribution.source
        items.append(
            {
                "text": record["text"],
                "source": record["text"][source[0] : source[1]] if source else None,
                "quote_type": attribution.quote_type,
                "doc_id": (record.get("corpus"), record.get("doc_id")),
                "is_caption": record.get("is_caption", False),
            }
        )
    resolved = dict(zip(order, resolve_sources(items, table)))
    predictions = []
    for i, (record, attribution) in enumerate(zip(records, attributions)):
        stance = stance_of(record["text"])
        event_mode = event_mode_of(record["text"], stance)
        source = attribution.source
        predictions.append(
            {
                "id": record["id"],
                "quote_type": attribution.quote_type,
                "quote_type_probs": _one_hot(attribution.quote_type, QUOTE_TYPES),
                "stance": stance,
                "stance_probs": _one_hot(stance, STANCES),
                "event_mode": event_mode,
                "event_mode_probs": _one_hot(event_mode, EVENT_MODES),
                "source_spans": [_span(source)] if source else [],
                "cue_spans": [_span(c) for c in attribution.cues] if attribution.quote_type != "none" else [],
                "content_spans": [_span(c) for c in attribution.contents],
                "source_resolved": resolved[i]["source_resolved"],
                "source_actor": resolved[i]["source_actor"],
                "anonymous": resolved[i]["anonymous"],
            }
        )
        content_spans = predictions[-1]["content_spans"]
        predictions[-1]["stance_target"] = resolve_stance_target(
            record["text"],
            content_spans,
            resolved[i]["source_actor"],
            stance,
            record.get("context") or "",
            table,
        )
    return predictions
