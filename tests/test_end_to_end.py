"""The scripts as a user runs them: build, train (tiny config), evaluate, compare, predict;
and a real encoder trained on the seed resolving the seed's "He" and "It"."""

import json
import os
import subprocess
import sys

import pytest

from quotestance.config import load_config
from quotestance.experiment import labeler as make_labeler
from quotestance.training import fit


def run_script(root, *args) -> subprocess.CompletedProcess:
    environment = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr[-3000:]}"
    return result


def test_build_train_evaluate_compare_predict(root, tmp_path, seed_article_path):
    overrides = [
        f"--data.processed_dir={tmp_path / 'processed'}",
        f"--data.cache_dir={tmp_path / 'cache'}",
        f"--train.output_dir={tmp_path / 'models'}",
    ]
    built = run_script(root, "scripts/build_dataset.py", "--config", "configs/tiny.yaml", *overrides)
    assert "seed" in built.stdout and (tmp_path / "processed" / "README.md").is_file()

    trained = run_script(root, "scripts/train.py", "--config", "configs/tiny.yaml", *overrides)
    run_dir = tmp_path / "models" / "tiny"
    assert f"checkpoint: {run_dir}" in trained.stdout
    for name in (
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "run_info.json",
        "README.md",
        "reports/seed-cv/report.json",
        "reports/seed-cv/report.md",
        "reports/seed-cv/errors.jsonl",
    ):
        assert (run_dir / name).is_file(), name
    assert not list(run_dir.glob("*.bin")) and not list(run_dir.parent.glob(".tiny.*"))
    info = json.loads((run_dir / "run_info.json").read_text())
    assert info["seed"] == 42 and info["config"]["model"]["encoder"] == "tiny-random"
    assert len(info["git"]["commit"]) == 40 and isinstance(info["git"]["dirty"], bool)
    assert info["packages"]["torch"] and info["packages"]["transformers"]
    assert info["split_sizes"]["train"] == {"seed": 26}
    model_config = json.loads((run_dir / "config.json").read_text())
    assert model_config["task_labels"]["quote_type"] == ["direct", "indirect", "mixed", "none"]
    cv_report = json.loads((run_dir / "reports/seed-cv/report.json").read_text())
    assert cv_report["data"]["records"] == 26

    evaluated = tmp_path / "eval"
    run_script(
        root,
        "scripts/evaluate.py",
        "--model",
        run_dir,
        "--config",
        "configs/tiny.yaml",
        "--split",
        "train",
        "--output",
        evaluated / "model",
        *overrides[:2],
    )
    run_script(
        root,
        "scripts/evaluate.py",
        "--baseline",
        "--config",
        "configs/tiny.yaml",
        "--split",
        "train",
        "--output",
        evaluated / "baseline",
        *overrides[:2],
    )
    compared = run_script(
        root,
        "scripts/compare_reports.py",
        evaluated / "baseline" / "seed-train",
        evaluated / "model" / "seed-train",
        "--output",
        tmp_path / "compare.md",
    )
    assert "quote_type" in compared.stdout and (tmp_path / "compare.md").is_file()

    labelled = tmp_path / "seed.jsonl"
    run_script(
        root,
        "scripts/predict.py",
        "--model",
        run_dir,
        seed_article_path,
        "--output",
        labelled,
        "--no-progress",
    )
    rows = [json.loads(line) for line in labelled.read_text().splitlines()]
    text = seed_article_path.read_text(encoding="utf-8")
    assert len(rows) == 26 and all(text[r["start"] : r["end"]] == r["text"] for r in rows)


@pytest.mark.slow
def test_a_trained_encoder_resolves_the_seeds_pronoun_sources(root, tmp_path, seed_article_path):
    """MiniLM fitted on the seed's 26 sentences labels them back, and the rules in
    attribution.py turn its "He" and "It" source spans into the speakers named before."""
    from datasets import Dataset

    from quotestance.annotations import seed_records
    from quotestance.schema import FEATURES

    config = load_config(
        root / "configs" / "seed.yaml",
        ["--train.num_train_epochs=25", "--train.learning_rate=2e-4", f"--train.output_dir={tmp_path}"],
    )
    records = Dataset.from_list(seed_records(root / "data/raw", root / "data/annotations"), features=FEATURES)
    model, tokenizer, _ = fit(config, records, None, tmp_path / "work", checkpoints=False)
    results = make_labeler(model, tokenizer).label_article(
        seed_article_path.read_text(encoding="utf-8"), doc_id="seed"
    )
    he = next(r for r in results if r["text"].startswith("He defended"))
    it = next(r for r in results if r["text"].startswith("It added"))
    assert [s["text"] for s in he["source"]] == ["He"]
    assert he["source_resolved"] == "Donald Trump" and he["source_actor"] == "USA"
    assert [s["text"] for s in it["source"]] == ["It"]
    assert "foreign ministry" in it["source_resolved"] and it["source_actor"] == "PAK"
