"""Label articles with a trained checkpoint.

The command lives in `quotestance.commands.predict`; installed, it is `quotestance predict`.
This file keeps `python scripts/predict.py ...` working from a checkout.
"""

from quotestance.commands.predict import run

if __name__ == "__main__":
    run()
