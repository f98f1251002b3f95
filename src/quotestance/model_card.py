"""The README.md written with every checkpoint: what it is for, what it saw, how it
scores, and where it will fail."""

from __future__ import annotations

from .model import QuoteStanceConfig


def model_card(config: QuoteStanceConfig, info: dict, reports: dict[str, dict]) -> str:
    run = info["config"]
    git = info.get("git", {})
    lines = [
        f"# quotestance model: {run['train']['run_name']}",
        "",
        "One small transformer that labels each sentence of a news article for quotation "
        "type, attribution spans (source, cue, content) and diplomatic stance, in one "
        "forward pass. Load it with `quotestance.inference.Labeler.from_pretrained(<this dir>)` "
        "or `python scripts/predict.py --model <this dir> article.txt`.",
        "",
        "## Intended use",
        "",
        "Research and data journalism on who says what about whom in international news: "
        "pre-annotation, corpus statistics and error analysis, always with a human reading "
        "the sentences that matter. Not for decisions about individuals, and not a fact "
        "checker: it labels how a sentence reports speech, not whether it is true.",
        "",
        "## Model",
        "",
        f"- encoder: `{run['model']['encoder']}`",
        f"- tasks: {', '.join(config.tasks)} (task weights {config.task_weights})",
        f"- input: sentence{' + previous sentence as context' if config.use_context else ''}, "
        f"at most {config.max_seq_length} tokens",
        "- labels:",
    ]
    lines += [f"  - {task}: {', '.join(labels)}" for task, labels in config.task_labels.items()]
    lines += ["", "## Data", "", "| split | " + " | ".join(["sentences by source"]) + " |", "|---|---|"]
    for split, counts in info.get("split_sizes", {}).items():
        described = ", ".join(f"{corpus} {n}" for corpus, n in counts.items()) or "none"
        lines.append(f"| {split} | {described} |")
    if info.get("learning_curves"):
        lines += ["", "## Training", "", f"![learning curves]({info['learning_curves']})", ""]
        lines += [
            f"{info.get('global_step')} steps in {info.get('wall_seconds')} s; the log is in run_info.json."
        ]
    lines += ["", "## Metrics", ""]
    if reports:
        lines += [
            "Each row is one evaluation report (`reports/<name>/report.md`).",
            "",
            "| report | quote_type macro-F1 | stance macro-F1 | source F1 | cue F1 | content F1 |",
            "|---|---|---|---|---|---|",
        ]
        for name, report in reports.items():
            lines.append(
                f"| {name} | {_metric(report, 'quote_type')} | {_metric(report, 'stance')} | "
                + " | ".join(_span_metric(report, t) for t in ("SOURCE", "CUE", "CONTENT"))
                + " |"
            )
    else:
        lines.append("No test split in this run's config.")
    lines += [
        "",
        "## Limits",
        "",
        "- Trained on US political news (PolNeAR, 2015-16), short event sentences "
        "(PLV, CAMEO) and a handful of hand-labelled Reuters sentences: expect lower scores "
        "on other outlets, other languages' translations, and opinion writing.",
        "- Stance is per sentence; irony, hedged diplomacy and balance across a whole "
        "article are out of its reach.",
        "- Resolved sources and actor codes come from rules (the previous named source, "
        "`quotestance/resources/actors.yaml`), not from the model.",
        "- The seed-only model has seen one article: its numbers are a smoke test, not a measure of quality.",
        "",
        "## Provenance",
        "",
        f"- git commit: `{git.get('commit')}`{' (working tree dirty)' if git.get('dirty') else ''}",
        f"- seed: {info.get('seed')}",
        f"- wall time: {info.get('wall_seconds')} s on {info.get('device', {}).get('platform')}"
        f"{' with ' + info['device']['gpu'] if info.get('device', {}).get('gpu') else ''}",
        "- packages: " + ", ".join(f"{k} {v}" for k, v in info.get("packages", {}).items() if v),
        "- resolved config and training log: `run_info.json`",
        "",
    ]
    return "\n".join(lines)


def _metric(report: dict, task: str) -> str:
    value = report.get("tasks", {}).get(task, {}).get("macro_f1")
    return f"{value:.3f}" if isinstance(value, (int, float)) else "–"


def _span_metric(report: dict, span_type: str) -> str:
    value = report.get("spans", {}).get(span_type, {}).get("exact", {}).get("f1")
    return f"{value:.3f}" if isinstance(value, (int, float)) else "–"
