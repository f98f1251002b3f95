"""Typed config: YAML with `base:` chains, strict overrides, clear errors."""

import dataclasses
import subprocess
import sys

import pytest

from quotestance.config import SECTION_CLASSES, Config, ConfigError, config_from_dict, load_config


def test_every_shipped_config_loads(root):
    for path in sorted((root / "configs").glob("*.yaml")):
        if path.name == "actors.yaml":
            continue
        assert isinstance(load_config(path), Config), path


def test_base_chain_and_overrides(root):
    config = load_config(
        root / "configs" / "tiny.yaml", ["--train.learning_rate=3e-4", "--model.tasks=[quote_type,spans]"]
    )
    assert config.model.encoder == "tiny-random"  # from tiny.yaml
    assert config.train.cross_validate is True  # inherited from seed.yaml
    assert config.train.learning_rate == pytest.approx(3e-4)  # "3e-4" is a string to YAML 1.1
    assert config.model.tasks == ["quote_type", "spans"]


@pytest.mark.parametrize(
    "override, message",
    [
        ("--train.learnig_rate=1e-3", "unknown key train.learnig_rate; valid keys: output_dir"),
        ("--trian.seed=1", "unknown section 'trian'"),
        ("--seed=1", "must name its section"),
        ("--train.seed=1.5", "train.seed must be of type int, got float 1.5"),
        ("--train.seed=true", "train.seed must be of type int, got bool"),
        ("--model.tasks=quote_type", "model.tasks must be a list"),
        ("--model.tasks=[quote_type,sentiment]", "model.tasks: unknown ['sentiment']"),
        ("--train.mixed_precision=fp8", "train.mixed_precision must be auto, no, fp16 or bf16"),
        ("train.seed=1", "must look like --section.key=value"),
    ],
)
def test_bad_overrides_are_refused_with_the_fix(override, message):
    with pytest.raises(ConfigError, match=None) as error:
        load_config(None, [override])
    assert message in str(error.value)


def test_unknown_key_in_yaml_names_the_file(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("train:\n  num_epochs: 3\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value)
    assert "unknown key train.num_epochs" in str(error.value)
    assert "num_train_epochs" in str(error.value)  # the valid keys are listed


def test_wrong_type_in_yaml_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("model:\n  max_length: long\n")
    with pytest.raises(ConfigError, match="model.max_length must be of type int"):
        load_config(path)


def test_round_trip_through_a_plain_dict(root):
    config = load_config(root / "configs" / "seed.yaml", ["--train.seed=7"])
    assert config_from_dict(config.to_dict()) == config


def test_renamed_keys_fail_naming_the_new_key(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("data:\n  seed_split: test\n")
    with pytest.raises(ConfigError, match=r"old.yaml: data.seed_split was renamed data.seed_article_split"):
        load_config(path)
    with pytest.raises(ConfigError, match=r"data.fold_seed was renamed data.fold_shuffle_seed"):
        load_config(None, ["--data.fold_seed=3"])


def test_an_old_checkpoints_saved_config_is_read_under_the_new_names():
    saved = load_config(None, ["--data.seed_article_split=test", "--data.fold_shuffle_seed=7"]).to_dict()
    saved["data"]["seed_split"] = saved["data"].pop("seed_article_split")
    saved["data"]["fold_seed"] = saved["data"].pop("fold_shuffle_seed")
    config = config_from_dict(saved)
    assert (config.data.seed_article_split, config.data.fold_shuffle_seed) == ("test", 7)


def test_help_lists_every_config_key_with_its_help(root):
    shown = subprocess.run(
        [sys.executable, str(root / "scripts" / "train.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for section, cls in SECTION_CLASSES.items():
        for item in dataclasses.fields(cls):
            assert f"{section}.{item.name} (" in shown
            assert item.metadata["help"] in shown


def test_paths_in_a_config_file_are_relative_to_that_file(root, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    at_root = load_config(root / "configs" / "full.yaml")
    monkeypatch.chdir(tmp_path)
    elsewhere = load_config(root / "configs" / "full.yaml", ["--data.cache_dir=my-cache"])
    for key in ("raw_dir", "annotations_dir", "processed_dir", "reuters_gold_dir", "corpora_dir"):
        assert (tmp_path / getattr(elsewhere.data, key)).resolve() == (
            root / getattr(at_root.data, key)
        ).resolve()
    assert at_root.data.processed_dir == "data/processed/full"  # relative, short, from the root
    assert elsewhere.data.cache_dir == "my-cache"  # the command line: relative to where you are
