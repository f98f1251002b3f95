"""The seed's gold annotations load and validate; corrupted copies fail with useful errors."""

import hashlib
import json
import shutil

import pytest

from quotestance.annotations import (
    FIELDS,
    AnnotationError,
    load_annotations,
    seed_records,
)
from quotestance.labels import QUOTE_TYPES, STANCES
from quotestance.schema import FEATURES
from quotestance.segment import Segmenter, read_article

SEED_DOC_ID = "000_1297e1fb3493ea23"


@pytest.fixture(scope="module")
def gold_path(root):
    return root / "data" / "annotations" / f"{SEED_DOC_ID}.jsonl"


@pytest.fixture(scope="module")
def sentences(seed_article_path):
    return Segmenter().segment(read_article(seed_article_path))


@pytest.fixture(scope="module")
def gold_fingerprint(gold_path):
    """Taken before any test here runs, compared by the last test."""
    return hashlib.sha256(gold_path.read_bytes()).hexdigest(), gold_path.stat().st_mtime_ns


@pytest.fixture
def copy_dirs(tmp_path, root, gold_path, gold_fingerprint):
    """A raw/ and annotations/ pair in a temporary folder, for corrupting."""
    raw, annotations = tmp_path / "raw", tmp_path / "annotations"
    raw.mkdir()
    annotations.mkdir()
    shutil.copy(root / "data" / "raw" / f"{SEED_DOC_ID}.txt", raw)
    shutil.copy(gold_path, annotations)
    return raw, annotations


def read_lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_line(path, index, change):
    lines = read_lines(path)
    record = json.loads(lines[index])
    change(record)
    lines[index] = json.dumps(record, ensure_ascii=False)
    write_lines(path, lines)


def errors_of(path, sentences):
    with pytest.raises(AnnotationError) as caught:
        load_annotations(path, sentences)
    return caught.value.errors


def test_seed_annotations_load_and_validate(root, sentences):
    records = seed_records(root / "data" / "raw", root / "data" / "annotations")
    assert len(records) == len(sentences) == 26
    for record, sentence in zip(records, sentences):
        assert set(record) == set(FEATURES)
        assert record["id"] == f"seed:{SEED_DOC_ID}:{sentence.sent_index}"
        assert record["text"] == sentence.text and record["is_caption"] == sentence.is_caption
        assert record["spans_labelled"] and record["split"] == "" and record["fold"] == -1
        assert record["quote_type"] in QUOTE_TYPES and record["stance"] in STANCES
        assert record["event_mode"] is None  # the seed does not label it
        for field in ("source_spans", "cue_spans", "content_spans"):
            for span in record[field]:
                assert set(span) == {"start", "end"} and 0 <= span["start"] < span["end"] <= len(
                    record["text"]
                )
    assert [r["sent_index"] for r in records if r["is_caption"]] == [1, 22]
    assert records[0]["context"] == ""
    # The context is the previous sentence, skipping photo captions: "He defended..."
    # (23) follows the caption about Imran Khan (22) but continues the Trump sentence (21).
    assert records[2]["context"] == records[0]["text"]
    assert records[23]["context"] == records[21]["text"]
    assert all(r["context"] == p["text"] for p, r in zip(records, records[1:]) if not p["is_caption"])


def test_every_gold_line_has_every_field(gold_path):
    for line in read_lines(gold_path):
        assert list(json.loads(line)) == list(FIELDS)


def test_hard_cases_are_labelled_as_the_guidelines_say(gold_path, sentences):
    gold = load_annotations(gold_path, sentences)
    alone = gold[16]  # “It is time for everyone to get on board.”
    assert (alone["quote_type"], alone["source"], alone["source_resolved"]) == ("direct", [], "Jim Mattis")
    assert (
        gold[20]["source"][0]["text"] == "It" and gold[20]["source_resolved"] == "Pakistan foreign ministry"
    )
    assert gold[23]["source_resolved"] == "Donald Trump"
    assert gold[10]["quote_type"] == "none" and gold[10]["source_actor"] == "NONE"


