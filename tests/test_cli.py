"""The `quotestance` command: subcommands, --help, --version, exit codes."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from quotestance import __version__, cli


def test_no_command_prints_usage_and_exits_2(capsys):
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "usage: quotestance <command>" in err
    assert all(f"  {name}" in err for name in cli.COMMANDS)


def test_version_and_unknown_commands(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"quotestance {__version__}"
    assert cli.main(["trian", "--config", "x.yaml"]) == 2
    assert "unknown command 'trian'; the commands are build, train" in capsys.readouterr().err


def test_train_help_lists_the_config_keys(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["train", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: quotestance train")
    assert "train.learning_rate (float, default 5e-05): peak learning rate" in out


def test_a_command_error_is_one_line_with_its_exit_code(capsys, tmp_path):
    assert cli.main(["build", "--config", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: config file not found: {tmp_path / 'missing.yaml'}; pick one of configs/*.yaml"]


def test_the_installed_console_script_predicts(tiny_checkpoint, seed_article_path, tmp_path):
    command = shutil.which("quotestance", path=str(sys.executable).rsplit("/", 1)[0])
    if command is None:
        message = "no `quotestance` beside this Python: `make setup` (pip install -e .) installs it"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    done = subprocess.run(
        [command, "predict", "--model", str(tiny_checkpoint), str(seed_article_path), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert len([json.loads(line) for line in done.stdout.splitlines()]) == 26
