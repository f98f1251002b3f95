"""Draft annotations of new articles, for a person to correct.

The command lives in `quotestance.commands.preannotate`; installed, it is `quotestance preannotate`.
This file keeps `python scripts/preannotate.py ...` working from a checkout.
"""

from quotestance.commands.preannotate import main
from quotestance.errors import run_script

if __name__ == "__main__":
    run_script(main)
