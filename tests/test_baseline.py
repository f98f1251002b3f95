"""The rule baseline on the seed's clear cases, pre-annotation, and evaluate.py end to end."""

import json
import shutil
import subprocess
import sys

import pytest

from quotestance.annotations import load_annotations, seed_records
from quotestance.baseline import attribute, predict_records
from quotestance.preannotate import write_preannotations
from quotestance.quotes import quotation_spans
from quotestance.segment import Segmenter, read_article


@pytest.fixture(scope="module")
def seed(root):
    records = seed_records(root / "data" / "raw", root / "data" / "annotations")
    return {r["sent_index"]: r for r in records}, predict_records(records)


def spans(record, prediction, field):
    return [record["text"][s["start"] : s["end"]] for s in prediction[field]]


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
    assert record["anonymous"] is prediction["anonymous"] is False


def test_unnamed_source_is_anonymous(seed):
    record, prediction = by_text(seed, "Pakistani officials")
    assert record["anonymous"] is prediction["anonymous"] is True


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
    assert quotation_spans(text) == [(0, 20)]
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
    result = subprocess.run(
        [sys.executable, "scripts/preannotate.py", str(seed_article_path), "--output", str(tmp_path)],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "refusing to overwrite" in result.stderr


def test_preannotation_refuses_two_articles_with_one_name(seed_article_path, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(seed_article_path, tmp_path / folder / "x.txt")
    out = tmp_path / "drafts"
    with pytest.raises(ValueError, match=r"a/x.txt and .*b/x.txt would both be drafted to .*x.jsonl"):
        write_preannotations([tmp_path / "a", tmp_path / "b" / "x.txt"], out)
    assert not out.exists() or not list(out.iterdir())


def test_preannotation_writes_nothing_when_one_article_is_bad(seed_article_path, tmp_path):
    inputs = tmp_path / "articles"
    inputs.mkdir()
    shutil.copy(seed_article_path, inputs / "a_good.txt")
    (inputs / "b_latin1.txt").write_bytes("Caf\xe9 talks, Trump said.".encode("latin-1"))
    shutil.copy(seed_article_path, inputs / "c_good.txt")
    out = tmp_path / "drafts"
    with pytest.raises(ValueError, match=r"b_latin1.txt: cannot be drafted .*not UTF-8.*nothing was written"):
        write_preannotations([inputs], out)
    assert not out.exists() or not list(out.iterdir())
    # Once the bad article is gone, the same command runs: nothing was left to block it.
    (inputs / "b_latin1.txt").unlink()
    written = write_preannotations([inputs], out)
    assert (
        sorted(p.name for p in out.iterdir()) == ["a_good.jsonl", "c_good.jsonl"] == [p.name for p in written]
    )
    sentences = Segmenter().segment(read_article(seed_article_path))
    assert [len(p.read_text().splitlines()) for p in written] == [len(sentences)] * 2
    assert written[0].stat().st_mode & 0o644 == 0o644  # an ordinary file, not a private temporary


def test_preannotation_leaves_no_file_when_a_target_appears_meanwhile(
    seed_article_path, tmp_path, monkeypatch
):
    import quotestance.preannotate as preannotate

    inputs = tmp_path / "articles"
    inputs.mkdir()
    for name in ("a", "b"):
        shutil.copy(seed_article_path, inputs / f"{name}.txt")
    out = tmp_path / "drafts"
    draft = preannotate.preannotate_article

    def draft_then_race(path, table=None):
        lines = draft(path, table)
        if path.stem == "b":  # another process writes b.jsonl after the check
            out.mkdir(exist_ok=True)
            (out / "b.jsonl").write_text("theirs\n")
        return lines

    monkeypatch.setattr(preannotate, "preannotate_article", draft_then_race)
    with pytest.raises(FileExistsError, match="b.jsonl"):
        write_preannotations([inputs], out)
    assert sorted(p.name for p in out.iterdir()) == ["b.jsonl"]
    assert (out / "b.jsonl").read_text() == "theirs\n"


def evaluate_script(root, tmp_path, *options):
    """scripts/evaluate.py with the baseline, its dataset built into tmp_path."""
    return subprocess.run(
        [
            sys.executable,
            "scripts/evaluate.py",
            "--baseline",
            "--config",
            "configs/seed.yaml",
            "--split",
            "train",
            "--output",
            str(tmp_path / "reports"),
            "--train.bootstrap_samples=100",
            f"--data.processed_dir={tmp_path / 'processed'}",
            f"--data.cache_dir={tmp_path / 'cache'}",
            *options,
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )


def test_evaluate_script_with_the_baseline_on_the_seed(root, tmp_path):
    result = evaluate_script(root, tmp_path, "--train.seed=7")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "reports" / "seed-train"
    report = json.loads((out / "report.json").read_text())
    assert report["data"]["records"] == 26
    assert report["tasks"]["quote_type"]["accuracy"] > 0.8
    assert report["bootstrap"]["seed"] == 7  # train.seed, as training's reports use
    metadata = report["metadata"]
    assert metadata["model"].startswith("rule baseline")
    assert metadata["config_file"] == "configs/seed.yaml"
    assert metadata["config"]["train"]["seed"] == 7
    assert metadata["data"] == {"processed_dir": str(tmp_path / "processed"), "sources": ["seed"]}
    assert {"git", "packages", "device"} <= set(metadata["provenance"])
    assert "<details><summary>config</summary>" in (out / "report.md").read_text()
    assert (out / "confusion_stance.png").is_file()


def test_evaluate_script_names_a_missing_corpus_and_bad_annotations(root, tmp_path):
    result = evaluate_script(
        root, tmp_path, "--data.sources=[polnear]", f"--data.corpora_dir={tmp_path / 'no_corpora'}"
    )
    assert result.returncode == 2
    assert "corpus not found" in result.stderr and "no_corpora" in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / "no_articles").mkdir()
    result = evaluate_script(root, tmp_path, f"--data.raw_dir={tmp_path / 'no_articles'}")
    assert result.returncode == 2
    assert "no *.txt articles" in result.stderr and "Traceback" not in result.stderr
