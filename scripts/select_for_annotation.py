"""Choose the next round's Reuters articles to annotate.

    python scripts/select_for_annotation.py --round 1 --n 40                       # the seeded rule
    python scripts/select_for_annotation.py --round 3 --n 40 --strategy uncertainty --model models/full

Writes data/annotations/reuters/selection-round<N>.json (never overwritten): the rule
or the model, its seed, and each article with its score. See docs/reuters-annotation.md.
"""

import sys

from quotestance.errors import run_script
from quotestance.gold_cli import main

if __name__ == "__main__":
    run_script(lambda: main(["select", *sys.argv[1:]]))
