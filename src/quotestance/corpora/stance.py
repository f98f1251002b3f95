"""PLV (PLOVER) and cameo_class event sentences to stance records.

Both corpora are single sentences, each its own document (sent_index 0, no
context), with a sentence-level event class and no attribution spans
(`spans_labelled` False, `quote_type` None: they were not annotated for
quotation, and many are descriptions of actions that LABELS.md would call
`none`, so no quote label can be read off them).

PLV (`plover_plv/PLV_{train,test}.tsv`): `stance` and `event_mode` come from
the gold quad class `gold_penta` (table below). Two refinements, both counted
in the returned stats:
- PLOVER's REQUEST root sits under verbal conflict but covers appeals as well as
  demands; LABELS.md calls an appeal cooperative and a demand conflictual. A
  REQUEST row is mapped by the keyword rule `request_stance` on its sentence;
  a row that matches neither list keeps no stance (left out of stance training).
- A row whose root's polarity contradicts its quad class (one row in PLV_train:
  COOPERATE coded as material conflict) keeps no stance: its gold is self-contradictory.
PLV's marked source and target go to `event_source` / `event_target`.

cameo_class (`cameo_class/{train,test}.tsv`, `sentence<TAB>label`, CSV-quoted where
the sentence holds a quotation mark, so read with `csv`): the labels
are the PETRARCH/Phoenix quad classes. Reading the rows shows label 0 holds
CAMEO 01 public statements ("expressed concern", "expressed condolences",
"claimed responsibility") and CAMEO 02 appeals ("called on the government to",
"urged North Korea to", "launched an appeal for $80 million"); 1 is verbal
cooperation (meetings, praise, talks), 2 material cooperation (aid, releases,
lifting bans), 3 verbal conflict (rejections, condemnations, vetoes), 4
material conflict (bombings, killings, arrests). Label 0 maps to `neutral` /
`statement`, except rows that `request_stance` finds an appeal or demand in:
LABELS.md puts appeals and demands outside `neutral`, and which of the two a
CAMEO 02 row is cannot be read off its label, so those keep `event_mode`
statement and no stance.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..schema import SentenceRecord, empty_record
from . import CorpusFormatError, corpus_path

# PLV gold_penta (a PLOVER quad class) -> (stance, event_mode).
PLV_QUAD_CLASSES = {
    "1": ("cooperative", "verbal_cooperation"),  # AGREE, CONSULT, SUPPORT: words of cooperation
    "2": ("cooperative", "material_cooperation"),  # COOPERATE, AID, YIELD: deeds of cooperation
    "3": ("conflictual", "verbal_conflict"),  # ACCUSE, REJECT, THREATEN, REQUEST: words of conflict
    "4": ("conflictual", "material_conflict"),  # PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT: deeds
}
# The polarity of each PLOVER root, to catch rows whose quad class contradicts the root.
PLOVER_ROOT_STANCES = {
    "AGREE": "cooperative",  # agree to, sign, settle
    "CONSULT": "cooperative",  # meet, visit, talk, mediate
    "SUPPORT": "cooperative",  # praise, endorse, defend verbally
    "COOPERATE": "cooperative",  # cooperate economically, militarily, judicially
    "AID": "cooperative",  # economic, military, humanitarian aid
    "YIELD": "cooperative",  # release, retreat, ease sanctions, concede
    "REQUEST": None,  # appeals and demands alike: mapped by `request_stance`
    "ACCUSE": "conflictual",  # criticise, blame, sue, investigate
    "REJECT": "conflictual",  # refuse, veto, deny a request
    "THREATEN": "conflictual",  # threaten force, sanctions, ultimatums
    "PROTEST": "conflictual",  # demonstrations, strikes, boycotts
    "SANCTION": "conflictual",  # cut ties, aid, trade; expel
    "MOBILIZE": "conflictual",  # deploy, raise alert
    "COERCE": "conflictual",  # arrest, seize, restrict, deport
    "ASSAULT": "conflictual",  # attack, bomb, kill
}
# cameo_class label -> (stance, event_mode).
CAMEO_LABELS = {
    "0": ("neutral", "statement"),  # CAMEO 01 statements (and 02 appeals, see request_stance)
    "1": ("cooperative", "verbal_cooperation"),  # CAMEO 03-05: intent, consult, diplomatic cooperation
    "2": ("cooperative", "material_cooperation"),  # CAMEO 06-08: material cooperation, aid, yield
    "3": ("conflictual", "verbal_conflict"),  # CAMEO 09-13: demand, disapprove, reject, threaten
    "4": ("conflictual", "material_conflict"),  # CAMEO 14-20: protest ... mass violence
}

# A demand or pressure: conflictual by LABELS.md. Checked first, since "demanded
# support" or "urged ... and must" are demands whatever else they ask for. Besides
# the plain words: summoning a diplomat to complain, claims for compensation,
# deadlines, "pushing hard", and conditions ("will not release ... unless").
DEMAND_WORDS = re.compile(
    r"\b(demand\w*|must|order(?:s|ed|ing)?|insist\w*|pressur\w*|ultimatum\w*|reminder|obligation"
    r"|summon\w*|compensation|deadline|pushing hard|(?:will not|won't) \w+\b.*\b(?:until|unless|without))\b",
    re.I,
)
# An appeal for help, cooperation or refuge: cooperative by LABELS.md.
APPEAL_WORDS = re.compile(
    r"\b(appeal\w*|ask\w*|request\w*|urg(?:e|es|ed|ing)|plea\w*|pleaded|sought|seek\w*|invit\w*"
    r"|call(?:s|ed|ing)? (?:on|upon|for))\b",
    re.I,
)


def request_stance(sentence: str) -> str | None:
    """conflictual for a demand, cooperative for an appeal, None when the words say neither."""
    if DEMAND_WORDS.search(sentence):
        return "conflictual"
    if APPEAL_WORDS.search(sentence):
        return "cooperative"
    return None


def _stance_record(corpus: str, doc_id: str, text: str, split: str, **labels) -> dict:
    return empty_record(
        id=f"{corpus}:{doc_id}:0",
        corpus=corpus,
        doc_id=doc_id,
        sent_index=0,
        paragraph_index=0,
        start=0,
        end=len(text),
        text=text,
        context="",
        split=split,
        **labels,
    )


def plv_records(corpora_dir: str | Path) -> tuple[list[SentenceRecord], dict]:
    """PLV_train (split train) and PLV_test (split test) records, and mapping counts."""
    records = []
    stats = {"request": {"cooperative": 0, "conflictual": 0, "unmapped": 0}, "root_contradicts_quad_class": 0}
    for name, split in (("PLV_train", "train"), ("PLV_test", "test")):
        path = corpus_path(corpora_dir, "plover_plv", f"{name}.tsv")
        with path.open(encoding="utf-8", newline="") as handle:
            # Line 1 is the header; sentence_id repeats (one row per source-target pair), the line does not.
            for line_number, row in enumerate(csv.DictReader(handle, delimiter="\t"), 2):
                text = row["sentence"].strip()
                root, quad = row["gold_root"], row["gold_penta"]
                if quad not in PLV_QUAD_CLASSES or root not in PLOVER_ROOT_STANCES:
                    raise CorpusFormatError(
                        f"{path}:{line_number}: gold_root {root!r} / gold_penta {quad!r} not in "
                        f"{sorted(PLOVER_ROOT_STANCES)} / {sorted(PLV_QUAD_CLASSES)}; add the row to "
                        "the tables in quotestance/corpora/stance.py"
                    )
                stance, event_mode = PLV_QUAD_CLASSES[quad]
                if root == "REQUEST":
                    stance = request_stance(text)
                    stats["request"][stance or "unmapped"] += 1
                    event_mode = {
                        "cooperative": "verbal_cooperation",
                        "conflictual": "verbal_conflict",
                        None: None,
                    }[stance]
                elif PLOVER_ROOT_STANCES[root] != stance:
                    stats["root_contradicts_quad_class"] += 1
                    stance = event_mode = None
                records.append(
                    _stance_record(
                        "plv",
                        f"{name}-{line_number}",
                        text,
                        split,
                        stance=stance,
                        event_mode=event_mode,
                        event_source=row["source"].strip() or None,
                        event_target=row["target"].strip() or None,
                    )
                )
    return records, stats


def cameo_records(corpora_dir: str | Path) -> tuple[list[SentenceRecord], dict]:
    """cameo_class train and test records, and how many statements held an appeal or demand."""
    records = []
    stats = {"statement_with_appeal_or_demand": 0}
    for split in ("train", "test"):
        path = corpus_path(corpora_dir, "cameo_class", f"{split}.tsv")
        with path.open(encoding="utf-8", newline="") as handle:
            # CSV quoting, as the file was written: a sentence holding a quotation mark is
            # wrapped in quotes with the mark doubled (`"... nation-building"" activities ..."""`).
            rows = csv.reader(handle, delimiter="\t")
            for row in rows:
                line_number = rows.line_num  # no quoted sentence spans lines: the file's line
                if len(row) != 2 or row[1] not in CAMEO_LABELS or not row[0].strip():
                    raise CorpusFormatError(
                        f"{path}:{line_number}: expected `sentence<TAB>label` with label in "
                        f"{sorted(CAMEO_LABELS)}, got {row!r:.80}; restore the file from its origin"
                    )
                text, label = row[0].strip(), row[1]
                stance, event_mode = CAMEO_LABELS[label]
                if label == "0" and request_stance(text) is not None:
                    stats["statement_with_appeal_or_demand"] += 1
                    stance = None
                records.append(
                    _stance_record(
                        "cameo",
                        f"{split}-{line_number}",
                        text,
                        split,
                        stance=stance,
                        event_mode=event_mode,
                    )
                )
    return records, stats
