"""Label Studio round trip on the seed's gold labels, drafts from a model, bad exports."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from quotestance.label_studio import (
    LabelStudioError,
    from_export,
    labeling_config,
    to_tasks,
)

SEED = "000_1297e1fb3493ea23"


@pytest.fixture(scope="module")
def seed_gold(root):
    return root / "data" / "annotations" / f"{SEED}.jsonl"


def _as_exported(tasks: list[dict]) -> list[dict]:
    """Tasks as Label Studio's JSON export writes them: ids, and the annotation with its metadata."""
    exported = []
    for number, task in enumerate(tasks, 1):
        [annotation] = task["annotations"]
        exported.append(
            {
                "id": 100 + number,
                "data": task["data"],
                "predictions": [],
                "annotations": [
                    {
                        "id": number,
                        "completed_by": 1,
                        "was_cancelled": False,
                        "result": annotation["result"],
                        "lead_time": 12.5,
                    }
                ],
            }
        )
    return exported


def test_gold_to_tasks_to_export_to_gold_is_byte_identical(root, seed_gold, tmp_path):
    lines = [json.loads(line) for line in seed_gold.read_text(encoding="utf-8").splitlines()]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_as_exported(to_tasks(lines, kind="annotations"))), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "scripts/label_studio.py", "import", export, "--output", tmp_path / "gold"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "gold" / f"{SEED}.jsonl").read_bytes() == seed_gold.read_bytes()
    again = subprocess.run(
        [sys.executable, "scripts/label_studio.py", "import", export, "--output", tmp_path / "gold"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 2 and "never overwritten" in again.stderr


def test_tasks_carry_relations_scores_and_match_the_config(seed_gold):
    lines = [json.loads(line) for line in seed_gold.read_text(encoding="utf-8").splitlines()]
    probabilities = [
        {"quote_type": {line["quote_type"]: 0.8}, "stance": {line["stance"]: 0.6}} for line in lines
    ]
    tasks = to_tasks(lines, probabilities=probabilities)
    first = tasks[0]["predictions"][0]
    relations = [r for r in first["result"] if r["type"] == "relation"]
    assert {r["labels"][0] for r in relations} == {"cue", "content"} and first["score"] == pytest.approx(0.7)
    assert tasks[2]["data"]["context"] == lines[0]["text"]  # sentence 1 is a caption: skipped as context
    config = ElementTree.fromstring(labeling_config())
    names = {element.get("name") for element in config.iter() if element.get("name")}
    used = {
        item["from_name"]
        for task in tasks
        for item in task["predictions"][0]["result"]
        if "from_name" in item
    }
    assert used <= names


def test_a_bad_export_names_task_and_sentence_and_returns_nothing(seed_gold):
    lines = [json.loads(line) for line in seed_gold.read_text(encoding="utf-8").splitlines()]
    exported = _as_exported(to_tasks(lines, kind="annotations"))
    for item in exported[3]["annotations"][0]["result"]:
        if item.get("from_name") == "stance":
            item["value"]["choices"] = ["hostile"]
    exported[5]["annotations"] = []
    with pytest.raises(LabelStudioError) as raised:
        from_export(exported, "export.json")
    text = str(raised.value)
    assert f"export.json: task 4 (id 104) ({SEED}:3): unknown stance 'hostile'" in text
    assert f"task 6 (id 106): sentence {SEED}:5 has no submitted annotation" in text


def test_model_drafts_with_probabilities_for_label_studio(root, tiny_checkpoint, seed_article_path, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "scripts/preannotate.py",
            seed_article_path,
            "--output",
            tmp_path,
            "--model",
            tiny_checkpoint,
            "--label-studio",
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    draft = [json.loads(line) for line in (tmp_path / f"{SEED}.jsonl").read_text().splitlines()]
    tasks = json.loads((tmp_path / f"{SEED}.tasks.json").read_text())
    assert len(draft) == len(tasks) == 26
    scores = [
        item["score"]
        for item in tasks[0]["predictions"][0]["result"]
        if item["type"] == "choices" and item["from_name"] in ("quote_type", "stance")
    ]
    assert len(scores) == 2 and all(0 < s <= 1 for s in scores)
