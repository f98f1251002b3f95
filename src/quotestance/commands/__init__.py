"""The command-line commands: one module per `quotestance <command>`, each with `main(argv, prog)`.

`scripts/*.py` are thin wrappers around them, for use from a checkout.
"""

import argparse


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """The docstring's layout kept, and every option's default shown in --help."""
