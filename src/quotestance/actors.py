"""The actor table: a quotation's source text to the code of whom it speaks for.

    table = ActorTable.from_yaml(DEFAULT_TABLE_PATH)  # or a copy you edited
    table.lookup("Pakistan’s foreign ministry")           # "PAK"
    table.lookup("Afghan Taliban militants")             # "TALIBAN", the longest entry wins
    table.lookup("The administration official", context) # no entry: the first actor in context

The table is user-editable YAML (the package's resources/actors.yaml; copy it to
edit); a malformed one is refused with the file and line of the fault.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from .errors import QuotestanceError
from .labels import ACTOR_CODE_PATTERN, NO_ACTOR, OTHER_ACTOR

# The table shipped inside the package (so an installed wheel has it); users copy it
# (`quotestance.actors.DEFAULT_TABLE_PATH`) and point at their copy instead. A wheel is
# installed unpacked, so the resource is a file on disk.
DEFAULT_TABLE_PATH = Path(str(resources.files("quotestance").joinpath("resources", "actors.yaml")))

RESERVED_CODES = {OTHER_ACTOR, NO_ACTOR}  # OTHER: a source the table does not place; NONE: no source

# Unnamed sources whose affiliation the text around them gives ("the official" in
# an article about Washington): only these fall back to the context.
GENERIC_SOURCE_WORDS = re.compile(
    r"\b(?:officials?|administration|ministry|ministers?|government|spokes(?:man|woman|person)"
    r"|diplomats?|envoys?|president|secretary|authorities|department|office|embassy|military"
    r"|army|sources?|statement|aides?|staff(?:ers?)?|lawmakers?|legislators?|senators?|sen\."
    r"|representatives?|rep\.|congress(?:wo)?m[ae]n|congressional|committee|parliament(?:arians?)?"
    r"|mps?|deputies|ambassadors?|governor|attorney general|prosecutors?|investigators?|agency)(?!\w)",
    re.IGNORECASE,
)
# Curly and straight apostrophes are the same letter to a reader.
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


class ActorTableError(QuotestanceError, ValueError):
    """A malformed actor table; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class ActorMatch:
    start: int
    end: int
    name: str
    code: str


