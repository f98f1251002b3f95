"""Typed config: YAML with `base:` chains, strict overrides, clear errors."""

import pytest

from quotestance.config import Config, ConfigError, config_from_dict, load_config


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
