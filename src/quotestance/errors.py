"""The project's exceptions, their exit codes, and how scripts report them.

Every error the project raises on purpose is a `QuotestanceError`: its message is one
line (or a header and one line per problem) naming the file, line or key and the fix.
Scripts run their `main` through `run_script`, which prints that message and exits
with the error's code; any other exception is a bug and keeps its traceback.

Exit codes, for every script and command (docs/inference.md repeats this table):

| code | meaning |
|---|---|
| 0 | done |
| 1 | the run failed: nothing could be labelled |
| 2 | bad arguments, config, checkpoint, actor table, output path or input data (annotations, corpora): the message names the file, line or key and the fix |
| 130 | interrupted (Ctrl-C or SIGTERM); nothing half-written is left behind |
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class QuotestanceError(Exception):
    """Base of every error the project raises on purpose; `exit_code` is what scripts exit with."""

    exit_code = EXIT_USAGE


class DataError(QuotestanceError):
    """A problem in the data a run reads (annotations, corpora, articles)."""


class DataProblems(DataError, ValueError):
    """Every problem found in a set of data files, one `file:line: what; fix` each, so
    that a user fixes them all in one pass; `errors` is the list."""

    what = "data problem"

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        count = len(self.errors)
        header = f"{count} {self.what}{'s' if count != 1 else ''}:"
        super().__init__("\n".join([header, *(f"  - {error}" for error in self.errors)]))


class OutputError(QuotestanceError, OSError):
    """An output path that cannot be written; raised before any work is done."""

    exit_code = EXIT_USAGE


def _raise_interrupt(signum, frame):
    # SIGTERM becomes KeyboardInterrupt, so `finally` blocks and context managers that
    # remove temporary files and staging folders run exactly as for Ctrl-C.
    raise KeyboardInterrupt


def exit_status(main: Callable[..., int | None], *args) -> int:
    """Call a script's main: one line and the error's exit code for project errors, 130 on
    interrupt; any other exception is a bug and propagates with its traceback."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return main(*args) or EXIT_OK
    except QuotestanceError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted: nothing was left half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_script(main: Callable[[], int | None]) -> None:
    """`sys.exit(exit_status(main))`: what every script's `__main__` block does."""
    sys.exit(exit_status(main))
