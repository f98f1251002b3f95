"""Run a round of double annotation of Reuters articles (docs/reuters-annotation.md).

# 1. choose the articles (writes data/annotations/reuters/selection-round1.json)
python scripts/select_for_annotation.py --round 1 --n 40
# 2. reading packets, outside the repository (they hold the article text)
python scripts/annotation_round.py packets --round 1 --out /tmp/round1/packets
# 3. an annotator checks a filled file
python scripts/annotation_round.py check --round 1 FILLED.jsonl
# 4. store annotator a's or b's checked files (never overwrites)
python scripts/annotation_round.py store --annotator a FILLED.jsonl ...
# 5. list disagreements for the adjudicator; store the adjudicated gold
python scripts/annotation_round.py disagreements --round 1 --out /tmp/round1/disputes
python scripts/annotation_round.py adjudicate DECISIONS.jsonl ...
# 6. agreement before adjudication
python scripts/annotation_round.py agreement
"""

from __future__ import annotations

from quotestance.errors import run_script
from quotestance.gold_cli import main

if __name__ == "__main__":
    run_script(main)
