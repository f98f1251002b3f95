"""`quotestance predict` (scripts/predict.py): every input kind, both output formats, bad
input and exit codes."""

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quotestance.errors import exit_status
from quotestance.segment import Segmenter, parse_article

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def predict():
    """The command's module, run in-process (an interpreter per call would dominate)."""
    from quotestance.commands import predict

    return predict


@pytest.fixture(scope="module")
def model_dir(tiny_checkpoint) -> Path:
    return tiny_checkpoint


@pytest.fixture(scope="module")
def seed_sentences(seed_article_path) -> int:
    text = seed_article_path.read_text(encoding="utf-8")
    return len(Segmenter().segment(parse_article(text, "seed")))


def run(predict, capsys, *argv) -> tuple[int, str, str]:
    status = exit_status(predict.main, [*map(str, argv), "--no-progress"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_seed_to_jsonl(predict, capsys, model_dir, seed_article_path, seed_sentences, tmp_path):
    output = tmp_path / "out" / "seed.jsonl"
    status, out, err = run(predict, capsys, "--model", model_dir, seed_article_path, "--output", output)
    assert status == 0 and out == ""
    results = read_jsonl(output)
    text = seed_article_path.read_text(encoding="utf-8")
    assert len(results) == seed_sentences
    assert all(text[r["start"] : r["end"]] == r["text"] for r in results)
    assert {r["doc_id"] for r in results} == {seed_article_path.stem}
    assert f"labelled {seed_sentences} sentences" in err
    assert [p.name for p in output.parent.iterdir()] == ["seed.jsonl"]  # no temporary file left


def test_seed_to_csv(predict, capsys, model_dir, seed_article_path, seed_sentences, tmp_path):
    output = tmp_path / "seed.csv"
    status, _, _ = run(
        predict,
        capsys,
        "--model",
        model_dir,
        seed_article_path,
        "--output",
        output,
        "--format",
        "csv",
        "--batch-size",
        "4",
    )
    assert status == 0
    with output.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == seed_sentences
    for row in rows:
        probs = [float(row[f"stance_prob_{label}"]) for label in ("conflictual", "cooperative", "neutral")]
        assert abs(sum(probs) - 1) < 1e-4
        assert row["source_actor"] and "source" in row and "quote_type_prob_mixed" in row


def test_jsonl_to_stdout_and_stdin_article(predict, capsys, model_dir, tmp_path, monkeypatch):
    sentences = tmp_path / "sentences.jsonl"
    sentences.write_text(
        json.dumps({"text": "Trump said so.", "id": "a"})
        + "\n"
        + json.dumps({"text": "He left.", "doc_id": "d2"})
        + "\n",
        encoding="utf-8",
    )
    status, out, _ = run(predict, capsys, "--model", model_dir, sentences)
    assert status == 0
    assert [(r["id"], r["doc_id"]) for r in map(json.loads, out.splitlines())] == [
        ("a", "sentences"),
        ("d2:0", "d2"),
    ]

    article = "WASHINGTON (Reuters) - Trump said so. He left.\n\nThey spoke."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(article.encode("utf-8"))))
    status, out, _ = run(predict, capsys, "--model", model_dir, "-")
    results = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [r["text"] for r in results] == ["Trump said so.", "He left.", "They spoke."]
    assert all(article[r["start"] : r["end"]] == r["text"] and r["doc_id"] == "stdin" for r in results)


def test_folder_with_bad_files_labels_the_good_ones(
    predict, capsys, caplog, model_dir, seed_article_path, seed_sentences, tmp_path, monkeypatch
):
    folder = tmp_path / "articles"
    (folder / "more").mkdir(parents=True)
    shutil.copy(seed_article_path, folder / "more" / "seed.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)))
    (folder / "latin1.txt").write_bytes("Caf\xe9 diplomacy.".encode("latin-1"))
    (folder / "page.txt").write_text("<html><head><title>News</title></head></html>", encoding="utf-8")
    (folder / "directory.txt").mkdir()
    (folder / "locked.txt").write_text("Locked.", encoding="utf-8")
    (folder / "long.txt").write_text("blah " * 20_000, encoding="utf-8")
    read_bytes = Path.read_bytes

    def unreadable(path):
        if path.name == "locked.txt":  # chmod 000 does not stop root, who runs the tests
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    output = tmp_path / "out.jsonl"
    status, _, err = run(predict, capsys, "--model", model_dir, folder, "--output", output)
    assert status == 0
    results = read_jsonl(output)
    assert [r["doc_id"] for r in results] == ["long"] + ["more/seed"] * seed_sentences
    assert len(results[0]["text"]) == 99_999  # the 100,000 characters, trailing space trimmed
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    assert sorted(Path(line.split(": ")[1]).name for line in skipped) == [
        "binary.txt",
        "directory.txt",
        "empty.txt",
        "latin1.txt",
        "locked.txt",
        "page.txt",
    ]
    # The long sentence's warning goes through logging (pytest captures it; a shell sees stderr).
    assert "long.txt (sentence 0): a sentence of 99999 characters" in caplog.text
    assert "first 2048 characters" in caplog.text


def test_nothing_labelled_exits_non_zero_and_writes_nothing(predict, capsys, model_dir, tmp_path):
    empty, html = tmp_path / "empty.txt", tmp_path / "page.html"
    empty.write_text("")
    html.write_text("<!doctype html>\n<p>text</p>")
    output = tmp_path / "out.jsonl"
    status, _, err = run(predict, capsys, "--model", model_dir, empty, html, "--output", output)
    assert status == 1 and not output.exists()
    assert f"skipped: {empty}: empty" in err and f"skipped: {html}: an HTML page" in err
    assert "nothing to label" in err
    # An article that is only a date header has no sentences: nothing labelled either.
    header_only = tmp_path / "header.txt"
    header_only.write_text("date 2018-12-04\n")
    status, _, err = run(predict, capsys, "--model", model_dir, header_only, "--output", output)
    assert status == 1 and not output.exists() and "no sentences" in err


def test_bad_checkpoint_exits_2(predict, capsys, seed_article_path, tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "bert"}')
    status, _, err = run(predict, capsys, "--model", tmp_path, seed_article_path)
    assert status == 2 and "another project" in err and "config.json" in err


def test_the_script_runs_from_a_shell(model_dir, tmp_path):
    article = "Trump said Pakistan must do more. It denied that.\n"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "predict.py"),
            "--model",
            str(model_dir),
            "-",
            "--quantize",
            "int8",
            "--format",
            "csv",
        ],
        input=article,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [row["text"] for row in rows] == ["Trump said Pakistan must do more.", "It denied that."]
