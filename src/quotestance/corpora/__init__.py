"""Converters from the public corpora in `data.corpora_dir` to sentence records.

Each module reads one corpus as it is published (never a copy in this repo) and
returns records of `quotestance.schema.FEATURES`; labels a corpus does not carry
stay None. A corpus folder that is missing is a `CorpusMissingError` that names
the folder and where the corpus is downloaded from.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError

# Where a user without ../shared/corpora gets each corpus (see corpora/README.md there).
CORPUS_ORIGINS = {
    "polnear": "PolNeAR v1.0.0, github.com/networkdynamics/PolNeAR (copy its data/ folder)",
    "plover_plv": "PLV, github.com/snowood1/Zero-Shot-PLOVER datasets/PLV_train.tsv and PLV_test.tsv",
    "cameo_class": "ConfliBERT's data/cameo_class, github.com/eventdata/ConfliBERT (train.tsv, test.tsv)",
    "isot_reuters": "True.csv of the ISOT fake news dataset (University of Victoria), as articles.jsonl",
}


class CorpusFormatError(DataError, ValueError):
    """A corpus file that does not parse; the message names the file, the line and the fix."""


class CorpusMissingError(DataError, FileNotFoundError):
    """A corpus folder or file that the config asks for is not there."""


def corpus_path(corpora_dir: str | Path, folder: str, *parts: str) -> Path:
    """The path of `folder/parts` under corpora_dir, or an error saying where to get it."""
    path = Path(corpora_dir, folder, *parts)
    if not path.exists():
        raise CorpusMissingError(
            f"corpus not found: {path} is missing. Download {CORPUS_ORIGINS[folder]} into "
            f"{Path(corpora_dir, folder)}, or point data.corpora_dir at the folder that holds it "
            f"(e.g. --data.corpora_dir=../shared/corpora)"
        )
    return path
