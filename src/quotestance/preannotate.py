"""Draft annotation files for new articles, from the rule baseline or a trained model.

A draft is in the gold format of data/annotations/ (and, on request, as Label Studio
tasks) for an annotator to correct. It is never gold: docs/annotation.md. Files are
written all or nothing and never over an existing file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .actors import ActorTable, default_table
from .atomic import write_new_files
from .baseline import predict_records
from .label_studio import to_tasks
from .labels import NO_ACTOR
from .segment import Segmenter, read_article


def preannotate_article(path: Path, table: ActorTable | None = None) -> list[dict]:
    """An article as annotation-ready lines in the gold format of data/annotations/."""
    article = read_article(path)
    sentences = Segmenter().segment(article)
    records = [
        {
            "id": f"draft:{s.doc_id}:{s.sent_index}",
            "corpus": "draft",
            "doc_id": s.doc_id,
            "sent_index": s.sent_index,
            "text": s.text,
            "is_caption": s.is_caption,
        }
        for s in sentences
    ]
    lines = []
    for sentence, prediction in zip(sentences, predict_records(records, table)):
        attributed = prediction["quote_type"] != "none"
        lines.append(
            {
                "doc_id": sentence.doc_id,
                "sent_index": sentence.sent_index,
                "text": sentence.text,
                "is_caption": sentence.is_caption,
                "quote_type": prediction["quote_type"],
                "source": _with_text(sentence.text, prediction["source_spans"]),
                "cue": _with_text(sentence.text, prediction["cue_spans"]),
                "content": _with_text(sentence.text, prediction["content_spans"]),
                "source_resolved": prediction["source_resolved"] if attributed else None,
                "source_actor": prediction["source_actor"] if attributed else NO_ACTOR,
                "anonymous": prediction["anonymous"],
                "stance": prediction["stance"],
                "stance_target": prediction["stance_target"],  # a draft like every field here
            }
        )
    return lines


def write_preannotations(
    paths: Iterable[Path],
    output_dir: Path,
    table: ActorTable | None = None,
    labeler=None,
    label_studio: bool = False,
) -> list[Path]:
    """One <doc_id>.jsonl per article, all or nothing: every article is drafted before
    any file is written, and an existing file is never overwritten.

    Drafts come from the rule baseline, or from `labeler` (a `quotestance.inference.Labeler`)
    when one is given. With `label_studio`, each article also gets `<doc_id>.tasks.json`:
    Label Studio tasks carrying the draft as predictions, scored with the model's
    probabilities (quotestance.label_studio). Returns the .jsonl paths.
    """
    output_dir = Path(output_dir)
    targets = _draft_targets(paths, output_dir)
    extra = {t.with_suffix(".tasks.json"): a for t, a in targets.items()} if label_studio else {}
    existing = [str(t) for t in [*targets, *extra] if t.exists()]
    if existing:
        raise FileExistsError(
            f"refusing to overwrite existing annotation files: {', '.join(existing)}; "
            "choose another --output folder or move them away first"
        )
    table = table or default_table()
    drafts = {}
    for target, article in targets.items():
        try:
            if labeler is None:
                lines, probabilities = preannotate_article(article, table), None
            else:
                lines, probabilities = model_preannotate_article(article, labeler)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            raise ValueError(
                f"{article}: cannot be drafted ({reason}); nothing was written: "
                "fix the article or leave it out, and rerun"
            ) from error
        drafts[target] = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        if label_studio:
            origin = (
                "quotestance rule baseline"
                if labeler is None
                else f"quotestance model {labeler.config.name_or_path}"
            )
            tasks = to_tasks(lines, kind="predictions", model_version=origin, probabilities=probabilities)
            drafts[target.with_suffix(".tasks.json")] = json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"
    write_new_files(drafts, output_dir)
    return list(targets)


def model_preannotate_article(path: Path, labeler) -> tuple[list[dict], list[dict]]:
    """An article drafted by a trained model: gold-format lines and, per line, the
    probabilities of quote_type and stance (for Label Studio scores)."""
    article = read_article(path)
    results = labeler.label_article(article.text, doc_id=article.doc_id)
    lines, probabilities = [], []
    for result in results:
        attributed = result["quote_type"] != "none"
        lines.append(
            {
                "doc_id": article.doc_id,
                "sent_index": result["sent_index"],
                "text": result["text"],
                "is_caption": result["is_caption"],
                "quote_type": result["quote_type"],
                "source": result["source"] if attributed else [],
                "cue": result["cue"] if attributed else [],
                "content": result["content"] if attributed else [],
                "source_resolved": result["source_resolved"] if attributed else None,
                "source_actor": result["source_actor"] if attributed else NO_ACTOR,
                "anonymous": bool(result["anonymous"]) if attributed else False,
                "stance": result["stance"],
                "stance_target": result.get("stance_target") if result["stance"] != "neutral" else None,
            }
        )
        probabilities.append(
            {task: result[f"{task}_probs"] for task in ("quote_type", "stance") if f"{task}_probs" in result}
        )
    return lines, probabilities


def _draft_targets(paths: Iterable[Path], output_dir: Path) -> dict[Path, Path]:
    """Output file -> article, refusing missing inputs and two articles with one name."""
    targets: dict[Path, Path] = {}
    for path in map(Path, paths):
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such article or folder")
        articles = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        if not articles:
            raise FileNotFoundError(f"{path}: a folder with no *.txt articles")
        for article in articles:
            target = output_dir / f"{article.stem}.jsonl"
            if target in targets:
                raise ValueError(
                    f"{targets[target]} and {article} would both be drafted to {target}; "
                    "rename one, or draft them into separate --output folders"
                )
            targets[target] = article
    return targets


def _with_text(text: str, spans: list[dict]) -> list[dict]:
    """Offset spans of a sentence with their text, as the gold files write them."""
    return [{"start": s["start"], "end": s["end"], "text": text[s["start"] : s["end"]]} for s in spans]
