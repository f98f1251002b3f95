"""The dataset build: seed folds, splits, leakage control, weights, card and saving."""

import json

import pytest
from datasets import load_from_disk

from quotestance.config import ConfigError, load_config
from quotestance.corpora import CorpusMissingError
from quotestance.dataset import (
    apply_source_weights,
    build_dataset,
    deduplicate,
    drop_unlabelled,
    normalise_text,
    save_dataset,
)
from quotestance.schema import empty_record


def record(corpus, split, text, index=0, **labels):
    return empty_record(
        id=f"{corpus}:d:{index}",
        corpus=corpus,
        doc_id="d",
        sent_index=index,
        text=text,
        split=split,
        **labels,
    )


def test_normalise_text_matches_copies_that_differ_in_form():
    assert normalise_text("“Pakistan’s  ally,” he said.") == normalise_text('"PAKISTAN\'S ally," he said')
    assert normalise_text("Ｕ.Ｓ.\u00a0aid") == normalise_text("u.s. aid")
    assert normalise_text("He said.”") == "he said"
    assert normalise_text("to avoid ``new damage'' to ties") == normalise_text(
        'to avoid "new damage" to ties'
    )
    assert normalise_text("He said no.") != normalise_text("He said so.")


def test_deduplicate_protects_test_and_validation_and_collapses_train():
    records = [
        record("plv", "test", "Iran condemned the decision.", 0),
        record("cameo", "train", "“Iran condemned the decision”", 1, stance="conflictual"),
        record("cameo", "validation", "IRAN condemned the decision.", 2),
        record("polnear", "validation", "He said so.", 3),
        record("plv", "train", "He said so!", 4),
        record("cameo", "train", "Talks resumed.", 5, stance="cooperative", event_mode="verbal_cooperation"),
        record("plv", "train", "Talks resumed.", 6, stance="cooperative", event_mode="material_cooperation"),
    ]
    kept, stats = deduplicate(records)
    assert sorted(r["id"] for r in kept) == ["plv:d:0", "plv:d:6", "polnear:d:3"]
    assert stats["removed"] == {
        "cameo/train <- plv/test": 1,
        "cameo/validation <- plv/test": 1,
        "plv/train <- polnear/validation": 1,
        "cameo/train <- plv/train": 1,  # plv comes before cameo in SOURCE_PRIORITY
    }
    assert stats["label_conflicts"] == {"plv/cameo event_mode": 1}


def test_records_without_any_label_are_dropped_except_seed_and_pool():
    records = [
        record("plv", "train", "Pompeo said reform was needed.", 0),  # an unmapped REQUEST row
        record("plv", "test", "Russia asked nothing.", 1),
        record("plv", "train", "Russia agreed.", 2, stance="cooperative", event_mode="verbal_cooperation"),
        record("cameo", "validation", "He urged talks.", 3, event_mode="statement"),
        record("polnear", "train", "Nothing said here.", 4, quote_type="none", spans_labelled=True),
        record("seed", "test", "An unlabelled seed sentence.", 5),
        record("isot_politics", "unlabelled", "A pool sentence.", 6),
    ]
    kept, dropped = drop_unlabelled(records)
    assert [r["sent_index"] for r in kept] == [2, 3, 4, 5, 6]
    assert dropped == {("plv", "train"): 1, ("plv", "test"): 1}


def test_source_weights_repeat_and_thin_train_only():
    train = [record("plv", "train", f"sentence {i}", i) for i in range(400)]
    test = [record("plv", "test", "a test sentence", 999)]
    assert len(apply_source_weights(train + test, {"plv": 2.0})) == 801
    half = apply_source_weights(train + test, {"plv": 0.5})
    assert 150 < len(half) - 1 < 250 and test[0] in half
    assert half == apply_source_weights(train + test, {"plv": 0.5})


def test_seed_build_has_26_sentences_in_folds(root, monkeypatch):
    monkeypatch.chdir(root)
    config = load_config(root / "configs" / "seed.yaml")
    data, stats = build_dataset(config)
    train = data["train"]
    assert len(train) == 26 and len(data["validation"]) == 0 and len(data["test"]) == 0
    folds = train["fold"]
    assert set(folds) == set(range(config.data.num_folds))
    assert max(folds.count(f) for f in set(folds)) - min(folds.count(f) for f in set(folds)) <= 1
    again, _ = build_dataset(config)
    assert again["train"]["fold"] == folds and again["train"]["id"] == train["id"]
    assert stats["splits"]["train"]["seed"]["sentences"] == 26


def test_seed_held_out_as_test(root, monkeypatch):
    monkeypatch.chdir(root)
    data, _ = build_dataset(load_config(root / "configs" / "seed.yaml", ["--data.seed_article_split=test"]))
    assert len(data["test"]) == 26 and set(data["test"]["fold"]) == {-1} and len(data["train"]) == 0


