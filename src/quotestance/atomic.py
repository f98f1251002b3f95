"""Write-then-rename, so that an interrupted run never leaves half a checkpoint,
dataset or report where a good one was."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_directory(final: str | Path):
    """Yield an empty directory beside `final`; when the block succeeds, it replaces
    `final` (the old one is removed only after the new one is in place); when the
    block fails, it is deleted and `final` is untouched."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    _restore_interrupted_swap(final)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the result is an ordinary folder
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for path in staging.rglob("*"):
        if path.is_file():  # some writers (safetensors, mkstemp) leave files private
            path.chmod(path.stat().st_mode | 0o644)
    previous = None
    if final.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{final.name}.previous-", dir=final.parent))
        os.replace(final, previous / final.name)
    os.replace(staging, final)
    if previous is not None:
        _discard(previous)


def _discard(folder: Path) -> None:
    """Delete a folder, first renaming it out of the `previous-*` pattern, so that a
    `previous-*` folder always holds a whole result, never a half-deleted one."""
    trash = folder.with_name(folder.name.replace(".previous-", ".trash-", 1))
    os.replace(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)


def _restore_interrupted_swap(final: Path) -> None:
    """A process killed between the two renames above leaves the old result aside and
    none in place: put the newest one back before anything else happens. Leftovers of
    finished swaps (old results, deletions cut short) are removed."""
    asides = sorted(final.parent.glob(f".{final.name}.previous-*"), key=lambda p: p.stat().st_mtime)
    if not final.exists():
        complete = [p for p in asides if (p / final.name).exists()]
        if complete:
            os.replace(complete[-1] / final.name, final)
    for aside in asides:
        _discard(aside)
    for trash in final.parent.glob(f".{final.name}.trash-*"):
        shutil.rmtree(trash, ignore_errors=True)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a file through a temporary sibling and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the result is an ordinary file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
