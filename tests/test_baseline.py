"""The rule baseline on the seed's clear cases, pre-annotation, and evaluate.py end to end."""

import json
import subprocess
import sys

import pytest

from quotestance.annotations import load_annotations, seed_records
from quotestance.baseline import attribute, predict_records, quotations, write_preannotations
from quotestance.segment import Segmenter, read_article


@pytest.fixture(scope="module")
def seed(root):
    records = seed_records(root / "data" / "raw", root / "data" / "annotations")
    return {r["sent_index"]: r for r in records}, predict_records(records)


def spans(record, prediction, field):
    return [record["text"][s["start"]:s["end"]] for s in prediction[field]]


def by_text(seed, beginning):
    records, predictions = seed
    index = next(i for i, r in records.items() if r["text"].startswith(beginning))
    return records[index], predictions[index]


def test_plain_said_is_indirect_with_source_cue_and_content(seed):
    record, prediction = by_text(seed, "Khalilzad said last month")
    assert record["quote_type"] == prediction["quote_type"] == "indirect"
    assert spans(record, prediction, "source_spans") == ["Khalilzad"]
    assert spans(record, prediction, "cue_spans") == ["said"]
    assert spans(record, prediction, "content_spans") == ["he hoped a deal would be reached by April 2019"]
    assert prediction["source_resolved"] == "Zalmay Khalilzad"
    assert prediction["source_actor"] == "USA"


def test_fully_quoted_sentence_is_direct_and_continues_the_speaker(seed):
    record, prediction = by_text(seed, "“It is time for everyone")
    assert record["quote_type"] == prediction["quote_type"] == "direct"
    assert prediction["source_spans"] == []
    assert prediction["source_resolved"] == record["source_resolved"] == "Jim Mattis"
    assert spans(record, prediction, "content_spans") == [record["text"]]


def test_narrator_sentence_is_none(seed):
    record, prediction = by_text(seed, "Trump appointed Afghan-born")
    assert record["quote_type"] == prediction["quote_type"] == "none"
    assert prediction["source_spans"] == prediction["cue_spans"] == prediction["content_spans"] == []
    assert prediction["source_actor"] == "NONE"


def test_prediction_format(seed):
    records, predictions = seed
    assert [p["id"] for p in predictions] == [r["id"] for r in records.values()]
    for p in predictions:
        assert p["quote_type_probs"][p["quote_type"]] == 1.0
        assert sum(p["stance_probs"].values()) == 1.0


def test_rules_on_written_cases():
    text = "“We will not leave,” said Mattis."
    assert quotations(text) == [(0, 20)]
    result = attribute(text)
    assert result.quote_type == "direct"
    assert text[slice(*result.source)] == "Mattis"
    result = attribute("According to two U.S. officials, the talks failed.")
    assert result.quote_type == "indirect"
    assert "two U.S. officials" in "According to two U.S. officials, the talks failed."[slice(*result.source)]
    assert attribute("The “deal” was signed in Doha.").quote_type == "none"  # scare quotes
    assert attribute("Pakistan denied the claim.").quote_type == "indirect"


def test_preannotations_load_as_gold_and_never_overwrite(root, seed_article_path, tmp_path):
    written = write_preannotations([seed_article_path], tmp_path)
    assert [p.name for p in written] == [seed_article_path.stem + ".jsonl"]
    sentences = Segmenter().segment(read_article(seed_article_path))
    lines = load_annotations(written[0], sentences)  # the gold loader accepts the draft
    assert len(lines) == len(sentences)
    first = json.loads(written[0].read_text().splitlines()[0])
    assert first["source"][0]["text"] == "a senior Trump administration official"
    before = written[0].read_text()
    with pytest.raises(FileExistsError, match="refusing to overwrite"):
        write_preannotations([seed_article_path], tmp_path)
    assert written[0].read_text() == before
    result = subprocess.run([sys.executable, "scripts/preannotate.py", str(seed_article_path),
                             "--output", str(tmp_path)], cwd=root, capture_output=True, text=True)
    assert result.returncode == 2 and "refusing to overwrite" in result.stderr


def test_evaluate_script_with_the_baseline_on_the_seed(root, tmp_path):
    if not (root / "data" / "processed" / "seed" / "dataset_dict.json").is_file():
        pytest.skip("build the seed dataset first: python scripts/build_dataset.py --config configs/seed.yaml")
    out = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "scripts/evaluate.py", "--baseline", "--config", "configs/seed.yaml",
         "--split", "train", "--output", str(out), "--train.bootstrap_samples=100"],
        cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "seed-train" / "report.json").read_text())
    assert report["data"]["records"] == 26
    assert report["tasks"]["quote_type"]["accuracy"] > 0.8
    assert report["metadata"]["model"].startswith("rule baseline")
    assert (out / "seed-train" / "confusion_stance.png").is_file()
