"""The label vocabularies of docs/annotation-guidelines.md, each sorted once, here.

Every label map the project writes (datasets, model configs, reports) is built from
these tuples, so the order of ids never depends on which labels a run happened to see.
"""

QUOTE_TYPES = ("direct", "indirect", "mixed", "none")
STANCES = ("conflictual", "cooperative", "neutral")
# CAMEO quad classes plus CAMEO 01 "make public statement"; see corpora/stance.py.
EVENT_MODES = (
    "material_conflict",
    "material_cooperation",
    "statement",
    "verbal_conflict",
    "verbal_cooperation",
)
SPAN_TYPES = ("SOURCE", "CUE", "CONTENT")
BIO_TAGS = tuple(sorted(["O"] + [f"{p}-{t}" for t in SPAN_TYPES for p in ("B", "I")]))

# Span fields of a record, keyed by the span type they carry.
SPAN_FIELDS = {"SOURCE": "source_spans", "CUE": "cue_spans", "CONTENT": "content_spans"}

# Actor codes are ISO 3166 alpha-3 for states, short upper-case codes for
# non-state groups, IGO, OTHER, and NONE when there is no attribution.
ACTOR_CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,15}$"
# The source_actor of a sentence that attributes nothing (quote_type "none"), and the
# code of any state, group or person that the actor table cannot place.
NO_ACTOR = "NONE"
OTHER_ACTOR = "OTHER"

# Loss masking: a label id of -100 is ignored by torch's cross-entropy.
IGNORE_INDEX = -100


def label_maps(labels: tuple[str, ...]) -> tuple[dict[str, int], dict[int, str]]:
    """Return (label2id, id2label) for an already sorted vocabulary."""
    if list(labels) != sorted(labels):
        raise ValueError(f"label vocabulary must be sorted, got {labels}")
    if len(labels) < 2:
        raise ValueError(f"a classification task needs at least two labels, got {labels}")
    label2id = {label: i for i, label in enumerate(labels)}
    return label2id, {i: label for label, i in label2id.items()}