@pytest.fixture(scope="module")
def small_build(root, corpora_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("build")
    overrides = [
        "--data.sources=[seed, polnear, plv, cameo]",
        f"--data.corpora_dir={corpora_dir}",
        f"--data.raw_dir={root / 'data' / 'raw'}",
        f"--data.annotations_dir={root / 'data' / 'annotations'}",
        f"--data.cache_dir={tmp / 'cache'}",
        f"--data.processed_dir={tmp / 'processed' / 'small'}",
        "--data.polnear_max_articles=3",
        "--data.seed_article_split=test",
        "--data.source_weights={plv: 2.0}",
    ]
    config = load_config(None, overrides)
    data, stats = build_dataset(config)
    return config, data, stats


@pytest.mark.corpora
def test_small_build_has_no_train_sentence_in_validation_or_test(small_build):
    _, data, stats = small_build
    held_out = {normalise_text(t) for split in ("validation", "test") for t in data[split]["text"]}
    train = [normalise_text(t) for t in data["train"]["text"]]
    assert train and not held_out.intersection(train)
    test = {normalise_text(t) for t in data["test"]["text"]}
    assert not test.intersection(normalise_text(t) for t in data["validation"]["text"])
    # PLV and cameo_class share hundreds of sentences (corpora/README.md): some were removed.
    assert stats["deduplication"]["removed"]["cameo/train <- plv/test"] > 0
    # Each train sentence once before weights; plv twice after.
    plv_train = stats["splits"]["train"]["plv"]["sentences"]
    assert data["train"]["corpus"].count("plv") == stats["weighted_train"]["plv"] == 2 * plv_train


@pytest.mark.corpora
def test_small_build_keeps_each_source_split(small_build):
    _, data, stats = small_build
    assert set(data) == {"train", "validation", "test"}
    by_split = {split: set(data[split]["corpus"]) for split in data}
    assert by_split["test"] == {"seed", "polnear", "plv", "cameo"}
    assert "seed" not in by_split["train"] and by_split["validation"] >= {"polnear", "plv", "cameo"}
    assert stats["conversion"]["polnear"]["articles"] == {"train": 3, "validation": 3, "test": 3}
    polnear_train = [r for r in data["train"] if r["corpus"] == "polnear"]
    assert all(r["stance"] is None and r["quote_type"] is not None for r in polnear_train)


@pytest.mark.corpora
def test_small_build_has_nothing_without_a_label(small_build):
    _, data, stats = small_build
    for split in data.values():
        for row in split:
            assert (
                row["corpus"] == "seed"
                or row["spans_labelled"]
                or any(row[field] is not None for field in ("quote_type", "stance", "event_mode"))
            )
    # Only PLV leaves rows unlabelled: REQUEST rows the keyword rule cannot map, and rows
    # whose root contradicts their quad class.
    dropped, plv = stats["dropped_no_label"], stats["conversion"]["plv"]
    assert set(dropped) <= {"plv/train", "plv/validation", "plv/test"}
    assert sum(dropped.values()) == plv["request"]["unmapped"] + plv["root_contradicts_quad_class"] > 0


@pytest.mark.corpora
def test_save_writes_dataset_jsonl_and_card(small_build):
    config, data, stats = small_build
    path = save_dataset(data, stats, config)
    assert load_from_disk(str(path))["test"]["id"] == data["test"]["id"]
    lines = (path / "test.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == data["test"]["id"]
    card = (path / "README.md").read_text(encoding="utf-8")
    for heading in (
        "How the splits were made",
        "Sentences per source and split",
        "Labels per source and split",
        "Dropped: no label",
        "Deduplication",
    ):
        assert f"## {heading}" in card
    assert "| cameo/train <- plv/test |" in card
    # A second save replaces the first whole; no staging folder is left behind.
    save_dataset(data, stats, config)
    assert sorted(p.name for p in path.parent.iterdir()) == ["small"]


@pytest.mark.corpora
def test_polnear_conversion_is_cached(small_build):
    config, _, stats = small_build
    assert stats["conversion"]["polnear"]["cache"] == "miss"
    _, again = build_dataset(config)
    assert again["conversion"]["polnear"]["cache"] == "hit"
    assert again["splits"] == stats["splits"]


def test_missing_corpus_is_an_error_naming_it(root, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    config = load_config(None, ["--data.sources=[plv]", f"--data.corpora_dir={tmp_path}"])
    with pytest.raises(CorpusMissingError, match=f"{tmp_path}/plover_plv/PLV_train.tsv is missing"):
        build_dataset(config)


def test_config_rejects_bad_data_keys():
    with pytest.raises(ConfigError, match="seed_article_split"):
        load_config(None, ["--data.seed_article_split=dev"])
    with pytest.raises(ConfigError, match="source_weights names sources not in data.sources"):
        load_config(None, ["--data.source_weights={plv: 2.0}"])


@pytest.mark.slow
@pytest.mark.corpora
def test_full_build_has_no_train_sentence_in_validation_or_test(root, corpora_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    config = load_config(
        root / "configs" / "full.yaml",
        [
            f"--data.corpora_dir={corpora_dir}",
            f"--data.cache_dir={tmp_path / 'cache'}",
            f"--data.processed_dir={tmp_path / 'full'}",
        ],
    )
    data, stats = build_dataset(config)
    held_out = {normalise_text(t) for split in ("validation", "test") for t in data[split]["text"]}
    assert not held_out.intersection(normalise_text(t) for t in data["train"]["text"])
    assert stats["splits"]["train"]["polnear"]["sentences"] > 20000
    assert set(data["test"]["corpus"]) == {"seed", "reuters", "polnear", "plv", "cameo"}
