"""A round trip through Label Studio: drafts out as tasks, corrected annotations back in.

    tasks = to_tasks(lines, kind="predictions", model_version="models/full")  # drafts to correct
    xml = labeling_config()                                                   # the project's interface
    lines_by_doc = from_export(json.load(open("export.json")), "export.json") # back to gold lines

One Label Studio task is one sentence: `data` holds the text and where it comes from
(doc_id, sent_index, is_caption, and the previous sentence as `context` to read);
a result holds the sentence labels as `choices` (quote_type, stance, anonymous, with
the model's probability as `score`), the names as `textarea` (source_resolved,
source_actor, stance_target), the spans as `labels` regions (SOURCE, CUE, CONTENT,
character offsets into the text) and `relations` from each source region to the cue
and content regions of its attribution. The lines are the gold format of
`data/annotations/` (docs/annotation-guidelines.md) and are validated by the same rules
when they come back; `from_export` never writes, and the script that does never
overwrites a file.

The format is Label Studio's documented JSON task import / JSON export
(labelstud.io/guide/tasks, /guide/export); nothing of Label Studio is imported, so the
project does not depend on it.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from .annotations import LABEL_KEYS, label_problems
from .errors import DataProblems
from .labels import NO_ACTOR, QUOTE_TYPES, STANCES

SPAN_REGION_LABELS = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT"}
TEXT_FIELDS = ("source_resolved", "source_actor", "stance_target")
CHOICE_FIELDS = {"quote_type": QUOTE_TYPES, "stance": STANCES, "anonymous": ("false", "true")}


class LabelStudioError(DataProblems):
    """Problems in a Label Studio export; each names the file, the task and the fix."""

    what = "Label Studio export problem"


def labeling_config() -> str:
    """The Label Studio labeling interface (XML) that matches `to_tasks`' results."""
    labels = "".join(f"<Label value={quoteattr(v)}/>" for v in SPAN_REGION_LABELS.values())
    choices = "".join(
        f'<Header value="{name}"/><Choices name="{name}" toName="text" choice="single" required="true">'
        + "".join(f"<Choice value={quoteattr(v)}/>" for v in values)
        + "</Choices>"
        for name, values in CHOICE_FIELDS.items()
    )
    texts = "".join(
        f'<Header value="{name} (empty = none)"/><TextArea name="{name}" toName="text" '
        'maxSubmissions="1" editable="true"/>'
        for name in TEXT_FIELDS
    )
    return (
        '<View><Header value="$doc_id, sentence $sent_index"/><Text name="context" value="$context"/>'
        f'<Labels name="spans" toName="text">{labels}</Labels><Text name="text" value="$text"/>'
        '<Relations><Relation value="cue"/><Relation value="content"/></Relations>'
        f"{choices}{texts}</View>\n"
    )


def _result(line: dict, probabilities: dict | None) -> list[dict]:
    """One sentence's labels as Label Studio result items."""
    items, regions = [], {}
    for kind, label in SPAN_REGION_LABELS.items():
        for number, span in enumerate(line[kind]):
            region = f"{kind}-{number}"
            regions.setdefault(kind, []).append(region)
            items.append(
                {
                    "id": region,
                    "from_name": "spans",
                    "to_name": "text",
                    "type": "labels",
                    "value": {
                        "start": span["start"],
                        "end": span["end"],
                        "text": span["text"],
                        "labels": [label],
                    },
                }
            )
    for name in CHOICE_FIELDS:
        value = line[name]
        if value is None:
            continue
        choice = str(value).lower() if name == "anonymous" else value
        item = {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [choice]}}
        if probabilities and name in probabilities:
            item["score"] = round(float(probabilities[name].get(choice, 0.0)), 4)
        items.append(item)
    for name in TEXT_FIELDS:
        if line[name] is not None:
            items.append(
                {"from_name": name, "to_name": "text", "type": "textarea", "value": {"text": [line[name]]}}
            )
    # The source speaks each cue and content of the sentence (the lists are ordered alike).
    for source in regions.get("source", [])[:1]:
        for kind in ("cue", "content"):
            for region in regions.get(kind, []):
                items.append(
                    {
                        "from_id": source,
                        "to_id": region,
                        "type": "relation",
                        "direction": "right",
                        "labels": [kind],
                    }
                )
    return items


