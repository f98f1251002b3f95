"""`quotestance <command> [options]`: the installed command line.

    quotestance train --config configs/seed.yaml
    quotestance predict --model models/seed article.txt
    quotestance --version

Each command is a module of `quotestance.commands` with `main(argv, prog)`; the
`scripts/*.py` of a checkout call the same functions.
"""

from __future__ import annotations

import importlib
import os
import sys

from . import __version__
from .errors import EXIT_USAGE, exit_status

# Command name -> (module in quotestance.commands, one line of help). Modules are
# imported only when their command runs: `quotestance compare` need not load torch.
COMMANDS = {
    "build": ("build", "build the sentence dataset of a config and print its card"),
    "train": ("train", "fine-tune the multi-task model of a config: data, train, evaluate, save"),
    "evaluate": ("evaluate", "evaluate a checkpoint or the rule baseline on a split, one report per corpus"),
    "compare": ("compare", "compare evaluation reports made on the same test data"),
    "predict": ("predict", "label articles with a trained checkpoint (JSONL, CSV or HTML)"),
    "preannotate": ("preannotate", "draft annotation files of new articles for a person to correct"),
    "fetch-corpora": ("fetch_corpora", "download the public corpora from their origins and verify them"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [
        "usage: quotestance <command> [options]   (quotestance <command> --help for its options)",
        "",
        "commands:",
        *(f"  {name:<{width}}  {text}" for name, (_, text) in COMMANDS.items()),
        "",
        "  --version  print the version and exit",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns its exit status (errors.py documents the codes)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(usage(), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else EXIT_USAGE
    if argv[0] == "--version":
        print(f"quotestance {__version__}")
        return 0
    name = argv[0]
    if name not in COMMANDS:
        print(f"error: unknown command {name!r}; the commands are {', '.join(COMMANDS)}", file=sys.stderr)
        return EXIT_USAGE
    module = importlib.import_module(f"quotestance.commands.{COMMANDS[name][0]}")
    try:
        return exit_status(module.main, argv[1:], f"quotestance {name}")
    except BrokenPipeError:
        # The reader closed stdout (`quotestance predict ... | head`): stop quietly, as
        # other shell tools do, with stdout pointed at /dev/null for the interpreter's exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def run() -> None:
    """The console entry point (`[project.scripts]` in pyproject.toml)."""
    sys.exit(main())