class ActorTable:
    def __init__(self, entries: dict[str, str]):
        """`entries` maps a name to its code; see the module docstring for case rules."""
        self.entries = dict(entries)
        self._by_key = {}
        alternatives = []
        # Longest first: at one position the regex takes the first alternative that fits.
        for name in sorted(self.entries, key=len, reverse=True):
            normalised = name.translate(APOSTROPHES)
            escaped = re.escape(normalised)
            if normalised == normalised.lower():
                alternatives.append(f"(?i:{escaped})")
                self._by_key[normalised.lower()] = name
            else:
                alternatives.append(escaped)
                self._by_key[normalised] = name
        # A lookahead finds a match at every position, so a long entry starting inside
        # a shorter earlier one is still seen.
        self._pattern = (
            re.compile(rf"(?=(?<![\w-])({'|'.join(alternatives)})(?![\w-]))") if alternatives else None
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> ActorTable:
        """The table of a YAML file; with `world: countryinfo` in it, every state of the
        countryinfo package is added under the file's own entries (`world_entries`)."""
        path = Path(path)
        if not path.is_file():
            raise ActorTableError(
                f"actor table not found: {path}; see quotestance/resources/actors.yaml for the format"
            )
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ActorTableError(f"{path}: not valid YAML: {error}") from None
        entries, world = _entries_from_node(root, path)
        if world:
            entries = {**{n: c for n, c in world_entries().items() if n not in entries}, **entries}
        return cls(entries)

    def matches(self, text: str) -> list[ActorMatch]:
        """Every table entry in `text`, in order of position, longest first at a position."""
        if not text or self._pattern is None:
            return []
        normalised = text.translate(APOSTROPHES)
        found = []
        for match in self._pattern.finditer(normalised):
            surface = match.group(1)
            name = self._by_key.get(surface) or self._by_key[surface.lower()]
            found.append(ActorMatch(match.start(1), match.end(1), name, self.entries[name]))
        return found

    def code_of(self, text: str) -> str | None:
        """The code of the longest entry in `text` (the earliest on a tie), or None."""
        found = self.matches(text)
        if not found:
            return None
        best = max(found, key=lambda m: (m.end - m.start, -m.start))
        return best.code

    def lookup(self, source_text: str | None, context: str | None = None, sentence: str | None = None) -> str:
        """The source's code: NONE without a source, OTHER when neither it nor its context says.

        `context` (the article before the sentence, say), then `sentence`, is consulted only
        for an unnamed official, legislator or institution ("the ministry", "congressional
        aides"), whose affiliation is the first actor the context names: news stories name
        their main actor first.
        """
        if source_text is None or not source_text.strip():
            return NO_ACTOR
        code = self.code_of(source_text)
        if code is not None:
            return code
        if GENERIC_SOURCE_WORDS.search(source_text):
            # The article before the sentence first, then the sentence itself (a lead
            # sentence's "congressional aides said" has nothing before it).
            for place in (context, sentence):
                found = self.matches(place) if place else []
                if found:
                    return found[0].code
        return OTHER_ACTOR


WORLD_SOURCES = {"countryinfo"}
# World names that are also common words, people or places in U.S. news, where a match
# would code a source wrongly ("Georgia" the U.S. state, "Chad" a first name, the
# Maldives' capital "Male"). The states themselves stay reachable by their other names
# ("Tbilisi", "Chadian", "N'Djamena"). Checked on the ISOT politicsNews pool.
WORLD_STOPLIST = {
    "Georgia",
    "Georgian",
    "Chad",
    "Male",
    "Victoria",
    "Kingston",
    "Georgetown",
    "Hamilton",
    "Jersey",
    "Nice",
    "Santiago",
    "Independence",
    "Republic",
    "Saint",
    "Island",
    "Islands",
    "Federal",
    "Union",
    "Kingdom",
}


def world_entries() -> dict[str, str]:
    """Every state's names, official and alternative spellings, demonym and capital, to
    its ISO 3166 alpha-3 code, from the `countryinfo` package (maintained country data;
    LABELS.md codes states by alpha-3). Names shorter than four characters (ISO codes
    such as "CO", "COL") and names of more than one state are left out: they match
    words, not states.
    """
    from countryinfo import CountryInfo

    found: dict[str, set[str]] = {}
    for record in CountryInfo.all().values():
        code = (record.get("ISO") or {}).get("alpha3")
        if not code:
            continue
        names = [
            record.get("name"),
            record.get("demonym"),
            record.get("capital"),
            *(record.get("altSpellings") or []),
        ]
        for name in names:
            if not name or len(name) < 4 or not name[0].isupper() or name in WORLD_STOPLIST:
                continue
            for form in {name, unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()}:
                if len(form) >= 4:
                    found.setdefault(form, set()).add(code)
    return {name: next(iter(codes)) for name, codes in found.items() if len(codes) == 1}


def default_table() -> ActorTable:
    """The table shipped in the package (resources/actors.yaml)."""
    return ActorTable.from_yaml(DEFAULT_TABLE_PATH)


def _entries_from_node(root, path: Path) -> tuple[dict[str, str], bool]:
    def fail(node, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        raise ActorTableError(f"{path}, line {line}: {message}")

    if not isinstance(root, yaml.MappingNode):
        fail(root, "expected a mapping with the key `actors:`; see quotestance/resources/actors.yaml")
    sections = {key.value: value for key, value in root.value}
    if "actors" not in sections or set(sections) - {"actors", "world"}:
        fail(root, f"expected the key `actors:` (and optionally `world:`), found {sorted(sections)}")
    world_node = sections.get("world")
    if world_node is not None and world_node.value not in WORLD_SOURCES:
        fail(
            world_node,
            f"world: {world_node.value!r} is not a known source; "
            f"use one of {sorted(WORLD_SOURCES)} or remove it",
        )
    actors = sections["actors"]
    if not isinstance(actors, yaml.MappingNode):
        fail(actors, "`actors:` must map each code to a list of names")
    entries: dict[str, str] = {}
    lines: dict[str, int] = {}
    for code_node, names_node in actors.value:
        code = code_node.value
        if not re.match(ACTOR_CODE_PATTERN, str(code)):
            fail(code_node, f"bad code {code!r}: use upper-case letters, digits and _ (e.g. USA, TALIBAN)")
        if code in RESERVED_CODES:
            fail(code_node, f"{code} is the fallback code and takes no names; remove it")
        if not isinstance(names_node, yaml.SequenceNode):
            fail(names_node, f"{code}: expected a list of names (`- Name` lines)")
        for name_node in names_node.value:
            if not isinstance(name_node, yaml.ScalarNode) or not str(name_node.value).strip():
                fail(name_node, f"{code}: each name must be a non-empty string")
            name = str(name_node.value).strip()
            line = name_node.start_mark.line + 1
            if name in entries and entries[name] != code:
                fail(
                    name_node,
                    f"{name!r} is listed under {code} and under {entries[name]} (line {lines[name]}); "
                    "a name may stand for one code only: remove one",
                )
            entries[name] = code
            lines[name] = line
    return entries, world_node is not None
