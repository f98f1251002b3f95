"""Shared fixtures: the seed article, the public corpora, CPU only, no workers."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_DOC_ID = "000_1297e1fb3493ea23"
CORPORA_DIR = Path(os.environ.get("QUOTESTANCE_CORPORA", ROOT.parent / "shared" / "corpora"))


@pytest.fixture(autouse=True, scope="session")
def _cpu_only():
    # Tests never need a GPU; hiding one keeps CPU and GPU runs identical.
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_article_path() -> Path:
    return ROOT / "data" / "raw" / f"{SEED_DOC_ID}.txt"


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    """../shared/corpora: skipped on a user's machine without it, a failure under CI."""
    if not CORPORA_DIR.is_dir():
        message = (
            f"public corpora not found at {CORPORA_DIR}; set QUOTESTANCE_CORPORA "
            "or place them beside the project (see docs/data.md)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CORPORA_DIR


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory) -> Path:
    """A checkpoint directory as training writes it, holding a tiny random model."""
    from quotestance.config import load_config
    from quotestance.training import build_model

    directory = tmp_path_factory.mktemp("tiny_checkpoint")
    model, tokenizer = build_model(load_config(None, ["--model.encoder=tiny-random", "--train.seed=0"]))
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
