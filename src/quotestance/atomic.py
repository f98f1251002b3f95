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
    previous = None
    if final.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{final.name}.previous-", dir=final.parent))
        os.replace(final, previous / final.name)
    os.replace(staging, final)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def _restore_interrupted_swap(final: Path) -> None:
    """A process killed between the two renames above leaves the old result aside and
    none in place: put the old one back before anything else happens."""
    if final.exists():
        return
    for previous in sorted(final.parent.glob(f".{final.name}.previous-*")):
        kept = previous / final.name
        if kept.exists():
            os.replace(kept, final)
            shutil.rmtree(previous, ignore_errors=True)
            return


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
