"""Who a quotation's source is, across the sentences of an article.

A pronoun source ("He", "It") and a floating quotation (a direct quotation with no
source, continuing the previous speaker) take the most recent named source of the
preceding sentences of the same article. A short name takes its full form from the
article: "Trump" after "U.S. President Donald Trump" is "Donald Trump". The
affiliation code comes from the actor table. Whether a source is anonymous, and
the canonical form of a name (also what evaluation compares), are decided here too.
Used by the rule baseline and by inference alike, so the two resolve sources the
same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import quotes
from .actors import ActorTable
from .labels import NO_ACTOR, OTHER_ACTOR

PERSON_PRONOUNS = {"he", "she", "him", "her", "i", "we"}
THING_PRONOUNS = {"it"}
PLURAL_PRONOUNS = {"they", "them"}
PRONOUNS = PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS
# Words of a title that precede a name and are not part of it ("U.S. Defense
# Secretary Jim Mattis" is "Jim Mattis").
TITLE_WORDS = {
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "defense",
    "defence",
    "foreign",
    "state",
    "special",
    "representative",
    "envoy",
    "chancellor",
    "chairman",
    "chairwoman",
    "senator",
    "sen.",
    "rep.",
    "gov.",
    "governor",
    "general",
    "gen.",
    "lieutenant",
    "colonel",
    "admiral",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "leader",
    "supreme",
    "king",
    "queen",
    "crown",
    "prince",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "deputy",
    "chief",
    "new",
    "former",
    "acting",
    "interior",
    "finance",
    "army",
    "commander",
    "mayor",
    "judge",
    "justice",
    "attorney",
    "director",
    "head",
    "house",
    "speaker",
    "national",
    "security",
    "adviser",
    "advisor",
    "u.s.",
    "u.n.",
    "the",
    "a",
    "an",
    "president-elect",
    "outgoing",
    "incoming",
}
# A run of capitalised words (with "bin", "al" and the like inside names).
CAPITALISED_RUN = r"(?:[A-Z][\w.'’-]*\s+(?:(?:bin|al|de|van|von|der)\s+)?)*"
# Institutions and groups, as opposed to people, for "It" and "They".
INSTITUTION_WORDS = re.compile(
    r"\b(?:ministry|government|office|department|administration|agency|embassy|army|military"
    r"|council|committee|party|group|organi[sz]ation|union|company|statement|report|newspaper"
    r"|house|kremlin|pentagon|commission|court|police)\b",
    re.IGNORECASE,
)
# Unnamed sources (LABELS.md `anonymous`): a generic noun for a person or a group of
# people, not followed by the person's name ("spokesman Heather Nauert" is named).
ANONYMOUS_HEAD = re.compile(
    r"\b(?:officials?|sources?|diplomats?|aides?|spokes(?:man|men|woman|women|person|people)"
    r"|insiders?|persons?|people|someone|analysts?|lawmakers?|witness(?:es)?|residents?|militants)\b"
    r"(?!,?\s+(?-i:[A-Z]))",
    re.IGNORECASE,
)
PLURAL_SOURCE = re.compile(r"\b(?:\w+s|people|police|militants|Taliban)$", re.IGNORECASE)
PUNCTUATION_EDGES = " \t\n,.;:“”\"'’"
# Role nouns written before a name in lower case ("spokesperson Luke Popovich").
ROLE_WORDS = {
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "delegate",
    "adviser",
    "advisor",
    "lawyer",
    "attorney",
    "aide",
    "economist",
    "analyst",
    "professor",
    "executive",
    "founder",
    "partner",
    "strategist",
    "researcher",
    "official",
    "envoy",
    "ambassador",
    "director",
    "chairman",
    "president",
    "secretary",
    "minister",
    "senator",
    "representative",
    "leader",
    "head",
}
# A full stop after a lower-case word and a space: the end of a sentence, not "U.S. ".
SENTENCE_END = re.compile(r"(?<=[a-z]{2})\.\s+")


def _is_pronoun(text: str) -> bool:
    return text.strip(PUNCTUATION_EDGES).lower() in PRONOUNS


def full_name(name: str, article_text: str, table: ActorTable | None = None) -> str:
    """The fullest form of a person's name in the article, titles dropped.

    "Trump" with "U.S. President Donald Trump" in the article is "Donald Trump"; a
    source that is not a bare name ("the official") is returned as written.
    """
    name = _head_of_source(name.strip(PUNCTUATION_EDGES))
    tokens = name.split()
    # Only proper names are expanded: every word capitalised.
    if not tokens or not all(t[0].isupper() for t in tokens):
        return name
    stripped = _strip_titles(tokens, table)
    if not stripped:
        return name
    surname = stripped[-1]
    best = " ".join(stripped)
    pattern = re.compile(rf"({CAPITALISED_RUN}){re.escape(surname)}(?![\w])")
    for match in pattern.finditer(article_text):
        # A run of capitalised words never crosses a sentence end ("White House. Russia").
        run = SENTENCE_END.split(match.group(1) + surname)[-1]
        candidate = _strip_titles(run.split(), table)
        if len(candidate) > len(best.split()) and candidate[-len(stripped) :] == stripped:
            best = " ".join(candidate)
            break  # the first fuller mention is how the article introduces the person
    return best


def _head_of_source(source: str) -> str:
    """A source span without its apposition or relative clause, and a name without the
    title or description before it: "Woody Johnson, Trump's ambassador" and "Cochran,
    who is ..." keep the name; "National Mining Association spokesperson Luke Popovich"
    and "Convention delegate Diana Denman" keep the trailing name."""
    # A span that took the relative pronoun before its source ("who Washington says"):
    # the pronoun is not part of the name.
    source = re.sub(r"^(?:who|which|that|whom)\s+(?=\S)", "", source, flags=re.IGNORECASE)
    head = re.split(r",\s|\s\(|\s—\s", source, maxsplit=1)[0].strip(PUNCTUATION_EDGES)
    if head and head != source and head.split()[0][:1].isupper():
        source = head
    tokens = source.split()
    lower = [i for i, t in enumerate(tokens) if not t[:1].isupper()]
    if lower and 2 <= len(tokens) - lower[-1] - 1 <= 3 and tokens[lower[-1]].lower() in ROLE_WORDS:
        # Two or three capitalised words after a role noun: the person's name.
        return " ".join(tokens[lower[-1] + 1 :])
    return source


def _strip_titles(tokens: list[str], table: ActorTable | None) -> list[str]:
    """Drop leading titles, places and demonyms, and the possessive, from a name's words."""
    tokens = [t.rstrip(",") for t in tokens]
    if tokens:
        tokens[-1] = re.sub(r"['’]s$", "", tokens[-1])
    # The last title word ("U.S. Energy Secretary Rick Perry") ends the title.
    titles = [i for i, t in enumerate(tokens[:-1]) if t.lower() in TITLE_WORDS]
    if titles:
        tokens = tokens[titles[-1] + 1 :]
    while len(tokens) > 1:
        word = tokens[0]
        is_title = word.lower() in TITLE_WORDS
        # "Afghan President Ashraf Ghani": a place before a title and a name.
        is_place = table is not None and len(tokens) > 2 and table.code_of(word) is not None
        if not (is_title or is_place):
            break
        tokens = tokens[1:]
    # A name is at most first, middle and last.
    return tokens[-3:]


