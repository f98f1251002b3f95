"""Evaluate a checkpoint, or the rule baseline, on a split: one report per corpus.

The command lives in `quotestance.commands.evaluate`; installed, it is `quotestance evaluate`.
This file keeps `python scripts/evaluate.py ...` working from a checkout.
"""

from quotestance.commands.evaluate import main
from quotestance.errors import run_script

if __name__ == "__main__":
    run_script(main)
