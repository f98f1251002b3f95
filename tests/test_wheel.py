"""The built wheel, installed (not editable) into a fresh virtual environment outside the
repository, labels the seed article with `quotestance predict`.

The fresh environment gets the project's dependencies by a path entry to this
environment's site-packages (a `.pth` line adds the folder without running the
editable install's finder there), so the test needs no network; `quotestance` itself
comes only from the wheel, which the test checks.
"""

import json
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def run(command, cwd):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""}
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600, env=env
    )


@pytest.fixture(scope="module")
def installed(root, tmp_path_factory):
    """(the fresh environment's bin folder, a working folder outside the repository)."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Built from a copy of what the wheel is made of, so that setuptools' build/ folder
    # is never written into the repository.
    source = tmp / "source"
    shutil.copytree(root / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, source / name)
    built = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            source,
            "--no-deps",
            "--no-build-isolation",
            "-w",
            tmp / "dist",
        ],
        cwd=tmp,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = (tmp / "dist").glob("quotestance-*.whl")
    venv.EnvBuilder(with_pip=False).create(tmp / "venv")
    bin_dir = tmp / "venv" / "bin"
    [packages] = (tmp / "venv" / "lib").glob("python3*/site-packages")
    (packages / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    # This environment's pip installs into the new one (which has no pip of its own).
    installed = run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            bin_dir / "python",
            "install",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        cwd=tmp,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    work = tmp / "elsewhere"
    work.mkdir()
    return bin_dir, work


def test_the_installed_package_is_the_wheel_with_its_data(installed, root):
    bin_dir, work = installed
    shown = run(
        [
            bin_dir / "python",
            "-c",
            "import quotestance, quotestance.actors as a; print(quotestance.__file__);"
            " print(a.DEFAULT_TABLE_PATH.is_file())",
        ],
        cwd=work,
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    location, has_table = shown.stdout.split()
    assert Path(location).is_relative_to(bin_dir.parent), location  # not the repository's src/
    assert not Path(location).is_relative_to(root)
    assert has_table == "True"
    version = run([bin_dir / "quotestance", "--version"], cwd=work)
    assert version.returncode == 0 and version.stdout.startswith("quotestance 0.")


def test_quotestance_predict_labels_the_seed_from_outside_the_repository(
    installed, tiny_checkpoint, seed_article_path
):
    bin_dir, work = installed
    article = work / "article.txt"
    shutil.copy(seed_article_path, article)
    labelled = run(
        [
            bin_dir / "quotestance",
            "predict",
            "--model",
            tiny_checkpoint,
            article,
            "--output",
            "labels.jsonl",
            "--no-progress",
        ],
        cwd=work,
    )
    assert labelled.returncode == 0, labelled.stderr[-2000:]
    lines = [json.loads(line) for line in (work / "labels.jsonl").read_text().splitlines()]
    assert len(lines) == 26 and all(line["doc_id"] == "article" for line in lines)
    assert {"quote_type", "stance", "source", "source_actor"} <= set(lines[0])
    assert set(os.listdir(work)) == {"article.txt", "labels.jsonl"}  # nothing else written here
