"""The model on the tiny config: label maps, masked loss, train-save-reload, resume,
determinism."""

import json

import pytest
import torch
from datasets import Dataset

from quotestance import features
from quotestance.annotations import seed_records
from quotestance.checkpoint import load_checkpoint
from quotestance.config import load_config
from quotestance.labels import BIO_TAGS, QUOTE_TYPES, STANCES
from quotestance.model import QuoteStanceModel
from quotestance.predictor import Predictor
from quotestance.schema import FEATURES
from quotestance.training import MultiTaskCollator, build_model, encode, fit


@pytest.fixture(scope="module")
def seed_dataset(root):
    return Dataset.from_list(seed_records(root / "data/raw", root / "data/annotations"), features=FEATURES)


@pytest.fixture()
def tiny_config(root, tmp_path):
    return load_config(
        root / "configs" / "tiny.yaml", [f"--train.output_dir={tmp_path}", "--train.logging_steps=1"]
    )


def test_label_maps_are_sorted_and_round_trip(tiny_config, tmp_path):
    model, tokenizer = build_model(tiny_config)
    assert model.config.task_labels == {
        "quote_type": list(QUOTE_TYPES),
        "stance": list(STANCES),
        "spans": list(BIO_TAGS),
    }
    for labels in model.config.task_labels.values():
        assert labels == sorted(labels)
    model.save_pretrained(tmp_path / "ckpt")
    saved = json.loads((tmp_path / "ckpt" / "config.json").read_text())
    assert saved["task_labels"] == model.config.task_labels
    assert saved["model_type"] == "quotestance"
    assert (tmp_path / "ckpt" / "model.safetensors").is_file()
    assert not list((tmp_path / "ckpt").glob("*.bin"))  # no pickle
    reloaded = QuoteStanceModel.from_pretrained(tmp_path / "ckpt")
    assert reloaded.config.task_labels == model.config.task_labels
    assert reloaded.config.id2label_for("stance") == dict(enumerate(STANCES))


def test_bio_tags_follow_the_gold_spans(tiny_config, seed_dataset):
    _, tokenizer = build_model(tiny_config)
    record = seed_dataset[11]  # Khalilzad said last month he hoped a deal would be reached...
    encoded = features.tokenize(tokenizer, [record["text"]], [record["context"]], 128, return_offsets=True)
    label2id = {tag: i for i, tag in enumerate(BIO_TAGS)}
    spans = {"SOURCE": record["source_spans"], "CUE": record["cue_spans"], "CONTENT": record["content_spans"]}
    tags = features.token_bio_tags(encoded["offset_mapping"][0], encoded.sequence_ids(0), spans, label2id)
    decoded = features.decode_spans(
        tags, encoded["offset_mapping"][0], encoded.sequence_ids(0), dict(enumerate(BIO_TAGS))
    )
    assert decoded["SOURCE"] == record["source_spans"]
    assert decoded["CUE"] == record["cue_spans"]
    assert [record["text"][s["start"] : s["end"]] for s in decoded["CONTENT"]] == [
        record["text"][s["start"] : s["end"]] for s in record["content_spans"]
    ]


def test_a_batch_without_stance_labels_gives_no_stance_gradient(tiny_config, seed_dataset):
    model, tokenizer = build_model(tiny_config)
    unlabelled = seed_dataset.select(range(6)).map(lambda row: {"stance": None})
    batch = MultiTaskCollator(tokenizer, model.config.tasks)(list(encode(unlabelled, tokenizer, model)))
    assert (batch["stance_labels"] == -100).all()
    model(**batch).loss.backward()
    stance_grad = model.heads["stance"].weight.grad
    assert stance_grad is None or torch.count_nonzero(stance_grad) == 0
    assert torch.count_nonzero(model.heads["quote_type"].weight.grad) > 0
    assert torch.count_nonzero(model.heads["spans"].weight.grad) > 0


def test_train_save_reload_gives_identical_predictions(tiny_config, seed_dataset, tmp_path):
    model, tokenizer, info = fit(tiny_config, seed_dataset, None, tmp_path / "work")
    assert info["global_step"] > 0
    model.save_pretrained(tmp_path / "ckpt")
    tokenizer.save_pretrained(tmp_path / "ckpt")
    # The project's loader (every tensor accounted for), which every command uses.
    reloaded, reloaded_tokenizer = load_checkpoint(tmp_path / "ckpt")

    records = list(seed_dataset)
    before = Predictor(model, tokenizer).predict(
        [r["text"] for r in records], [r["context"] for r in records]
    )
    after = Predictor(reloaded, reloaded_tokenizer).predict(
        [r["text"] for r in records], [r["context"] for r in records]
    )
    assert before == after  # every head: labels, probabilities and spans
    assert {"quote_type_probs", "stance_probs", "source_spans", "cue_spans"} <= set(before[0])


def test_same_config_and_seed_give_the_same_model(tiny_config, seed_dataset, tmp_path):
    first, _, _ = fit(tiny_config, seed_dataset, None, tmp_path / "a", checkpoints=False)
    second, _, _ = fit(tiny_config, seed_dataset, None, tmp_path / "b", checkpoints=False)
    for (name, a), (_, b) in zip(first.state_dict().items(), second.state_dict().items()):
        assert torch.equal(a, b), name


