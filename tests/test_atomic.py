"""Write-then-rename: a failed or interrupted write leaves the previous result whole."""

import os

import pytest

from quotestance.atomic import staged_directory, write_text_atomic


def test_a_failed_block_leaves_the_old_directory_untouched(tmp_path):
    final = tmp_path / "run"
    with staged_directory(final) as staging:
        (staging / "model.safetensors").write_text("good")
    with pytest.raises(RuntimeError), staged_directory(final) as staging:
        (staging / "model.safetensors").write_text("half")
        raise RuntimeError("interrupted")
    assert (final / "model.safetensors").read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging left behind


def test_a_swap_killed_between_renames_is_undone_next_time(tmp_path):
    final = tmp_path / "run"
    with staged_directory(final) as staging:
        (staging / "model.safetensors").write_text("good")
    # As if killed after moving the old result aside and before moving the new one in.
    aside = tmp_path / ".run.previous-x"
    aside.mkdir()
    os.replace(final, aside / "run")
    with pytest.raises(RuntimeError), staged_directory(final):
        raise RuntimeError("the next run fails too")
    assert (final / "model.safetensors").read_text() == "good"
    assert not aside.exists()


def test_write_text_atomic_replaces_whole_files_readably(tmp_path):
    path = tmp_path / "out" / "labels.jsonl"
    write_text_atomic(path, "one\n")
    write_text_atomic(path, "two\n")
    assert path.read_text() == "two\n" and oct(path.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in path.parent.iterdir()] == ["labels.jsonl"]


def test_leftovers_of_finished_swaps_are_cleared(tmp_path):
    final = tmp_path / "run"
    with staged_directory(final) as staging:
        (staging / "model.safetensors").write_text("good")
    os.chmod(final / "model.safetensors", 0o600)
    stale = tmp_path / ".run.previous-old"
    (stale / "run").mkdir(parents=True)
    with staged_directory(final) as staging:
        (staging / "model.safetensors").write_text("newer")
        os.chmod(staging / "model.safetensors", 0o600)
    assert (final / "model.safetensors").read_text() == "newer"
    assert (final / "model.safetensors").stat().st_mode & 0o044  # readable by others
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
