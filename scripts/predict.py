"""Label articles with a trained checkpoint.

The command lives in `quotestance.commands.predict`; installed, it is `quotestance predict`.
This file keeps `python scripts/predict.py ...` working from a checkout (through the
same entry point, so a closed stdout stops it quietly too).
"""

import sys

from quotestance.cli import main

if __name__ == "__main__":
    sys.exit(main(["predict", *sys.argv[1:]]))