def to_tasks(
    lines: list[dict],
    kind: str = "predictions",
    model_version: str = "quotestance",
    probabilities: list[dict] | None = None,
) -> list[dict]:
    """Label Studio tasks, one per sentence, carrying `lines` as predictions or annotations.

    Args:
        lines: gold-format lines of one or more articles, in sentence order.
        kind: "predictions" (drafts shown to the annotator to correct) or "annotations"
            (labels already made, e.g. to review them in Label Studio).
        model_version: the drafts' origin, shown in Label Studio.
        probabilities: per line, {"quote_type": {label: p}, "stance": {label: p}}; their
            values become each choice's `score` and the mean the prediction's.

    Returns:
        A list of task dicts (JSON-serialisable), len(lines) long.

    Example:
        >>> json.dump(to_tasks(read_jsonl("drafts/article.jsonl")), open("tasks.json", "w"))  # doctest: +SKIP
    """
    if kind not in ("predictions", "annotations"):
        raise ValueError(f"kind={kind!r}: the choices are 'predictions' and 'annotations'")
    tasks, previous = [], {}
    for number, line in enumerate(lines):
        probs = probabilities[number] if probabilities else None
        context = "" if line["is_caption"] else previous.get(line["doc_id"], "")
        entry = {"result": _result(line, probs)}
        if kind == "predictions":
            entry["model_version"] = model_version
            scores = [max(p.values()) for p in (probs or {}).values() if p]
            if scores:
                entry["score"] = round(sum(scores) / len(scores), 4)
        tasks.append(
            {
                "data": {
                    "text": line["text"],
                    "doc_id": line["doc_id"],
                    "sent_index": line["sent_index"],
                    "is_caption": line["is_caption"],
                    "context": context,
                },
                kind: [entry],
            }
        )
        if not line["is_caption"]:
            previous[line["doc_id"]] = line["text"]
    return tasks


def _line_from_task(task: dict, where: str) -> tuple[dict | None, list[str]]:
    data = task.get("data") or {}
    missing = [k for k in ("text", "doc_id", "sent_index", "is_caption") if k not in data]
    if missing:
        return None, [f"{where}: data has no {missing}; export the tasks that to_tasks made"]
    completed = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if not completed:
        return None, [
            f"{where}: sentence {data['doc_id']}:{data['sent_index']} has no submitted annotation; "
            "annotate (or accept the prediction of) every task before exporting"
        ]
    result = completed[-1].get("result") or []  # the latest submission wins
    text = data["text"]
    line = {
        "doc_id": data["doc_id"],
        "sent_index": data["sent_index"],
        "text": text,
        "is_caption": data["is_caption"],
        **{key: None for key in LABEL_KEYS},
    }
    for kind in SPAN_REGION_LABELS:
        line[kind] = []
    by_label = {label: kind for kind, label in SPAN_REGION_LABELS.items()}
    problems = []
    for item in result:
        value = item.get("value") or {}
        if item.get("type") == "labels":
            label = (value.get("labels") or [None])[0]
            if label not in by_label:
                problems.append(f"{where}: span label {label!r} unknown; use {list(by_label)}")
                continue
            start, end = value.get("start"), value.get("end")
            line[by_label[label]].append(
                {
                    "start": start,
                    "end": end,
                    "text": text[start:end] if isinstance(start, int) and isinstance(end, int) else None,
                }
            )
        elif item.get("type") == "choices":
            choice = (value.get("choices") or [None])[0]
            name = item.get("from_name")
            if name == "anonymous":
                choice = {"true": True, "false": False}.get(choice, choice)
            line[name] = choice
        elif item.get("type") == "textarea":
            texts = [t.strip() for t in value.get("text") or [] if t.strip()]
            line[item.get("from_name")] = texts[-1] if texts else None
    for kind in SPAN_REGION_LABELS:
        line[kind].sort(key=lambda s: s["start"] if isinstance(s["start"], int) else -1)
    if line["source_actor"] is None:
        line["source_actor"] = NO_ACTOR if line["quote_type"] == "none" else None
    if line["anonymous"] is None and line["quote_type"] == "none":
        line["anonymous"] = False
    problems += [f"{where} ({data['doc_id']}:{data['sent_index']}): {p}" for p in label_problems(line)]
    return line, problems


def from_export(tasks: list, origin: str) -> dict[str, list[dict]]:
    """Gold-format lines per doc_id from a Label Studio JSON export, validated.

    Raises `LabelStudioError` listing every problem (task number, sentence, fix); returns
    nothing when there is one, so no half-imported article exists.
    """
    if not isinstance(tasks, list):
        raise LabelStudioError(
            [f"{origin}: expected the JSON export (a list of tasks), got {type(tasks).__name__}"]
        )
    by_doc: dict[str, list[dict]] = {}
    problems = []
    for number, task in enumerate(tasks, 1):
        where = f"{origin}: task {number}" + (
            f" (id {task.get('id')})" if isinstance(task, dict) and "id" in task else ""
        )
        if not isinstance(task, dict):
            problems.append(f"{where}: not a task object")
            continue
        line, errors = _line_from_task(task, where)
        problems += errors
        if line is not None:
            by_doc.setdefault(line["doc_id"], []).append(line)
    for doc_id, lines in by_doc.items():
        lines.sort(key=lambda line: line["sent_index"])
        indices = [line["sent_index"] for line in lines]
        if indices != list(range(len(lines))):
            problems.append(
                f"{origin}: article {doc_id} has sentences {indices}; export every sentence of it"
            )
    if problems:
        raise LabelStudioError(problems)
    return by_doc
