"""Comparing reports: side by side, significant differences marked, other test data refused."""

import subprocess
import sys

import pytest

from quotestance.evaluation import evaluate
from quotestance.report import ReportMismatchError, compare_reports, write_report
from quotestance.schema import empty_record

LABELS = ["direct", "indirect", "mixed", "none"]


def gold_records(count):
    return [
        empty_record(
            id=f"t:d:{i}", corpus="t", doc_id="d", sent_index=i, text=f"s {i}", quote_type=LABELS[i % 4]
        )
        for i in range(count)
    ]


def predictions(gold, wrong_every):
    return [
        {"id": r["id"], "quote_type": LABELS[(i + 1) % 4] if i % wrong_every == 0 else r["quote_type"]}
        for i, r in enumerate(gold)
    ]


def test_side_by_side_with_marked_difference():
    gold = gold_records(40)
    good = evaluate(gold, predictions(gold, 20), bootstrap_samples=200)
    poor = evaluate(gold, predictions(gold, 2), bootstrap_samples=200)
    table = compare_reports([("good", good), ("poor", poor)])
    row = next(line for line in table.splitlines() if line.startswith("| quote_type macro-F1"))
    assert "good" in table and "poor (Δ)" in table
    assert "*)" in row  # far outside the interval
    same = compare_reports([("good", good), ("again", good)])
    row = next(line for line in same.splitlines() if line.startswith("| quote_type macro-F1"))
    assert "(+0.000)" in row


def test_different_test_data_is_refused(tmp_path, root):
    first, second = gold_records(8), gold_records(9)
    a = evaluate(first, predictions(first, 2), bootstrap_samples=0)
    b = evaluate(second, predictions(second, 2), bootstrap_samples=0)
    with pytest.raises(ReportMismatchError, match="different test data"):
        compare_reports([("a", a), ("b", b)])
    write_report(a, predictions(first, 2), first, tmp_path / "a")
    write_report(b, predictions(second, 2), second, tmp_path / "b")
    result = subprocess.run(
        [
            sys.executable,
            "scripts/compare_reports.py",
            str(tmp_path / "a"),
            str(tmp_path / "b" / "report.json"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "different test data" in result.stderr


def test_script_writes_markdown(tmp_path, root):
    gold = gold_records(8)
    for name, every in (("a", 2), ("b", 3)):
        report = evaluate(gold, predictions(gold, every), bootstrap_samples=50)
        write_report(report, predictions(gold, every), gold, tmp_path / name)
    output = tmp_path / "cmp.md"
    result = subprocess.run(
        [
            sys.executable,
            "scripts/compare_reports.py",
            str(tmp_path / "a"),
            str(tmp_path / "b"),
            "--output",
            str(output),
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "| quote_type accuracy |" in output.read_text()
    assert output.read_text() + "\n" == result.stdout
