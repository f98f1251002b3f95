"""Labeler: a tiny random checkpoint on the seed article, refused checkpoints, bad input."""

import json
import logging
import math
import re
import shutil
from pathlib import Path

import pytest
import torch

from quotestance.checkpoint import CheckpointError, check_checkpoint
from quotestance.inference import Labeler, first_source
from quotestance.io import Document, read_inputs
from quotestance.labels import ACTOR_CODE_PATTERN
from quotestance.segment import Segmenter, parse_article

TASKS = ["quote_type", "stance", "spans"]
ACTORS_YAML = "actors:\n  ZZZ:\n    - Zed Zorro\n  QQQ:\n    - Quux ministry\n"


@pytest.fixture(scope="session")
def checkpoint(tiny_checkpoint) -> Path:
    return tiny_checkpoint


@pytest.fixture(scope="session")
def actors_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("actors") / "actors.yaml"
    path.write_text(ACTORS_YAML, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def labeler(checkpoint, actors_path) -> Labeler:
    return Labeler.from_pretrained(checkpoint, device="cpu", batch_size=8, actors=actors_path)


@pytest.fixture(scope="session")
def seed_text(seed_article_path) -> str:
    return seed_article_path.read_text(encoding="utf-8")


def assert_result_shape(result: dict, model_tasks=("quote_type", "stance")) -> None:
    for key in (
        "id",
        "doc_id",
        "sent_index",
        "text",
        "start",
        "end",
        "is_caption",
        "source",
        "cue",
        "content",
        "source_resolved",
        "source_actor",
        "anonymous",
    ):
        assert key in result, key
    for task in model_tasks:
        probs = result[f"{task}_probs"]
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-4)
        assert result[task] == max(probs, key=probs.get)
    for field in ("source", "cue", "content"):
        for span in result[field]:
            assert result["text"][span["start"] : span["end"]] == span["text"]


def test_label_article_on_the_seed(labeler, seed_text):
    results = labeler.label_article(seed_text, doc_id="seed")
    sentences = Segmenter().segment(parse_article(seed_text, "seed"))
    assert [r["sent_index"] for r in results] == list(range(len(sentences)))
    assert [r["text"] for r in results] == [s.text for s in sentences]
    for result in results:
        assert_result_shape(result)
        assert seed_text[result["start"] : result["end"]] == result["text"]
        assert result["doc_id"] == "seed"
    captions = [r["text"] for r in results if r["is_caption"]]
    assert len(captions) == 2 and all("REUTERS/" in c for c in captions)
    for result in results:
        # A code of the table, OTHER, or NONE exactly where the sentence has no source.
        assert re.match(ACTOR_CODE_PATTERN, result["source_actor"]), result["source_actor"]
        assert (result["source_actor"] == "NONE") == (result["source_resolved"] is None)
        if first_source(result["text"], result["source"]):
            assert result["source_resolved"] is not None


def recorded_contexts(labeler, monkeypatch) -> dict[str, str]:
    """Make the predictor remember the context it is given for each sentence."""
    seen = {}
    predict = labeler.predictor.predict

    def predict_and_record(texts, contexts=None, progress=None):
        seen.update(zip(texts, contexts))
        return predict(texts, contexts, progress)

    monkeypatch.setattr(labeler.predictor, "predict", predict_and_record)
    return seen


def test_article_contexts_skip_captions_as_in_training(labeler, seed_text, monkeypatch):
    seen = recorded_contexts(labeler, monkeypatch)
    results = labeler.label_article(seed_text, doc_id="seed")
    defended = next(r for r in results if r["text"].startswith("He defended"))
    caption = results[defended["sent_index"] - 1]
    assert caption["is_caption"] and "Imran Khan" in caption["text"]
    # The sentence before the caption, as segment.contexts gives it to training.
    assert seen[defended["text"]].startswith("Last month, Trump said")
    assert seen[caption["text"]] == seen[defended["text"]]
    assert seen[results[0]["text"]] == ""


def test_split_sentences_contexts_skip_captions_too(labeler, monkeypatch):
    sentences = [
        "Trump said Pakistan must act.",
        "Imran Khan speaks in Islamabad, Pakistan July 1, 2018. REUTERS/Someone Else",
        "He defended cutting aid.",
    ]
    seen = recorded_contexts(labeler, monkeypatch)
    results = labeler.label_sentences(sentences)
    assert [r["is_caption"] for r in results] == [False, True, False]
    assert [seen[s] for s in sentences] == ["", sentences[0], sentences[0]]