def test_unknown_label_names_file_line_and_choices(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    edit_line(path, 3, lambda record: record.update(stance="hostile"))
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:4: unknown stance 'hostile'")
    assert "use one of ['conflictual', 'cooperative', 'neutral']" in error


def test_bad_actor_code_is_an_error(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    edit_line(path, 0, lambda record: record.update(source_actor="usa"))
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:1: source_actor 'usa' is not an actor code")


def test_shifted_span_reports_where_the_text_is(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"

    def shift(record):
        record["cue"][0]["start"] += 1
        record["cue"][0]["end"] += 1

    edit_line(path, 20, shift)  # "It added that ...": cue "added" at [3, 8)
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:21: cue[0] text 'added' does not match the sentence slice 'dded '")
    assert "the text is at [3, 8): fix start and end" in error


@pytest.mark.parametrize("value", [None, 42])
def test_sentence_text_that_is_not_a_string_is_an_error(copy_dirs, sentences, value):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    edit_line(path, 9, lambda record: record.update(text=value))
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:10: text must be a string, got {value!r}")
    assert "copy the sentence text 'Pakistani officials deny" in error


@pytest.mark.parametrize("value", [None, 5])
def test_span_text_that_is_not_a_string_is_an_error(copy_dirs, sentences, value):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    edit_line(path, 20, lambda record: record["cue"][0].update(text=value))  # "added" at [3, 8)
    (error,) = errors_of(path, sentences)
    assert error == (
        f"{path}:21: cue[0] text must be a string, got {value!r}; "
        "set it to the characters the span covers, 'added'"
    )


def test_span_outside_the_sentence_is_an_error(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    edit_line(path, 11, lambda record: record["content"][0].update(end=10_000))
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:12: content[0] [") and "is outside the sentence" in error


def test_dropped_line_names_the_missing_sentence_and_where_it_goes(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    lines = read_lines(path)
    write_lines(path, lines[:7] + lines[8:])
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}: no annotation for sentence 7 ('Officially allies in fighting terrorism")
    assert error.endswith("add its line after line 7")


def test_duplicated_line_names_both_lines(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    lines = read_lines(path)
    write_lines(path, lines[:6] + [lines[5]] + lines[6:])
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:7: duplicated sent_index 5 (also on line 6)")


def test_text_drift_is_caught(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    edit_line(path, 9, lambda record: record.update(text=record["text"].replace("deny", "denied")))
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:10: text drift at sentence 9")
    assert "re-check this line's spans and labels" in error


def test_sentence_the_segmenter_no_longer_produces(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    lines = read_lines(path)
    extra = json.loads(lines[-1])
    extra["sent_index"] = len(sentences)
    write_lines(path, lines + [json.dumps(extra, ensure_ascii=False)])
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:27: sent_index 26 is a sentence the segmenter no longer produces")


def test_all_problems_are_reported_together(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    lines = read_lines(path)
    lines[2] = "{not json"
    lines[4] = lines[4].replace('"doc_id"', '"docid"')
    write_lines(path, lines)
    edit_line(path, 6, lambda record: record.update(quote_type="quoted"))
    errors = errors_of(path, sentences)
    places = [error.split(": ")[0] for error in errors]
    assert places == [f"{path}:3", f"{path}:5", f"{path}:5", f"{path}:7", str(path), str(path)]
    assert "not valid JSON" in errors[0] and "missing field(s) ['doc_id']" in errors[1]
    assert "unknown field(s) ['docid']" in errors[2] and "unknown quote_type 'quoted'" in errors[3]
    # The two unreadable lines leave their sentences unannotated: reported too, not dropped.
    assert "no annotation for sentence 2 " in errors[4] and "no annotation for sentence 4 " in errors[5]


def test_none_with_attribution_labels_is_inconsistent(copy_dirs, sentences):
    path = copy_dirs[1] / f"{SEED_DOC_ID}.jsonl"
    edit_line(path, 14, lambda record: record.update(quote_type="none"))
    (error,) = errors_of(path, sentences)
    assert error.startswith(f"{path}:15: quote_type is none but the line has attribution labels")


def test_article_without_annotations_is_an_error(copy_dirs):
    raw, annotations = copy_dirs
    (annotations / f"{SEED_DOC_ID}.jsonl").unlink()
    with pytest.raises(AnnotationError) as caught:
        seed_records(raw, annotations)
    (error,) = caught.value.errors
    assert error.startswith(str(raw / f"{SEED_DOC_ID}.txt")) and "scripts/preannotate.py" in error


def test_gold_file_is_never_written(gold_path, gold_fingerprint, sentences):
    load_annotations(gold_path, sentences)
    assert (
        hashlib.sha256(gold_path.read_bytes()).hexdigest(),
        gold_path.stat().st_mtime_ns,
    ) == gold_fingerprint