def resolve_sources(sentences: Sequence[dict], table: ActorTable | None = None) -> list[dict]:
    """source_resolved, source_actor and anonymous for each sentence, in order.

    Each item is a dict with `text`, `source` (the source span's text or None) and
    `quote_type`; optional `doc_id` (sentences of other articles never resolve each
    other; default one article) and `is_caption` (captions are skipped as antecedents).
    Returns [{"source_resolved": str | None, "source_actor": code, "anonymous": bool}].
    A sentence is anonymous when whom it resolves to is: "He" after "the official" is,
    and so is a floating quotation continuing an unnamed speaker.
    """
    results: list[dict | None] = [None] * len(sentences)
    by_document: dict[object, list[int]] = {}
    for index, sentence in enumerate(sentences):
        by_document.setdefault(sentence.get("doc_id"), []).append(index)
    for indices in by_document.values():
        article_text = " ".join(sentences[i]["text"] for i in indices)
        for i, result in zip(indices, _resolve_article([sentences[i] for i in indices], article_text, table)):
            result["anonymous"] = anonymous(result["source_resolved"] or sentences[i].get("source"))
            results[i] = result
    return results


def anonymous(source: str | None) -> bool:
    """True for an unnamed source ("a senior official", "two U.S. officials", "sources")."""
    return bool(source) and bool(ANONYMOUS_HEAD.search(source))