def test_label_sentences_uses_the_previous_sentence_as_context(labeler):
    sentences = ["Trump said Pakistan must act.", "He wants more help.", "Officials agreed."]
    default = labeler.label_sentences(sentences)
    explicit = labeler.label_sentences(sentences, contexts=["", *sentences[:-1]])
    other = labeler.label_sentences(sentences, contexts=["", "Nothing at all.", "Nothing at all."])
    assert [r["quote_type_probs"] for r in default] == [r["quote_type_probs"] for r in explicit]
    assert [r["stance_probs"] for r in default] != [r["stance_probs"] for r in other]
    for index, (sentence, result) in enumerate(zip(sentences, default)):
        assert_result_shape(result)
        assert (result["sent_index"], result["start"], result["end"]) == (index, 0, len(sentence))
    with pytest.raises(ValueError, match="contexts"):
        labeler.label_sentences(sentences, contexts=[""])


def fixed_spans(labeler, monkeypatch, sources: dict[str, str], quote_type: str = "indirect"):
    """Make the model predict `sources[text]` as each sentence's source span."""
    predict = labeler.predictor.predict

    def predict_with_sources(texts, contexts=None, progress=None):
        predictions = predict(texts, contexts, progress)
        for text, prediction in zip(texts, predictions):
            source = sources.get(text)
            start = text.find(source) if source else -1
            prediction["source_spans"] = [{"start": start, "end": start + len(source)}] if start >= 0 else []
            prediction["quote_type"] = quote_type
        return predictions

    monkeypatch.setattr(labeler.predictor, "predict", predict_with_sources)


def test_actor_table_codes_and_resolves_sources(labeler, monkeypatch):
    sentences = [
        "Zed Zorro said the talks had failed.",
        "He added that more was needed.",
        "The Quux ministry said it disagreed.",
        "A senior official said nothing changed.",
    ]
    fixed_spans(
        labeler,
        monkeypatch,
        {
            sentences[0]: "Zed Zorro",
            sentences[1]: "He",
            sentences[2]: "The Quux ministry",
            sentences[3]: "A senior official",
        },
    )
    results = labeler.label_sentences(sentences)
    assert [r["source"][0]["text"] for r in results] == [
        "Zed Zorro",
        "He",
        "The Quux ministry",
        "A senior official",
    ]
    assert [r["source_actor"] for r in results][:3] == ["ZZZ", "ZZZ", "QQQ"]
    assert results[1]["source_resolved"] == "Zed Zorro"
    assert [r["anonymous"] for r in results] == [False, False, False, True]


def test_predict_records_resolves_per_article_in_order(labeler, monkeypatch):
    texts = ["Zed Zorro said the talks had failed.", "He added that more was needed."]
    fixed_spans(labeler, monkeypatch, {texts[0]: "Zed Zorro", texts[1]: "He"})
    # Given out of order, and a second article whose "He" has no antecedent.
    records = [
        {"id": "a:1", "doc_id": "a", "sent_index": 1, "text": texts[1], "context": texts[0]},
        {"id": "b:0", "doc_id": "b", "sent_index": 0, "text": texts[1], "context": ""},
        {"id": "a:0", "doc_id": "a", "sent_index": 0, "text": texts[0], "context": ""},
    ]
    predictions = labeler.predict_records(records)
    assert [p["id"] for p in predictions] == ["a:1", "b:0", "a:0"]
    assert [p["source_resolved"] for p in predictions] == ["Zed Zorro", "He", "Zed Zorro"]
    assert predictions[0]["source_actor"] == "ZZZ"
    assert predictions[0]["source_spans"] == [{"start": 0, "end": 2}]


def test_a_100000_character_sentence_is_labelled_from_its_start(labeler, caplog):
    sentence = "word " * 20_000
    with caplog.at_level(logging.WARNING, logger="quotestance.inference"):
        [result] = labeler.label_sentences([sentence])
    assert result["text"] == sentence and result["end"] == len(sentence)
    assert "100000 characters" in caplog.text
    assert all(span["end"] <= labeler.max_chars for f in ("source", "cue", "content") for span in result[f])


def test_int8_labeler_gives_the_same_fields(checkpoint, actors_path, seed_text):
    quantized = Labeler.from_pretrained(checkpoint, device="cpu", quantize="int8", actors=actors_path)
    dense = quantized.predictor.model.encoder.encoder.layer[0].intermediate.dense
    assert isinstance(dense, torch.ao.nn.quantized.dynamic.Linear)
    results = quantized.label_article(seed_text)
    assert len(results) == len(Segmenter().segment(parse_article(seed_text, "x")))
    for result in results:
        assert_result_shape(result)


