"""What a checkpoint or report came from: code version, packages, machine."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

import torch

PACKAGES = (
    "quotestance",
    "torch",
    "transformers",
    "datasets",
    "accelerate",
    "scikit-learn",
    "seqeval",
    "blingfire",
    "safetensors",
    "tokenizers",
    "numpy",
)


def git_state(root: Path | None = None) -> dict:
    """The commit checked out and whether the working tree differs from it (changed or
    untracked files; ignored ones such as data/ and models/ do not count)."""
    root = Path(root or Path(__file__).resolve().parents[2])

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    # Untracked files count: a run may use a new config or module not yet committed.
    status = git("status", "--porcelain")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def device_description() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_threads": torch.get_num_threads(),
        "cuda": torch.cuda.is_available(),
    }
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
        info["gpu_count"] = torch.cuda.device_count()
    return info


def provenance() -> dict:
    return {"git": git_state(), "packages": package_versions(), "device": device_description()}
