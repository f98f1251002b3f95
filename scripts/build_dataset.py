"""Build the sentence dataset of a config and print its card.

The command lives in `quotestance.commands.build`; installed, it is `quotestance build`.
This file keeps `python scripts/build_dataset.py ...` working from a checkout.
"""

from quotestance.commands.build import main
from quotestance.errors import run_script

if __name__ == "__main__":
    run_script(main)
