"""Nothing lost, nothing silent: bad configs, damaged checkpoints, unwritable outputs,
odd inputs and bad API arguments each get one clear error and lose nothing."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file, save_file

from quotestance.atomic import atomic_output, check_output_path, staged_directory
from quotestance.checkpoint import CheckpointError, load_checkpoint
from quotestance.config import ConfigError, load_config
from quotestance.errors import QuotestanceError
from quotestance.inference import Labeler
from quotestance.io import read_inputs

# Config ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "override, message",
    [
        ("--train.run_name=", "train.run_name='' is out of range"),
        ("--train.run_name=.", "train.run_name='.' is out of range"),
        ("--train.run_name=../x", "train.run_name='../x' is out of range"),
        ("--train.run_name=a/b", "without '/'"),
        ("--train.num_train_epochs=0", "train.num_train_epochs=0.0 is out of range; allowed: more than 0"),
        ("--train.num_train_epochs=-1", "train.num_train_epochs=-1.0"),
        (
            "--train.per_device_train_batch_size=0",
            "per_device_train_batch_size=0 is out of range; allowed: at least 1",
        ),
        ("--train.learning_rate=0", "train.learning_rate=0.0"),
        ("--train.warmup_ratio=1.5", "train.warmup_ratio=1.5"),
        ("--model.classifier_dropout=1", "model.classifier_dropout=1.0"),
        ("--data.max_train_samples=0", "data.max_train_samples=0"),
        ("--model.max_length=1024", "model.max_length=1024 is more than the encoder"),
    ],
)
def test_out_of_range_values_name_key_value_range_and_origin(root, override, message):
    with pytest.raises(ConfigError) as raised:
        load_config(root / "configs" / "seed.yaml", [override])
    text = str(raised.value)
    assert message in text and f"override {override!r}" in text and "\n" not in text


def test_a_range_error_in_yaml_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("train:\n  per_device_eval_batch_size: 0\n")
    with pytest.raises(ConfigError, match=rf"{path}: train.per_device_eval_batch_size=0 is out of range"):
        load_config(path)


def test_an_empty_run_name_never_reaches_the_models_folder(root, tmp_path):
    models = tmp_path / "models"
    (models / "keep").mkdir(parents=True)
    (models / "keep" / "model.safetensors").write_bytes(b"precious")
    result = subprocess.run(
        [
            sys.executable,
            "scripts/train.py",
            "--config",
            "configs/tiny.yaml",
            f"--train.output_dir={models}",
            "--train.run_name=",
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "train.run_name" in result.stderr
    assert "Traceback" not in result.stderr
    assert (models / "keep" / "model.safetensors").read_bytes() == b"precious"


# Checkpoints ----------------------------------------------------------------------------


@pytest.fixture()
def damaged(tiny_checkpoint, tmp_path) -> Path:
    copy = tmp_path / "ckpt"
    shutil.copytree(tiny_checkpoint, copy)
    return copy


def _edit_weights(directory: Path, edit) -> None:
    tensors = load_file(directory / "model.safetensors")
    edit(tensors)
    save_file(tensors, directory / "model.safetensors", metadata={"format": "pt"})


def test_an_intact_checkpoint_loads_every_tensor(tiny_checkpoint):
    model, _ = load_checkpoint(tiny_checkpoint)
    saved = load_file(tiny_checkpoint / "model.safetensors")
    state = model.state_dict()
    assert set(saved) == set(state)
    assert all((saved[name] == state[name]).all() for name in saved)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.pop("heads.stance.weight"), "1 missing tensor(s) (heads.stance.weight)"),
        (lambda t: t.update(extra=t["heads.stance.bias"].clone()), "1 unexpected tensor(s) (extra)"),
        (
            lambda t: t.update({"heads.stance.bias": t["heads.stance.bias"][:2].clone()}),
            "mis-shaped heads.stance.bias [2] where the config needs [3]",
        ),
    ],
    ids=["missing", "unexpected", "mis-shaped"],
)
def test_tensors_that_do_not_match_the_config_are_refused(damaged, edit, message):
    _edit_weights(damaged, edit)
    with pytest.raises(CheckpointError) as raised:
        Labeler.from_pretrained(damaged)
    assert str(damaged / "model.safetensors") in str(raised.value) and message in str(raised.value)


def test_label_maps_that_disagree_with_the_heads_are_refused(damaged):
    config = json.loads((damaged / "config.json").read_text())
    config["task_labels"]["stance"] = ["conflictual", "cooperative", "neutral", "unclear"]
    (damaged / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=r"mis-shaped heads\.stance\.(weight|bias)"):
        Labeler.from_pretrained(damaged)


def test_a_truncated_weights_file_is_refused(damaged):
    weights = damaged / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(CheckpointError, match=r"model\.safetensors: unreadable or truncated"):
        Labeler.from_pretrained(damaged)


def test_a_config_without_encoder_config_is_refused(damaged):
    config = json.loads((damaged / "config.json").read_text())
    del config["encoder_config"]
    (damaged / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=r"config\.json: does not describe a model \(encoder_config"):
        Labeler.from_pretrained(damaged)


def test_a_max_length_beyond_the_encoder_is_refused_at_load(damaged):
    config = json.loads((damaged / "config.json").read_text())
    config["max_seq_length"] = 4096
    (damaged / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="max_seq_length 4096 is more than the encoder's 512"):
        Labeler.from_pretrained(damaged)


def test_a_corrupt_tokenizer_names_its_files(damaged):
    (damaged / "tokenizer.json").write_text("{ not json")
    with pytest.raises(
        CheckpointError, match=r"the tokenizer files \(tokenizer_config\.json, tokenizer\.json"
    ):
        Labeler.from_pretrained(damaged)


def test_predict_exits_2_on_a_damaged_checkpoint_with_one_line(root, damaged, seed_article_path):
    _edit_weights(damaged, lambda t: t.pop("heads.quote_type.bias"))
    result = subprocess.run(
        [sys.executable, "scripts/predict.py", "--model", damaged, seed_article_path],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "missing tensor(s) (heads.quote_type.bias)" in result.stderr


# Outputs --------------------------------------------------------------------------------


def test_output_onto_a_directory_or_under_a_file_is_refused_before_work(tmp_path):
    with pytest.raises(QuotestanceError, match="is a directory"):
        check_output_path(tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(QuotestanceError, match="is a file, not a folder"):
        check_output_path(tmp_path / "file" / "out.jsonl")


def test_output_into_a_folder_without_write_access_is_refused(tmp_path, monkeypatch):
    # Root may write anywhere, so the permission answer is simulated: the check must ask.
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(QuotestanceError, match=f"the folder {tmp_path} is not writable"):
        check_output_path(tmp_path / "out.jsonl")


def test_predict_refuses_a_directory_output_before_loading_the_model(root, tmp_path, seed_article_path):
    result = subprocess.run(
        [
            sys.executable,
            "scripts/predict.py",
            "--model",
            tmp_path / "no-model",
            seed_article_path,
            "--output",
            tmp_path,
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    # The output is checked first: the missing model is never reached.
    assert result.returncode == 2 and "is a directory" in result.stderr and "no-model" not in result.stderr


def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path):
    old = tmp_path / "old.jsonl"
    old.write_text("old\n")
    old.chmod(0o644)
    with atomic_output(old) as stream:
        stream.write("new\n")
    assert old.read_text() == "new\n" and old.stat().st_mode & 0o777 == 0o644
    previous = os.umask(0o027)
    try:
        with atomic_output(tmp_path / "new.jsonl") as stream:
            stream.write("x\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "new.jsonl").stat().st_mode & 0o777 == 0o640


def test_a_symlinked_output_stays_a_link_to_the_new_content(tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    with atomic_output(link) as stream:
        stream.write("new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_a_full_disk_is_an_error_and_the_old_output_survives(tmp_path, monkeypatch):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")

    def full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(QuotestanceError, match="the disk is full"), atomic_output(target) as stream:
        stream.write("new\n")
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_stale_staging_folders_of_dead_processes_are_removed(tmp_path):
    final = tmp_path / "run"
    dead = tmp_path / ".run.staging-999999999-abc"  # no such process
    dead.mkdir()
    (dead / "model.safetensors").write_bytes(b"half")
    alive = tmp_path / f".run.staging-{os.getppid()}-abc"  # a live process: left alone
    alive.mkdir()
    with staged_directory(final) as staging:
        (staging / "x").write_text("x")
    assert not dead.exists() and alive.exists() and (final / "x").is_file()


# Inputs ---------------------------------------------------------------------------------


def test_jsonl_is_split_on_newlines_only(tmp_path):
    path = tmp_path / "sentences.jsonl"
    lines = [{"text": "He said\u2028so."}, {"text": "bad"}, "not json"]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x for x in lines))
    documents, problems = read_inputs([str(path)])
    assert [s["text"] for s in documents[0].sentences] == ["He said\u2028so.", "bad"]
    assert problems == [f"{path}:3: not valid JSON (Expecting value); one JSON object per line"]


def test_a_fifo_socket_dangling_link_and_loop_each_get_their_own_message(tmp_path, seed_article_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    sock_path = tmp_path / "s.txt"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "missing.txt")
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    try:
        documents, problems = read_inputs(
            [str(fifo), str(sock_path), str(dangling), str(loop), str(seed_article_path)]
        )
    finally:
        server.close()
    assert len(documents) == 1  # the good article is still read, and nothing blocked
    assert "a FIFO (named pipe), not a file" in problems[0]
    assert "a socket, not a file" in problems[1]
    assert f"a link to {tmp_path / 'missing.txt'}, which does not exist" in problems[2]
    assert "a symbolic link loop" in problems[3]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-be"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, seed_article_path, encoding):
    text = seed_article_path.read_text(encoding="utf-8")
    path = tmp_path / "article.txt"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    documents, problems = read_inputs([str(path)])
    assert problems == [] and documents[0].text == text


# Python API -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, "batch_size=0: must be an integer of at least 1"),
        ({"batch_size": "64"}, "batch_size='64'"),
        ({"device": "gpu"}, "device='gpu': the choices are"),
        ({"quantize": "int4"}, "quantize='int4': the choices are"),
    ],
)
def test_api_arguments_are_checked_with_their_name(tiny_checkpoint, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Labeler.from_pretrained(tiny_checkpoint, **kwargs)
