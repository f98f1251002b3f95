"""Model and dataset cards: Hub metadata in a YAML header, no machine paths."""

import json
import os
import shutil
import subprocess
import sys

import yaml

from quotestance.config import load_config
from quotestance.dataset import build_dataset, dataset_card
from quotestance.model_card import model_card
from quotestance.training import build_model


def front_matter(card: str) -> dict:
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n")[1])


def test_model_card_metadata_carries_the_test_results(tmp_path):
    config = load_config(None, ["--model.encoder=tiny-random", "--data.sources=[seed, reuters]"])
    model, _ = build_model(config)
    report = {
        "tasks": {"stance": {"macro_f1": 0.61234}, "quote_type": {"macro_f1": 0.9}},
        "spans": {"SOURCE": {"exact": {"f1": 0.7}}},
    }
    info = {"config": config.to_dict(), "seed": 42}
    metadata = front_matter(model_card(model.config, info, {"reuters-test": report}))
    assert metadata["license"] == "apache-2.0" and metadata["language"] == "en"
    assert metadata["datasets"] == ["seed", "reuters"]
    [index] = metadata["model-index"]
    values = {m["name"]: m["value"] for result in index["results"] for m in result["metrics"]}
    assert values == {"stance macro-F1": 0.6123, "quote_type macro-F1": 0.9, "SOURCE exact-span F1": 0.7}
    assert all(result["dataset"]["split"] == "test" for result in index["results"])


def test_a_saved_checkpoint_names_no_path_of_this_machine(tmp_path):
    model, tokenizer = build_model(load_config(None, ["--model.encoder=packaged:all-MiniLM-L6-v2"]))
    model.save_pretrained(tmp_path)
    saved = (tmp_path / "config.json").read_text()
    assert json.loads(saved)["encoder_config"]["_name_or_path"] == "packaged:all-MiniLM-L6-v2"
    assert "site-packages" not in saved and "/work/" not in saved and str(tmp_path) not in saved


def test_dataset_card_lists_every_source_with_its_licence(root, monkeypatch):
    monkeypatch.chdir(root)
    config = load_config(root / "configs" / "seed.yaml")
    _, stats = build_dataset(config)
    card = dataset_card(config, stats)
    metadata = front_matter(card)
    assert metadata["license"] == "other" and metadata["pretty_name"] == "quotestance sentence dataset"
    assert "| seed | this project: the Reuters article in data/raw" in card


def test_a_hub_id_loads_from_the_local_cache_offline(tiny_checkpoint, tmp_path, root):
    # The Hugging Face cache layout, built by hand: refs/main names a snapshot folder.
    repo = tmp_path / "hub" / "models--someone--quotestance-tiny"
    snapshot = repo / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_checkpoint, snapshot)
    (snapshot / "pytorch_model.bin").write_bytes(b"never read")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    article = root / "data/raw/000_1297e1fb3493ea23.txt"
    code = (
        "from quotestance.inference import Labeler;"
        "labeler = Labeler.from_pretrained('someone/quotestance-tiny');"
        f"print(len(labeler.label_article(open({str(article)!r}).read())))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "hub")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "26"
    missing = subprocess.run(
        [
            sys.executable,
            "-c",
            "from quotestance.inference import Labeler; Labeler.from_pretrained('someone/absent')",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert (
        "someone/absent: not a local folder, and not a Hub repository this machine can read" in missing.stderr
    )
