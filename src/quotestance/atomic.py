"""Outputs that never half-exist: checked before the work, written beside the target,
fsynced and renamed into place, cleaned up on any exit.

- `check_output_path(path)` is called before any model or data work, so that an
  output that cannot be written fails in a second, not after an hour of labelling.
- `atomic_output(path)` yields a stream to a temporary file beside the target; on
  success the file is fsynced, given the permissions of the file it replaces (or the
  umask's for a new one) and renamed onto the target. A symlinked target is followed:
  the file it points to is replaced, the link stays.
- `staged_directory(final)` does the same for a whole folder (checkpoints, datasets,
  reports): the old folder is removed only after the new one is in place.

Temporary names carry the writer's process id (`.<name>.tmp-<pid>-*`,
`.<name>.staging-<pid>-*`). An interrupted writer removes its own (Ctrl-C and SIGTERM
unwind through `finally`); a SIGKILLed one cannot, so the next writer of the same
target removes the leftovers of processes that are no longer running.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _remove_stale(parent: Path, pattern: str) -> None:
    """Remove `parent/pattern` leftovers whose writer (the pid after the tag) is gone."""
    for leftover in parent.glob(pattern):
        try:
            pid = int(leftover.name.rsplit(".", 1)[-1].split("-")[1])
        except (IndexError, ValueError):
            pid = -1  # an older naming scheme: no live writer can own it
        if pid > 0 and _pid_alive(pid):
            continue
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def check_output_path(path: str | Path, what: str = "--output") -> Path:
    """The real path to write `path` to, or an `OutputError` naming the problem and the fix.

    Follows a symlink to its target; refuses a directory, a path under a file, and a
    folder this process cannot write to.
    """
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.is_dir():
        raise OutputError(
            f"{what} {path}: is a directory; give a file path inside it, e.g. {path / 'labels.jsonl'}"
        )
    # Missing folders are created when the output is written; the nearest one that
    # exists must be a folder this process can write to.
    existing = next(p for p in (target.parent, *target.parent.parents) if p.exists() or p == Path(p.anchor))
    if not existing.is_dir():
        raise OutputError(f"{what} {path}: {existing} is a file, not a folder; choose another path")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"{what} {path}: the folder {existing} is not writable; choose a folder you can write to"
        )
    if target.exists() and not target.is_file():
        raise OutputError(f"{what} {path}: exists and is not a regular file; choose another path")
    return target


def check_output_folder(path: str | Path, what: str = "--output") -> Path:
    """A folder to write several outputs into: it exists as a folder or can be created."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{what} {path}: is a file; give a folder (it is created if missing)")
    check_output_path(path / "index.html", what)
    return path


@contextmanager
def atomic_output(path: str | Path, newline: str | None = None, what: str = "--output"):
    """Yield a text stream whose content replaces `path` only when the block succeeds."""
    target = check_output_path(path, what)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{what} {path}: cannot create {target.parent} ({error.strerror})") from None
    _remove_stale(target.parent, f".{target.name}.tmp-*")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        _fsync_directory(target.parent)
    except OSError as error:
        if isinstance(error, OutputError):
            raise
        reason = "the disk is full" if error.errno == errno.ENOSPC else (error.strerror or str(error))
        raise OutputError(
            f"{what} {path}: cannot be written ({reason}); free space or choose another path; "
            "nothing was written"
        ) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a whole text file through `atomic_output` (the parent is created if missing)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path, what="output") as stream:
        stream.write(text)


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some filesystems do not fsync directories; the rename itself is atomic
    finally:
        os.close(descriptor)


@contextmanager
def staged_directory(final: str | Path):
    """Yield an empty directory beside `final`; when the block succeeds, it replaces
    `final` (the old one is removed only after the new one is in place); when the
    block fails or is interrupted, it is deleted and `final` is untouched."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    _restore_interrupted_swap(final)
    _remove_stale(final.parent, f".{final.name}.staging-*")
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-{os.getpid()}-", dir=final.parent))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the result is an ordinary folder
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    file_mode = 0o666 & ~_umask()
    for path in staging.rglob("*"):
        if path.is_file():  # some writers (safetensors, mkstemp) leave files private
            path.chmod(path.stat().st_mode | file_mode)
    previous = None
    if final.exists():
        previous = Path(tempfile.mkdtemp(prefix=f".{final.name}.previous-", dir=final.parent))
        os.replace(final, previous / final.name)
    os.replace(staging, final)
    _fsync_directory(final.parent)
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


def write_new_files(texts: dict[Path, str], output_dir: Path) -> None:
    """Write every file of `texts` (paths inside `output_dir`), or none, never replacing
    one: each is written whole in a staging folder, then hard-linked into place, which
    fails (FileExistsError) rather than replace a file that appeared meanwhile. Drafts,
    gold annotations and their imports are written this way."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-files-", dir=output_dir))
    placed: list[Path] = []
    try:
        for target, text in texts.items():
            staged = staging / target.name
            write_text_atomic(staged, text)
            try:
                os.link(staged, target)
            except FileExistsError:
                raise FileExistsError(
                    f"refusing to overwrite {target}, written meanwhile by "
                    "something else; move it away and rerun"
                ) from None
            placed.append(target)
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
