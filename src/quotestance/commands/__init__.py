"""The command-line commands: one module per `quotestance <command>`, each with `main(argv, prog)`.

`scripts/*.py` are thin wrappers around them, for use from a checkout.
"""

import argparse


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """The docstring's layout kept, and every option's default shown in --help."""


def config_parser(prog: str | None, description: str) -> argparse.ArgumentParser:
    """The parser of a command that reads a config: its docstring above, every config key
    with its help below (`config.describe_fields`), `--section.key=value` left to
    `parse_known_args` for `load_config`."""
    # Here, not at the top: every command imports this package, and `compare` or
    # `fetch-corpora` have no reason to load the config's transformers dependency.
    from ..config import describe_fields

    return argparse.ArgumentParser(
        prog=prog, description=description, epilog=describe_fields(), formatter_class=HelpFormatter
    )