def canonical(source: str | None) -> str:
    """A source as a name: no leading article, no possessive, no surrounding punctuation,
    single spaces ("The Pakistan’s foreign ministry." is "Pakistan foreign ministry").
    Two sources name the same one when their canonical forms are equal ignoring case."""
    text = " ".join((source or "").split()).strip(PUNCTUATION_EDGES)
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"['’]s\b", "", text)


def opens_unclosed_quotation(text: str) -> bool:
    """A quotation that opens here and closes in a later sentence."""
    return quotes.is_open(text)


def _resolve_article(sentences: list[dict], article_text: str, table: ActorTable | None) -> list[dict]:
    named: list[dict] = []  # earlier resolved sources, most recent last
    preceding = ""
    results = []
    # Floating quotations whose speaker is named after the quotation, each with the
    # speaker before it (the fallback when no one is named where it closes).
    cataphoric: list[tuple[int, dict | None]] = []
    for index, sentence in enumerate(sentences):
        source = (sentence.get("source") or "").strip()
        quote_type = sentence.get("quote_type")
        resolved, actor = None, NO_ACTOR
        if source and not _is_pronoun(source):
            resolved = _coreferent(source, named, preceding, table) or full_name(source, article_text, table)
            if resolved == source.strip(PUNCTUATION_EDGES):
                resolved = canonical(source)
            actor = table.lookup(source, context=preceding, sentence=sentence["text"]) if table else NO_ACTOR
            if table and actor == OTHER_ACTOR and resolved != source:
                actor = table.lookup(resolved, context=preceding, sentence=sentence["text"])
            if table and actor == OTHER_ACTOR:
                actor = _code_by_title(resolved, article_text, preceding, sentence["text"], table) or actor
            named.append({"resolved": resolved, "actor": actor, "source": source})
        elif source:
            antecedent = _antecedent(named, source.strip(PUNCTUATION_EDGES).lower())
            if antecedent:
                resolved, actor = antecedent["resolved"], antecedent["actor"]
            else:
                resolved = source
                actor = (
                    table.lookup(source, context=preceding, sentence=sentence["text"]) if table else NO_ACTOR
                )
        elif quote_type not in (None, "none"):
            if opens_unclosed_quotation(sentence["text"]):
                cataphoric.append((index, named[-1] if named else None))
            elif named:
                # A quotation with no source continues the most recent speaker.
                resolved, actor = named[-1]["resolved"], named[-1]["actor"]
        results.append({"source_resolved": resolved, "source_actor": actor})
        if not sentence.get("is_caption"):
            preceding = f"{preceding} {sentence['text']}".strip()
    for index, speaker_before in reversed(cataphoric):
        # The speaker of a quotation spanning sentences is named where it closes.
        following = results[index + 1] if index + 1 < len(results) else None
        if following and following["source_resolved"]:
            results[index] = dict(following)
        elif speaker_before:
            results[index] = {
                "source_resolved": speaker_before["resolved"],
                "source_actor": speaker_before["actor"],
            }
    return results


