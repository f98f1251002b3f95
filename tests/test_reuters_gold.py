"""The Reuters gold set: the annotation-round tools and the `reuters` source, on the
real stored annotations and the ISOT corpus (damaged copies for the bad cases)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from quotestance.config import load_config
from quotestance.corpora.isot import doc_id_of, read_pool
from quotestance.corpora.reuters import ReutersGoldError, article_split, reuters_records
from quotestance.dataset import build_dataset
from quotestance.gold_rounds import (
    GoldError,
    agreement,
    check_filled,
    disagreements,
    packet_article,
    read_stored,
    sentence_hash,
    stored_lines,
    write_new,
)
from quotestance.selection import SelectionRule, candidates, select_by_rule

pytestmark = pytest.mark.corpora


@pytest.fixture(scope="module")
def gold_dir(root) -> Path:
    path = root / "data" / "annotations" / "reuters" / "gold"
    assert sorted(path.glob("*.jsonl")), "the repository ships adjudicated Reuters gold files"
    return path


@pytest.fixture(scope="module")
def pool(corpora_dir):
    return {row["id"]: row for row in read_pool(corpora_dir)}


@pytest.fixture()
def gold_copy(gold_dir, tmp_path) -> Path:
    copy = tmp_path / "gold"
    shutil.copytree(gold_dir, copy)
    return copy


def test_gold_records_meet_the_corpus_text_and_carry_no_text_in_the_repo(gold_dir, corpora_dir, root):
    records, stats = reuters_records(corpora_dir, gold_dir, split_seed=13)
    lines = sum(len(read_stored(p)) for p in gold_dir.glob("*.jsonl"))
    assert len(records) == lines and stats["articles"] == len(list(gold_dir.glob("*.jsonl")))
    by_doc = {}
    for record in records:
        by_doc.setdefault(record["doc_id"], set()).add(record["split"])
        for field in ("source_spans", "cue_spans", "content_spans"):
            for span in record[field]:
                assert 0 <= span["start"] < span["end"] <= len(record["text"])
    assert all(len(splits) == 1 for splits in by_doc.values())  # an article is in one split
    # No sentence text is stored in the repository's annotation files.
    longest = max(records, key=lambda r: len(r["text"]))["text"]
    for path in (root / "data" / "annotations" / "reuters").rglob("*.jsonl"):
        assert longest[:40] not in path.read_text(encoding="utf-8")


def test_article_splits_are_stable_and_near_70_10_20():
    splits = [article_split(f"doc-{i}", 13) for i in range(2000)]
    shares = {s: splits.count(s) / len(splits) for s in ("train", "validation", "test")}
    assert abs(shares["train"] - 0.7) < 0.04 and abs(shares["test"] - 0.2) < 0.04
    assert article_split("doc-7", 13) == splits[7]  # a function of (seed, doc_id) only


def _rewrite_first_line(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    line = json.loads(lines[0])
    edit(line)
    lines[0] = json.dumps(line)
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda line: line.update(sha="000000000000"), ":1: does not match sentence 0 of"),
        (lambda line: line.update(stance="friendly"), ":1: unknown stance 'friendly'"),
        (lambda line: line.update(source=[{"start": 0, "end": 10_000}]), ":1: source span"),
        (lambda line: line.update(article_id="isot_true9.csv:1"), ":1: article 'isot_true9.csv:1' is not in"),
    ],
    ids=["hash", "label", "span", "article"],
)
def test_bad_gold_lines_name_file_line_and_fix(gold_copy, corpora_dir, edit, message):
    path = sorted(gold_copy.glob("*.jsonl"))[0]
    _rewrite_first_line(path, edit)
    with pytest.raises(ReutersGoldError) as raised:
        reuters_records(corpora_dir, gold_copy, split_seed=13)
    assert f"{path}{message}" in str(raised.value)


def test_a_bad_gold_line_stops_the_build_before_anything_is_written(root, gold_copy, corpora_dir, tmp_path):
    _rewrite_first_line(sorted(gold_copy.glob("*.jsonl"))[0], lambda line: line.update(quote_type="quoted"))
    config = load_config(
        root / "configs" / "seed.yaml",
        [
            "--data.sources=[reuters]",
            f"--data.reuters_gold_dir={gold_copy}",
            f"--data.corpora_dir={corpora_dir}",
            f"--data.processed_dir={tmp_path / 'out'}",
        ],
    )
    with pytest.raises(ReutersGoldError, match="unknown quote_type 'quoted'"):
        build_dataset(config)
    assert not (tmp_path / "out").exists()


def test_masked_fields_stay_unset(gold_copy, corpora_dir):
    path = sorted(gold_copy.glob("*.jsonl"))[0]
    _rewrite_first_line(path, lambda line: line.update(stance=None, content=None))
    records, stats = reuters_records(corpora_dir, gold_copy, split_seed=13)
    first = next(r for r in records if r["doc_id"] == path.stem and r["sent_index"] == 0)
    assert first["stance"] is None and first["spans_labelled"] is False and stats["masked_fields"] == 1


def test_the_selection_rule_is_reproducible_and_excludes_earlier_rounds(corpora_dir, root):
    from quotestance.actors import default_table

    rows = read_pool(corpora_dir)
    table = default_table()
    eligible = candidates(rows, table, SelectionRule())
    assert len(eligible) >= 120  # enough for the 120 articles
    first = select_by_rule(rows, table, SelectionRule(), 5, 13, set())
    again = select_by_rule(rows, table, SelectionRule(), 5, 13, set())
    later = select_by_rule(rows, table, SelectionRule(), 5, 13, {c.article_id for c in first})
    assert [c.article_id for c in first] == [c.article_id for c in again]
    assert not {c.article_id for c in first} & {c.article_id for c in later}
    round1 = json.loads((root / "data/annotations/reuters/selection-round1.json").read_text())
    assert round1["seed"] == 13 and round1["rule"]["min_relation_terms"] == SelectionRule().min_relation_terms


def test_a_filled_file_is_checked_stored_without_text_and_never_overwritten(pool, gold_dir, tmp_path):
    stored = read_stored(sorted(gold_dir.glob("*.jsonl"))[0])
    article = packet_article(pool[stored[0]["article_id"]], doc_id_of(stored[0]["article_id"]))
    # An annotator's filled file, spans written as exact substrings.
    filled = []
    for line, sentence in zip(stored, article.sentences):
        row = {"sent_index": sentence.sent_index, "text": sentence.text, "is_caption": sentence.is_caption}
        for key in ("quote_type", "source_resolved", "source_actor", "anonymous", "stance", "stance_target"):
            row[key] = line[key]
        for key in ("source", "cue", "content"):
            row[key] = [
                {"start": s["start"], "end": s["end"], "text": sentence.text[s["start"] : s["end"]]}
                for s in line[key]
            ]
        filled.append(row)
    path = tmp_path / f"{article.doc_id}.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in filled) + "\n", encoding="utf-8")
    lines = stored_lines(check_filled(path, article), article)
    assert lines == stored
    assert all(line["sha"] == sentence_hash(s.text) for line, s in zip(lines, article.sentences))
    target = tmp_path / "a" / path.name
    write_new(target, lines)
    before = target.read_bytes()
    with pytest.raises(GoldError, match="already exists; annotations are never overwritten"):
        write_new(target, lines[:1])
    assert target.read_bytes() == before

    filled[0]["stance"] = "hostile"
    filled[1]["text"] = "changed"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in filled) + "\n", encoding="utf-8")
    with pytest.raises(GoldError) as raised:
        check_filled(path, article)
    assert f"{path}:1: unknown stance 'hostile'" in str(raised.value)
    assert f"{path}:2: the text of sentence 1 was changed" in str(raised.value)


def test_agreement_and_disagreements_on_the_stored_double_annotations(root):
    base = root / "data" / "annotations" / "reuters"
    pairs = [(read_stored(a), read_stored(base / "b" / a.name)) for a in sorted((base / "a").glob("*.jsonl"))]
    result = agreement(pairs)
    assert result["sentences"] == sum(len(a) for a, _ in pairs)
    assert all(-1 <= result[f]["kappa"] <= 1 for f in ("quote_type", "stance", "source_actor"))
    identical = agreement([(a, a) for a, _ in pairs])
    assert identical["stance"]["kappa"] == 1.0 and disagreements(pairs[0][0], pairs[0][0]) == []
    found = sum(len(disagreements(a, b)) for a, b in pairs)
    assert found > 0  # two independent readings never agree on everything


def test_uncertainty_ranks_articles_by_mean_entropy_and_skips_excluded(tiny_checkpoint, corpora_dir):
    from quotestance.inference import Labeler
    from quotestance.selection import entropy, rank_by_uncertainty

    assert entropy({"a": 0.5, "b": 0.5}) == pytest.approx(1.0) and entropy({"a": 1.0, "b": 0.0}) == 0.0
    rows = read_pool(corpora_dir)[:6]
    labeler = Labeler.from_pretrained(tiny_checkpoint, actors=None)
    ranked = rank_by_uncertainty(rows, labeler, {rows[0]["id"]}, n=3, sentences=(1, 1000))
    assert len(ranked) == 3 and rows[0]["id"] not in {c.article_id for c in ranked}
    scores = [c.relation_terms for c in ranked]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_the_full_config_trains_on_reuters_with_its_weight(root):
    config = load_config(root / "configs" / "full.yaml")
    assert "reuters" in config.data.sources and config.data.source_weights["reuters"] > 1


def test_resolution_errors_are_listed_beside_label_errors():
    from quotestance.report import misclassified

    gold = [
        {
            "id": "r:1",
            "corpus": "reuters",
            "text": "Islamabad said it would help.",
            "quote_type": "indirect",
            "stance": "cooperative",
            "source_actor": "PAK",
            "source_resolved": "Pakistan government",
            "stance_target": "USA",
            "event_mode": None,
        }
    ]
    prediction = {
        "id": "r:1",
        "quote_type": "indirect",
        "stance": "cooperative",
        "source_actor": "OTHER",
        "source_resolved": "Pakistan government",
        "stance_target": None,
        "source_spans": [{"start": 0, "end": 9}],
    }
    errors = misclassified([prediction], gold)
    assert [(e["task"], e["gold"], e["predicted"]) for e in errors] == [
        ("source_actor", "PAK", "OTHER"),
        ("stance_target", "USA", None),
    ]
    assert errors[0]["predicted_source"] == ["Islamabad"]
