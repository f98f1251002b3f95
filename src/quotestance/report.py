"""Evaluation reports on disk, and the side-by-side comparison of several.

    metadata = report_metadata(config, model="models/seed", config_file="configs/seed.yaml")
    write_report(report, predictions, gold, "reports/seed/seed-test")

`report_metadata` is the one description of what a report evaluated, for training
and scripts/evaluate.py alike. `write_report` writes report.json, report.md (tables, linked pictures), confusion_<task>.png,
f1_<task>.png and errors.jsonl (every misclassified sentence, most confident
first) into a staging folder that replaces `out_dir` only when complete.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import yaml

from .atomic import staged_directory
from .errors import QuotestanceError
from .labels import NO_ACTOR
from .provenance import provenance
from .speakers import canonical
from .tasks import sentence_tasks

REPORT_FILE = "report.json"


class ReportMismatchError(QuotestanceError, ValueError):
    """Reports made on different test data, which no difference of scores can compare."""


def report_metadata(config, model: str, config_file: str) -> dict:
    """What a report evaluated: the model (a checkpoint folder or the rule baseline), the
    config file and its values, the data, when, and the code and machine (provenance)."""
    return {
        "model": str(model),
        "config_file": str(config_file),
        "data": {"processed_dir": str(config.data.processed_dir), "sources": list(config.data.sources)},
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "provenance": provenance(),
        "config": config.to_dict(),
    }


def write_report(report: dict, predictions: list[dict], gold: list[dict], out_dir) -> Path:
    out_dir = Path(out_dir)
    with staged_directory(out_dir) as staging:
        pictures = {}
        for task, metrics in report["tasks"].items():
            pictures[task] = (_confusion_png(task, metrics, staging), _f1_png(task, metrics, staging))
        (staging / REPORT_FILE).write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (staging / "report.md").write_text(render_markdown(report, pictures), encoding="utf-8")
        with open(staging / "errors.jsonl", "w", encoding="utf-8") as stream:
            for error in misclassified(predictions, gold):
                stream.write(json.dumps(error, ensure_ascii=False) + "\n")
    return out_dir


def misclassified(predictions: list[dict], gold: list[dict]) -> list[dict]:
    """One line per wrong sentence label, the most confident mistakes first, then the
    wrong source actors, speakers and stance targets (no confidence: resolved by rules)."""
    by_id = {p["id"]: p for p in predictions}
    errors = []
    for record in gold:
        prediction = by_id[record["id"]]
        for task in (task.name for task in sentence_tasks()):
            expected, got = record.get(task), prediction.get(task)
            if expected is None or got is None or expected == got:
                continue
            probabilities = prediction.get(f"{task}_probs") or {}
            errors.append(
                {
                    "id": record["id"],
                    "corpus": record["corpus"],
                    "task": task,
                    "text": record["text"],
                    "gold": expected,
                    "predicted": got,
                    "confidence": probabilities.get(got),
                    "gold_probability": probabilities.get(expected),
                }
            )
        errors.extend(_resolution_errors(record, prediction))
    errors.sort(key=lambda e: -(e["confidence"] if e["confidence"] is not None else 0.0))
    return errors


def _resolution_errors(record: dict, prediction: dict) -> list[dict]:
    """Wrong source actors, speakers and stance targets, where the gold labels them (seed,
    reuters): who was taken for the speaker, and which actor code came out."""
    found = []
    if record.get("source_actor") is None:
        return found
    checks = [("source_actor", record["source_actor"], prediction.get("source_actor"))]
    if record["source_actor"] != NO_ACTOR and record.get("source_resolved"):
        same = (
            canonical(record["source_resolved"]).casefold()
            == canonical(prediction.get("source_resolved")).casefold()
        )
        checks.append(
            (
                "source_resolved",
                record["source_resolved"],
                record["source_resolved"] if same else prediction.get("source_resolved"),
            )
        )
    if record.get("stance") is not None:
        checks.append(("stance_target", record.get("stance_target"), prediction.get("stance_target")))
    for field, expected, got in checks:
        if expected != got:
            found.append(
                {
                    "id": record["id"],
                    "corpus": record["corpus"],
                    "task": field,
                    "text": record["text"],
                    "gold": expected,
                    "predicted": got,
                    "confidence": None,
                    "gold_probability": None,
                    "predicted_source": [
                        record["text"][s["start"] : s["end"]] for s in prediction.get("source_spans") or []
                    ],
                }
            )
    return found


def _confusion_png(task: str, metrics: dict, folder: Path) -> str:
    labels, matrix = metrics["labels"], metrics["confusion_matrix"]
    figure, axes = plt.subplots(figsize=(1.2 * len(labels) + 2, 1.0 * len(labels) + 1.5))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    peak = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            axes.text(
                j, i, str(count), ha="center", va="center", color="white" if count > peak / 2 else "black"
            )
    axes.set_title(f"{task} (n={metrics['n']})")
    figure.tight_layout()
    name = f"confusion_{task}.png"
    figure.savefig(folder / name, dpi=100)
    plt.close(figure)
    return name


def _f1_png(task: str, metrics: dict, folder: Path) -> str:
    labels = list(metrics["per_class"])
    scores = [metrics["per_class"][label]["f1-score"] for label in labels]
    figure, axes = plt.subplots(figsize=(1.2 * len(labels) + 2, 3))
    axes.bar(labels, scores, color="tab:blue")
    axes.set_ylim(0, 1)
    axes.set_ylabel("F1")
    axes.set_title(f"{task}: per-class F1, macro {metrics['macro_f1']:.3f}")
    axes.tick_params(axis="x", rotation=30)
    figure.tight_layout()
    name = f"f1_{task}.png"
    figure.savefig(folder / name, dpi=100)
    plt.close(figure)
    return name


def learning_curves_png(log_history: list[dict], folder: Path) -> str | None:
    """Training loss and every validation metric by step, as learning_curves.png in
    `folder`; its name, or None when the history logged nothing to draw."""
    loss = [(entry["step"], entry["loss"]) for entry in log_history if "loss" in entry and "step" in entry]
    metrics: dict[str, list[tuple[int, float]]] = {}
    for entry in log_history:
        for key, value in entry.items():
            if (
                key.startswith("eval_")
                and key not in ("eval_runtime", "eval_loss")
                and "per_second" not in key
            ):
                metrics.setdefault(key.removeprefix("eval_"), []).append((entry["step"], value))
    eval_loss = [(entry["step"], entry["eval_loss"]) for entry in log_history if "eval_loss" in entry]
    if not loss and not metrics:
        return None
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    if loss:
        left.plot(*zip(*loss), label="training loss", color="tab:blue")
    if eval_loss:
        left.plot(*zip(*eval_loss), "o-", label="validation loss", color="tab:orange")
    left.set_xlabel("step")
    left.set_ylabel("loss")
    left.legend()
    for name, points in sorted(metrics.items()):
        right.plot(*zip(*points), "o-", label=name)
    right.set_xlabel("step")
    right.set_ylabel("validation metric")
    right.set_ylim(0, 1)
    if metrics:
        right.legend(fontsize=8)
    else:
        right.text(0.5, 0.5, "no validation split", ha="center", va="center", transform=right.transAxes)
    figure.tight_layout()
    figure.savefig(folder / "learning_curves.png", dpi=100)
    plt.close(figure)
    return "learning_curves.png"


def _number(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def _interval(ci) -> str:
    return "–" if not ci else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def render_markdown(report: dict, pictures: dict | None = None) -> str:
    metadata = report.get("metadata", {})
    data = report["data"]
    lines = [f"# Evaluation: {metadata.get('model', 'model')} on {metadata.get('split', 'data')}", ""]
    for key in ("model", "config_file", "split", "created"):
        if key in metadata:
            lines.append(f"- {key}: `{metadata[key]}`")
    source = metadata.get("data")
    if isinstance(source, dict):
        lines.append(
            f"- data: `{source.get('processed_dir')}` (sources: {', '.join(source.get('sources') or [])})"
        )
    git = metadata.get("provenance", {}).get("git") if isinstance(metadata.get("provenance"), dict) else None
    if git:
        lines.append(f"- git: `{git.get('commit')}`{' (dirty)' if git.get('dirty') else ''}")
    lines += [
        f"- records: {data['records']} ({', '.join(f'{c} {n}' for c, n in data['corpora'].items())})",
        f"- gold fingerprint: `{data['fingerprint']}`",
        f"- bootstrap: {report['bootstrap']['samples']} samples, seed {report['bootstrap']['seed']}",
        "",
    ]
    if isinstance(metadata.get("config"), dict):
        # Folded: the values matter for reproducing a run, not for reading its scores.
        lines += [
            "<details><summary>config</summary>",
            "",
            "```yaml",
            yaml.safe_dump(metadata["config"], sort_keys=False, default_flow_style=False).rstrip(),
            "```",
            "",
            "</details>",
            "",
        ]
    lines += [
        "## Sentence tasks",
        "",
        "| task | n | accuracy | macro-F1 | 95% CI | kappa |",
        "|---|---|---|---|---|---|",
    ]
    for task, m in report["tasks"].items():
        lines.append(
            f"| {task} | {m['n']} | {_number(m['accuracy'])} | {_number(m['macro_f1'])} | "
            f"{_interval(m['macro_f1_ci'])} | {_number(m['kappa'])} |"
        )
        polar = m.get("cooperative_vs_conflictual")
        if polar:
            lines.append(
                f"| stance, cooperative vs conflictual (gold not neutral) | {polar['n']} | | "
                f"{_number(polar['macro_f1'])} | {_interval(polar['macro_f1_ci'])} | |"
            )
    for task, m in report["tasks"].items():
        lines += [
            "",
            f"### {task}",
            "",
            "| label | precision | recall | F1 | support |",
            "|---|---|---|---|---|",
        ]
        for label, row in m["per_class"].items():
            lines.append(
                f"| {label} | {_number(row['precision'])} | {_number(row['recall'])} | "
                f"{_number(row['f1-score'])} | {int(row['support'])} |"
            )
        if pictures and task in pictures:
            confusion, f1 = pictures[task]
            lines += ["", f"![confusion matrix of {task}]({confusion}) ![per-class F1 of {task}]({f1})"]
    if report.get("spans"):
        lines += [
            "",
            "## Spans",
            "",
            "| span | gold | predicted | exact P | exact R | exact F1 | token F1 (seqeval) | overlap P | overlap R | overlap F1 |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for span_type, m in report["spans"].items():
            lines.append(
                f"| {span_type} | {m['gold']} | {m['predicted']} | {_number(m['exact']['precision'])} | "
                f"{_number(m['exact']['recall'])} | {_number(m['exact']['f1'])} | {_number(m['token']['f1'])} | "
                f"{_number(m['overlap']['precision'])} | {_number(m['overlap']['recall'])} | "
                f"{_number(m['overlap']['f1'])} |"
            )
        lines += [
            "",
            "Exact: same start and end. Token: seqeval on word-level BIO tags. Overlap: shared characters.",
        ]
    if report.get("attribution"):
        a = report["attribution"]
        lines += [
            "",
            "## Attribution",
            "",
            f"- source_actor accuracy: {_number(a['source_actor_accuracy'])} (n={a['n']})",
            f"- source_resolved accuracy: {_number(a['source_resolved_accuracy'])} "
            f"(n={a['source_resolved_n']}, case, articles and possessives ignored)",
        ]
        if a.get("stance_target_n"):
            lines.append(
                f"- stance_target accuracy: {_number(a['stance_target_accuracy'])} "
                f"(n={a['stance_target_n']}, no target counts as a value)"
            )
    if len(report.get("by_corpus", {})) > 1:
        lines += [
            "",
            "## By corpus",
            "",
            "| corpus | task | n | accuracy | macro-F1 | 95% CI |",
            "|---|---|---|---|---|---|",
        ]
        for corpus, part in report["by_corpus"].items():
            for task, m in part["tasks"].items():
                lines.append(
                    f"| {corpus} | {task} | {m['n']} | {_number(m['accuracy'])} | "
                    f"{_number(m['macro_f1'])} | {_interval(m['macro_f1_ci'])} |"
                )
    lines += ["", "Misclassified sentences, most confident first: [errors.jsonl](errors.jsonl)", ""]
    return "\n".join(lines)


def load_report(path) -> tuple[Path, dict]:
    """A report.json, or the folder holding one."""
    path = Path(path)
    if path.is_dir():
        path = path / REPORT_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"no report at {path}; pass a report.json or its folder (see scripts/evaluate.py)"
        )
    return path, json.loads(path.read_text(encoding="utf-8"))


def comparison_rows(report: dict) -> dict[str, tuple[float | None, list | None]]:
    """Metric name -> (value, 95% interval or None), in a stable order."""
    rows = {}
    for task, m in report.get("tasks", {}).items():
        rows[f"{task} accuracy"] = (m["accuracy"], None)
        rows[f"{task} macro-F1"] = (m["macro_f1"], m.get("macro_f1_ci"))
        rows[f"{task} kappa"] = (m["kappa"], None)
        polar = m.get("cooperative_vs_conflictual")
        if polar:
            rows[f"{task} coop-vs-conf macro-F1"] = (polar["macro_f1"], polar.get("macro_f1_ci"))
    for span_type, m in report.get("spans", {}).items():
        rows[f"{span_type} exact F1"] = (m["exact"]["f1"], None)
        rows[f"{span_type} overlap F1"] = (m["overlap"]["f1"], None)
    attribution = report.get("attribution") or {}
    if attribution:
        rows["source_actor accuracy"] = (attribution["source_actor_accuracy"], None)
        rows["source_resolved accuracy"] = (attribution.get("source_resolved_accuracy"), None)
        if attribution.get("stance_target_n"):
            rows["stance_target accuracy"] = (attribution["stance_target_accuracy"], None)
    return rows


def compare_reports(named_reports: list[tuple[str, dict]]) -> str:
    """Markdown table: each report's metrics, its difference from the first, and `*` where
    the difference is outside a bootstrap interval (the other's value lies outside the
    first's 95% interval, or the first's outside the other's)."""
    if len(named_reports) < 2:
        raise ValueError("compare at least two reports")
    first_name, first = named_reports[0]
    for name, report in named_reports[1:]:
        if report["data"]["fingerprint"] != first["data"]["fingerprint"]:
            raise ReportMismatchError(
                f"{name} and {first_name} were made on different test data "
                f"(gold fingerprint {report['data']['fingerprint']}, {report['data']['records']} records "
                f"vs {first['data']['fingerprint']}, {first['data']['records']} records); "
                "evaluate both on the same split of the same config"
            )
    rows = [comparison_rows(report) for _, report in named_reports]
    metrics = list(dict.fromkeys(key for row in rows for key in row))
    header = ["metric", first_name] + [f"{name} (Δ)" for name, _ in named_reports[1:]]
    lines = [
        f"Gold: {first['data']['records']} records, fingerprint `{first['data']['fingerprint']}`",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for metric in metrics:
        base_value, base_ci = rows[0].get(metric, (None, None))
        cells = [metric, _with_interval(base_value, base_ci)]
        for row in rows[1:]:
            value, ci = row.get(metric, (None, None))
            if value is None or base_value is None:
                cells.append(_number(value))
                continue
            outside = _outside(value, base_ci) or _outside(base_value, ci)
            cells.append(f"{_with_interval(value, ci)} ({value - base_value:+.3f}{'*' if outside else ''})")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Δ: difference from the first report; *: outside a 95% bootstrap interval.", ""]
    return "\n".join(lines)


def _with_interval(value, ci) -> str:
    return _number(value) + (f" {_interval(ci)}" if ci else "")


def _outside(value: float, ci) -> bool:
    return bool(ci) and not (ci[0] <= value <= ci[1])
