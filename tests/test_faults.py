"""Fault injection: kill training and labelling at the worst moments, then check that
nothing good was lost and that the next run cleans up.

Each case runs the real script in a subprocess, with one function wrapped so that the
process kills itself at a chosen point (SIGKILL: no cleanup runs; SIGTERM: the
handler of quotestance.errors unwinds). The wrapper is the only thing changed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# Code run in the child before the script: wraps `target` (module, attribute) so that
# its `when`-th call kills the process with `signal_name`, before or after the call.
HARNESS = """
import importlib, os, runpy, signal, sys
module_name, attribute, when, signal_name, moment, script = sys.argv[1:7]
module = importlib.import_module(module_name)
owner_name, _, name = attribute.rpartition(".")
owner = getattr(module, owner_name) if owner_name else module
original = getattr(owner, name)
calls = [0]
def wrapped(*args, **kwargs):
    calls[0] += 1
    hit = calls[0] == int(when)
    if hit and moment == "before":
        os.kill(os.getpid(), getattr(signal, signal_name))
    result = original(*args, **kwargs)
    if hit and moment == "after":
        os.kill(os.getpid(), getattr(signal, signal_name))
    return result
setattr(owner, name, wrapped)
sys.argv = [script, *sys.argv[7:]]
runpy.run_path(script, run_name="__main__")
"""


def run_faulty(root: Path, target: str, when: int, signal_name: str, moment: str, script: str, *args):
    module, attribute = target.split(":")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            HARNESS,
            module,
            attribute,
            str(when),
            signal_name,
            moment,
            script,
            *map(str, args),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={
            "PATH": "/usr/bin:/bin",
            "HF_HUB_OFFLINE": "1",
            "CUDA_VISIBLE_DEVICES": "",
            "TOKENIZERS_PARALLELISM": "false",
            "HOME": str(root),
        },
    )


def run_clean(root: Path, script: str, *args):
    return subprocess.run(
        [sys.executable, script, *map(str, args)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": "", "HOME": str(root)},
    )


def digest(folder: Path) -> dict[str, str]:
    """Every file of a folder and the SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def trained(root, tmp_path_factory):
    """A finished tiny run: the 'good checkpoint' every fault below must leave intact."""
    tmp = tmp_path_factory.mktemp("faults")
    overrides = [
        f"--data.processed_dir={tmp / 'processed'}",
        f"--data.cache_dir={tmp / 'cache'}",
        f"--train.output_dir={tmp / 'models'}",
        "--train.cross_validate=false",
        "--train.num_train_epochs=1",
        "--train.bootstrap_samples=0",
    ]
    result = run_clean(root, "scripts/train.py", "--config", "configs/tiny.yaml", *overrides)
    assert result.returncode == 0, result.stderr[-2000:]
    return tmp, overrides


@pytest.mark.parametrize(
    "target, when, moment",
    [
        ("transformers:Trainer.training_step", 2, "before"),  # in the middle of training
        ("quotestance.experiment:save_run", 1, "after"),  # the new run is written, not yet swapped in
        ("safetensors.torch:save_file", 1, "before"),  # while saving the weights
    ],
    ids=["training", "after-saving", "during-saving"],
)
def test_sigkill_keeps_the_previous_checkpoint_and_the_next_run_cleans_up(
    root, trained, target, when, moment
):
    tmp, overrides = trained
    run = tmp / "models" / "tiny"
    before = digest(run)
    killed = run_faulty(
        root,
        target,
        when,
        "SIGKILL",
        moment,
        "scripts/train.py",
        "--config",
        "configs/tiny.yaml",
        *overrides,
        "--train.seed=7",
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert digest(run) == before  # byte-identical: nothing of the killed run replaced it
    if moment == "after":
        assert list(run.parent.glob(".tiny.staging-*")), "the kill should have left a staging folder"

    again = run_clean(root, "scripts/train.py", "--config", "configs/tiny.yaml", *overrides)
    assert again.returncode == 0, again.stderr[-2000:]
    assert not list(run.parent.glob(".tiny.staging-*")) and not list(run.parent.glob(".tiny.previous-*"))
    assert (run / "model.safetensors").is_file()


def test_sigterm_during_training_exits_130_and_leaves_nothing(root, trained):
    tmp, overrides = trained
    run = tmp / "models" / "tiny"
    before = digest(run)
    stopped = run_faulty(
        root,
        "quotestance.experiment:save_run",
        1,
        "SIGTERM",
        "before",
        "scripts/train.py",
        "--config",
        "configs/tiny.yaml",
        *overrides,
    )
    assert stopped.returncode == 130
    assert stopped.stderr.strip().splitlines()[-1].startswith("interrupted")
    assert "Traceback" not in stopped.stderr
    assert digest(run) == before
    assert not list(run.parent.glob(".tiny.staging-*"))


@pytest.mark.parametrize("signal_name, code", [("SIGKILL", -9), ("SIGTERM", 130)])
def test_predict_killed_while_writing_keeps_the_old_output(
    root, trained, seed_article_path, signal_name, code
):
    tmp, _ = trained
    run = tmp / "models" / "tiny"
    output = tmp / f"labels-{signal_name}.jsonl"
    output.write_text('{"old": true}\n')
    output.chmod(0o640)
    before = output.read_bytes()
    # Two articles: the kill comes once the first one's lines are written, before the second's.
    killed = run_faulty(
        root,
        "quotestance.io:ResultWriter.write",
        1,
        signal_name,
        "after",
        "scripts/predict.py",
        "--model",
        run,
        seed_article_path,
        seed_article_path,
        "--output",
        output,
        "--no-progress",
    )
    assert killed.returncode == code, killed.stderr[-2000:]
    assert output.read_bytes() == before
    leftovers = list(tmp.glob(f".{output.name}.tmp-*"))
    assert bool(leftovers) == (signal_name == "SIGKILL")  # SIGTERM cleans up after itself

    again = run_clean(
        root, "scripts/predict.py", "--model", run, seed_article_path, "--output", output, "--no-progress"
    )
    assert again.returncode == 0, again.stderr
    assert not list(tmp.glob(f".{output.name}.tmp-*"))  # the next run removed the dead one's file
    assert output.stat().st_mode & 0o777 == 0o640  # the replaced file's permissions are kept
    assert json.loads(output.read_text().splitlines()[0])["doc_id"]
