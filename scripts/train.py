"""Fine-tune the multi-task model: config, data, model, train, evaluate, save.

The command lives in `quotestance.commands.train`; installed, it is `quotestance train`.
This file keeps `python scripts/train.py ...` working from a checkout.
"""

from quotestance.commands.train import main
from quotestance.errors import run_script

if __name__ == "__main__":
    run_script(main)
