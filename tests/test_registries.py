"""A new corpus and a new task, each added in one place, train the tiny model end to end."""

import pytest

from quotestance import experiment, sources, tasks
from quotestance.annotations import seed_records
from quotestance.checkpoint import load_checkpoint
from quotestance.config import ConfigError, load_config
from quotestance.dataset import build_dataset, dataset_card
from quotestance.evaluation import evaluate

TOY_SPLIT_LINE = "- toy: the seed article again, even sentences train, odd ones test."


def toy_records(data):
    """The seed article's sentences as another corpus, split by sentence parity."""
    records = seed_records(data.raw_dir, data.annotations_dir)
    for record in records:
        record["corpus"] = "toy"
        record["id"] = "toy:" + record["id"].split(":", 1)[1]
        record["split"] = "train" if record["sent_index"] % 2 == 0 else "test"
    return records, {"sentences": len(records)}


def has_quote(record):
    quote_type = record["quote_type"]
    return None if quote_type is None else ("no" if quote_type == "none" else "yes")


@pytest.fixture()
def toy_registries(monkeypatch):
    # monkeypatch restores both registries after the test: other tests see the built-ins.
    monkeypatch.setitem(
        sources.SOURCES,
        "toy",
        sources.Source(
            name="toy",
            load=toy_records,
            priority=99,
            splits=lambda data: TOY_SPLIT_LINE,
            origin="tests/test_registries.py",
            licence="as the seed",
        ),
    )
    monkeypatch.setitem(tasks.TASKS, "has_quote", tasks.Task("has_quote", ("no", "yes"), gold=has_quote))


def test_unregistered_names_are_config_errors_that_say_how_to_register():
    with pytest.raises(ConfigError, match=r"data.sources: unknown \['toy'\].*register_source"):
        load_config(None, ["--data.sources=[toy]"])
    with pytest.raises(ConfigError, match=r"model.tasks: unknown \['has_quote'\].*register_task"):
        load_config(None, ["--model.tasks=[has_quote]"])


def test_a_registered_source_and_task_train_save_reload_and_evaluate(
    root, tmp_path, monkeypatch, toy_registries
):
    monkeypatch.chdir(root)
    config = load_config(
        root / "configs" / "tiny.yaml",
        [
            "--data.sources=[toy]",
            "--model.tasks=[quote_type, has_quote, spans]",
            "--train.cross_validate=false",
            f"--train.output_dir={tmp_path}",
        ],
    )
    # Registration order is the task order everywhere: built-ins first, then has_quote.
    assert config.model.tasks == ["quote_type", "spans", "has_quote"]

    data, stats = build_dataset(config)
    assert set(data["train"]["corpus"]) == {"toy"} and len(data["test"]) == 13
    assert TOY_SPLIT_LINE in dataset_card(config, stats)

    model, tokenizer, history = experiment.train_final(config, data)
    assert history["global_step"] > 0
    assert model.heads["has_quote"].out_features == 2
    assert model.heads["has_quote"].in_features == 2 * model.encoder.config.hidden_size

    model.save_pretrained(tmp_path / "ckpt")
    tokenizer.save_pretrained(tmp_path / "ckpt")
    reloaded, _ = load_checkpoint(tmp_path / "ckpt")  # every tensor accounted for
    assert reloaded.config.task_labels["has_quote"] == ["no", "yes"]

    test = list(data["test"])
    predictions = experiment.labeler(reloaded, tokenizer).predict_records(test)
    assert all(p["has_quote"] in ("no", "yes") for p in predictions)
    assert all(set(p["has_quote_probs"]) == {"no", "yes"} for p in predictions)
    report = evaluate(test, predictions, bootstrap_samples=0)
    gold = [has_quote(r) for r in test]
    assert report["tasks"]["has_quote"]["n"] == len(gold)
    assert sum(map(sum, report["tasks"]["has_quote"]["confusion_matrix"])) == len(gold)
    assert report["by_corpus"]["toy"]["tasks"]["has_quote"]["n"] == len(gold)


def test_a_name_is_registered_once_and_unknown_names_say_what_is_there(monkeypatch):
    quote_type = tasks.get_task("quote_type")
    assert tasks.register_task(quote_type) is quote_type  # the same item again: no change
    with pytest.raises(ValueError, match="task 'quote_type' is already registered"):
        tasks.register_task(tasks.Task("quote_type", ("no", "yes")))
    with pytest.raises(
        KeyError, match=r"unknown source 'toy'; registered: \['seed', 'reuters'.*register_source"
    ):
        sources.get_source("toy")