def _code_by_title(
    name: str, article_text: str, preceding: str, sentence: str, table: ActorTable
) -> str | None:
    """The code of the title the article gives a person where it first names them
    ("U.S. Ambassador Woody Johnson", "Democratic Senator Dianne Feinstein"), for a
    source known by name only ("Johnson said"); None when the title says nothing."""
    words = name.split()
    if not words or not all(w[:1].isupper() for w in words):
        return None
    position = article_text.find(name)
    if position <= 0:
        return None
    # The words just before the name, within its clause.
    before = re.split(r"[.;:!?]\s|,\s|\(|—", article_text[max(0, position - 80) : position])[-1]
    title = " ".join(before.split()[-5:])
    if not title:
        return None
    code = table.lookup(title, context=preceding, sentence=sentence)
    return code if code not in (OTHER_ACTOR, NO_ACTOR) else None


def _coreferent(source: str, named: list[dict], preceding: str, table: ActorTable | None) -> str | None:
    """What a definite description ("the official", "The U.S. president") refers back to.

    An earlier source whose words include the description's ("a senior Trump
    administration official" for "The administration official"), else a title in the
    preceding text followed by a name ("U.S. President Donald Trump").
    """
    words = source.strip(PUNCTUATION_EDGES).split()
    if len(words) < 2 or words[0].lower() != "the":
        return None
    wanted = [w.lower() for w in words[1:]]
    head = wanted[-1]
    for candidate in reversed(named):
        have = [w.lower() for w in canonical(candidate["source"]).split()]
        if have and have[-1] == head and set(wanted) <= set(have):
            return candidate["resolved"]
    if head in TITLE_WORDS:
        title = re.compile(
            rf"({CAPITALISED_RUN}){re.escape(head.capitalize())}\s+({CAPITALISED_RUN}[A-Z][\w'’-]*)"
        )
        for match in title.finditer(preceding):
            run = (match.group(1) + head).lower().split()
            if set(wanted) <= set(run):
                return " ".join(_strip_titles(match.group(2).split(), table))
    return None


def _antecedent(named: list[dict], pronoun: str) -> dict | None:
    """The most recent named source that fits the pronoun, else the most recent one."""
    if not named:
        return None

    def fits(candidate: dict) -> bool:
        text = candidate["source"]
        institution = bool(INSTITUTION_WORDS.search(text))
        if pronoun in THING_PRONOUNS:
            return institution
        if pronoun in PLURAL_PRONOUNS:
            return bool(PLURAL_SOURCE.search(text))
        return not institution

    for candidate in reversed(named):
        if fits(candidate):
            return candidate
    return named[-1]


def stance_target(
    text: str,
    content_spans: Sequence[dict],
    source_actor: str | None,
    stance: str | None,
    context: str = "",
    table: ActorTable | None = None,
) -> str | None:
    """The actor code a cooperative or conflictual sentence is directed at, or None.

    LABELS.md `stance_target`: the recipient of the offer, the accused, the threatened.
    Resolved like sources, from the actor table: the first actor named in the reported
    content, else in the sentence, else in the previous sentence, that is not the
    source's own code (a state rarely accuses itself); None for a neutral sentence or
    when no other actor is named.

    Example:
        >>> stance_target("Trump said Pakistan does nothing for us.", [{"start": 11, "end": 40}],
        ...               "USA", "conflictual", table=default_table())  # doctest: +SKIP
        'PAK'
    """
    if table is None or stance in (None, "neutral"):
        return None
    places = [text[s["start"] : s["end"]] for s in content_spans] + [text, context or ""]
    for place in places:
        for match in table.matches(place):
            if match.code not in (source_actor, NO_ACTOR, OTHER_ACTOR):
                return match.code
    return None
