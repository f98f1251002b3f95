"""Compare evaluation reports made on the same test data, side by side.

The command lives in `quotestance.commands.compare`; installed, it is `quotestance compare`.
This file keeps `python scripts/compare_reports.py ...` working from a checkout.
"""

from quotestance.commands.compare import main
from quotestance.errors import run_script

if __name__ == "__main__":
    run_script(main)
