"""Training logs: TensorBoard event files on request, learning curves always."""

import json

import pytest

from quotestance import experiment
from quotestance.config import ConfigError, load_config
from quotestance.dataset import build_dataset


def test_report_to_is_checked_at_load():
    with pytest.raises(ConfigError, match=r"report_to='tensorbord': unknown; valid: none, .*tensorboard"):
        load_config(None, ["--train.report_to=tensorbord"])
    with pytest.raises(ConfigError, match=r"train.report_to='wandb': its package is not installed"):
        load_config(None, ["--train.report_to=wandb"])


def test_a_run_leaves_tensorboard_logs_and_learning_curves(root, tmp_path, monkeypatch):
    pytest.importorskip("tensorboard", reason="tensorboard is in the dev extra; install it to run this test")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    monkeypatch.chdir(root)
    config = load_config(
        root / "configs" / "tiny.yaml",
        [
            "--train.cross_validate=false",
            "--train.report_to=tensorboard",
            "--train.logging_steps=1",
            f"--train.logging_dir={tmp_path / 'runs'}",
            f"--train.output_dir={tmp_path / 'models'}",
        ],
    )
    data, _ = build_dataset(config)
    model, tokenizer, history = experiment.train_final(config, data)
    [events] = (tmp_path / "runs" / "tiny").glob("events.out.tfevents.*")
    accumulator = EventAccumulator(str(events.parent))
    accumulator.Reload()
    losses = accumulator.Scalars("train/loss")
    assert len(losses) == history["global_step"]  # one point per logged step
    run = tmp_path / "run"
    run.mkdir()
    info = {"config": config.to_dict(), "log_history": history["log_history"], "global_step": 4}
    experiment.save_run(run, model, tokenizer, info, reports={})
    assert (run / "learning_curves.png").stat().st_size > 1000
    assert json.loads((run / "run_info.json").read_text())["learning_curves"] == "learning_curves.png"
    assert "![learning curves](learning_curves.png)" in (run / "README.md").read_text()