def test_quantize_is_cpu_only_and_int8_only(checkpoint):
    with pytest.raises(ValueError, match="int4"):
        Labeler.from_pretrained(checkpoint, quantize="int4")
    with pytest.raises(ValueError, match="cuda|CUDA"):
        Labeler.from_pretrained(checkpoint, device="cuda", quantize="int8")


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda d: (d / "config.json").unlink(), "config.json: missing"),
        (lambda d: (d / "model.safetensors").unlink(), "model.safetensors: missing"),
        (lambda d: (d / "tokenizer.json").unlink(), "tokenizer is missing"),
        (lambda d: (d / "config.json").write_text('{"model_type": "bert"}'), "another project"),
        (lambda d: (d / "config.json").write_text("{not json"), "not valid JSON"),
    ],
)
def test_damaged_checkpoints_are_refused(checkpoint, tmp_path, damage, expected):
    copy = tmp_path / "run"
    shutil.copytree(checkpoint, copy)
    damage(copy)
    with pytest.raises(CheckpointError, match=expected):
        Labeler.from_pretrained(copy)


def test_pickled_weights_are_never_loaded(checkpoint, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(checkpoint, copy)
    (copy / "model.safetensors").rename(copy / "pytorch_model.bin")
    with pytest.raises(CheckpointError, match="pytorch_model.bin: pickled weights are never loaded"):
        check_checkpoint(copy)


def test_missing_and_non_directory_checkpoints(tmp_path):
    with pytest.raises(CheckpointError, match="no such checkpoint directory"):
        check_checkpoint(tmp_path / "absent")
    (tmp_path / "file").write_text("x")
    with pytest.raises(CheckpointError, match="a file, not a checkpoint directory"):
        check_checkpoint(tmp_path / "file")


def test_read_inputs_reports_each_bad_file_and_keeps_the_good(tmp_path, seed_article_path, monkeypatch):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(seed_article_path, folder / "sub" / "seed.txt")
    (folder / "short.txt").write_text("Trump said so.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (folder / "latin1.txt").write_bytes("Caf\xe9 talks".encode("latin-1"))
    (folder / "page.txt").write_text("<!DOCTYPE html><html><body>x</body></html>", encoding="utf-8")
    (folder / "folder.txt").mkdir()
    (folder / "locked.txt").write_text("Locked away.", encoding="utf-8")
    read_bytes = Path.read_bytes

    def unreadable(path):
        if path.name == "locked.txt":  # tests run as root, for whom chmod 000 changes nothing
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    documents, problems = read_inputs([str(folder), str(tmp_path / "absent.txt")])
    assert [d.doc_id for d in documents] == ["short", "sub/seed"]
    messages = {Path(p.split(":")[0]).name: p for p in problems}
    assert set(messages) == {
        "empty.txt",
        "binary.txt",
        "latin1.txt",
        "page.txt",
        "folder.txt",
        "locked.txt",
        "absent.txt",
    }
    assert "empty" in messages["empty.txt"]
    assert "binary" in messages["binary.txt"]
    assert "not UTF-8" in messages["latin1.txt"] and "iconv" in messages["latin1.txt"]
    assert "HTML" in messages["page.txt"] and "extract the text" in messages["page.txt"]
    assert "Permission denied" in messages["locked.txt"]


def test_read_inputs_jsonl_groups_sentences_by_doc_id(tmp_path):
    path = tmp_path / "sentences.jsonl"
    lines = [
        {"text": "Trump said so.", "id": "s1"},
        {"text": "He left.", "doc_id": "other", "context": "Before."},
        "not json",
        {"id": "no text"},
        {"text": "Then he spoke."},
    ]
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n\n")
    documents, problems = read_inputs([str(path)])
    assert [(d.doc_id, [s["text"] for s in d.sentences]) for d in documents] == [
        ("sentences", ["Trump said so.", "Then he spoke."]),
        ("other", ["He left."]),
    ]
    assert len(problems) == 2 and f"{path}:3" in problems[0] and f"{path}:4" in problems[1]
    assert '"text"' in problems[1]


def test_label_documents_uses_given_ids_and_contexts(labeler):
    document = Document(
        "d",
        "test",
        sentences=[
            {"text": "He left.", "id": "x1", "context": "Zed Zorro came."},
            {"text": "Then he spoke."},
        ],
    )
    [(_, results)] = list(labeler.label_documents([document]))
    assert [r["id"] for r in results] == ["x1", "d:1"]
    alone = labeler.label_sentences(["He left."], contexts=["Zed Zorro came."])
    assert results[0]["stance_probs"] == alone[0]["stance_probs"]