def test_resumed_run_continues_from_its_step(tiny_config, seed_dataset, tmp_path):
    tiny_config.train.num_train_epochs = 1.0
    _, _, first = fit(tiny_config, seed_dataset, None, tmp_path / "work")
    steps_per_epoch = first["global_step"]
    assert (tmp_path / "work" / f"checkpoint-{steps_per_epoch}").is_dir()
    tiny_config.train.num_train_epochs = 2.0
    _, _, resumed = fit(tiny_config, seed_dataset, None, tmp_path / "work", resume=True)
    assert resumed["global_step"] == 2 * steps_per_epoch
    logged_steps = [entry["step"] for entry in resumed["log_history"] if "loss" in entry]
    # The first epoch's log comes from the checkpoint; the second epoch's steps are new.
    assert logged_steps == list(range(1, 2 * steps_per_epoch + 1))


def test_the_context_gives_way_before_the_sentence(tiny_config):
    _, tokenizer = build_model(tiny_config)
    sentence = (
        "The talks between the two governments, which began in Doha last year and were "
        "suspended twice over prisoner releases, will resume next week, the official said."
    )
    context = " ".join(f"word{i}" for i in range(200)) + " the minister told reporters."
    encoded = features.tokenize(tokenizer, [sentence], [context], max_length=48)
    ids, sequence_ids = encoded["input_ids"][0], encoded.sequence_ids(0)
    alone = tokenizer(sentence, add_special_tokens=False)["input_ids"]
    assert len(ids) <= 48
    assert [i for i, s in zip(ids, sequence_ids) if s == 0] == alone  # the whole sentence
    kept_context = tokenizer.decode([i for i, s in zip(ids, sequence_ids) if s == 1])
    assert kept_context.endswith("the minister told reporters.")  # the end is what stays
    # A sentence longer than the limit on its own is cut, and the context is dropped.
    long = features.tokenize(tokenizer, [sentence * 3], [context], max_length=48)
    assert len(long["input_ids"][0]) == 48 and 1 not in long.sequence_ids(0)


def test_tasks_take_one_order_whatever_the_yaml_says():
    config = load_config(None, ["--model.tasks=[spans, stance, quote_type]"])
    assert config.model.tasks == ["quote_type", "stance", "spans"]


def test_a_batch_labelled_for_no_task_gives_a_zero_loss(tiny_config, seed_dataset):
    model, tokenizer = build_model(tiny_config)
    rows = seed_dataset.select(range(4)).map(
        lambda row: {"stance": None, "quote_type": None, "spans_labelled": False}
    )
    batch = MultiTaskCollator(tokenizer, model.config.tasks)(list(encode(rows, tokenizer, model)))
    loss = model(**batch).loss
    assert loss.item() == 0.0 and loss.requires_grad


def test_decoding_joins_pieces_of_one_span_but_not_across_other_spans():
    tag = {name: i for i, name in enumerate(BIO_TAGS)}
    id2label = dict(enumerate(BIO_TAGS))
    # "Officials said in a statement that talks would resume"
    words = ["Officials", "said", "in", "a", "statement", "that", "talks", "would", "resume"]
    offsets, position = [], 0
    for word in words:
        offsets.append((position, position + len(word)))
        position += len(word) + 1
    sequence_ids = [0] * len(words)

    def decode(*tags, gap=2):
        return features.decode_spans([tag[t] for t in tags], offsets, sequence_ids, id2label, gap)

    # A cue broken by two O tokens is one cue; by three it stays two.
    cue = decode("B-SOURCE", "B-CUE", "O", "O", "B-CUE", "O", "B-CONTENT", "I-CONTENT", "I-CONTENT")
    assert cue["CUE"] == [{"start": 10, "end": 29}]
    assert len(decode("B-SOURCE", "B-CUE", "O", "O", "O", "B-CUE", "B-CONTENT", "O", "O")["CUE"]) == 2
    # Pieces of a content with a cue between them stay apart: spans never overlap.
    split = decode("B-CONTENT", "B-CUE", "B-CONTENT", "O", "O", "O", "O", "O", "O")
    assert split["CONTENT"] == [{"start": 0, "end": 9}, {"start": 15, "end": 17}]
    # gap=0 is plain BIO decoding but for a B- that directly continues its own type.
    assert decode("B-CONTENT", "O", "B-CONTENT", "O", "O", "O", "O", "O", "O", gap=0)["CONTENT"] == [
        {"start": 0, "end": 9},
        {"start": 15, "end": 17},
    ]


def test_plain_bio_decoding_and_empty_input(tiny_config):
    tag = {name: i for i, name in enumerate(BIO_TAGS)}
    offsets, sequence_ids = [(0, 5), (6, 9), (10, 15)], [0, 0, 0]
    tags = [tag["B-SOURCE"], tag["O"], tag["B-SOURCE"]]
    plain = features.decode_spans(tags, offsets, sequence_ids, dict(enumerate(BIO_TAGS)), None)
    assert plain["SOURCE"] == [{"start": 0, "end": 5}, {"start": 10, "end": 15}]
    model, tokenizer = build_model(tiny_config)
    assert Predictor(model, tokenizer).predict([]) == []
