"""Metrics on hand-computed toy cases, the bootstrap, and the written report."""

import json

import numpy as np
import pytest
from sklearn.metrics import f1_score

from quotestance.evaluation import PredictionError, evaluate, macro_f1, word_bio_tags
from quotestance.report import misclassified, write_report
from quotestance.schema import empty_record


def record(index, corpus="toy", **labels):
    return empty_record(
        id=f"{corpus}:d:{index}",
        corpus=corpus,
        doc_id="d",
        sent_index=index,
        text=f"Sentence number {index} said here.",
        **labels,
    )


def prediction(gold, **fields):
    values = {
        "id": gold["id"],
        "quote_type": None,
        "stance": None,
        "source_spans": [],
        "cue_spans": [],
        "content_spans": [],
        "source_resolved": None,
        "source_actor": "NONE",
    }
    values.update(fields)
    return values


@pytest.fixture
def toy():
    gold_labels = ["direct", "direct", "indirect", "indirect", "none"]
    predicted = ["direct", "indirect", "indirect", "indirect", "direct"]
    gold = [record(i, quote_type=label) for i, label in enumerate(gold_labels)]
    preds = [
        prediction(g, quote_type=p, quote_type_probs={p: 0.5 + i / 10})
        for i, (g, p) in enumerate(zip(gold, predicted))
    ]
    return gold, preds


def test_quote_type_metrics_match_hand_computation(toy):
    gold, preds = toy
    metrics = evaluate(gold, preds, bootstrap_samples=50)["tasks"]["quote_type"]
    # direct:   TP 1, gold 2, predicted 2 -> P 1/2, R 1/2, F1 1/2
    # indirect: TP 2, gold 2, predicted 3 -> P 2/3, R 1,   F1 2*2/(2+3) = 0.8
    # none:     TP 0, gold 1, predicted 0 -> F1 0;  mixed: in neither, not averaged
    # macro-F1 = (0.5 + 0.8 + 0) / 3 = 0.4333...; accuracy 3/5
    # kappa: p_o = 0.6, p_e = (2*2 + 2*3 + 1*0) / 25 = 0.4 -> (0.6 - 0.4) / (1 - 0.4) = 1/3
    assert metrics["n"] == 5
    assert metrics["accuracy"] == pytest.approx(0.6)
    assert metrics["macro_f1"] == pytest.approx(1.3 / 3)
    assert metrics["kappa"] == pytest.approx(1 / 3)
    assert metrics["per_class"]["direct"]["precision"] == pytest.approx(0.5)
    assert metrics["per_class"]["indirect"]["precision"] == pytest.approx(2 / 3)
    assert metrics["per_class"]["indirect"]["f1-score"] == pytest.approx(0.8)
    assert metrics["per_class"]["none"]["support"] == 1
    assert "mixed" not in metrics["per_class"]
    # rows gold, columns predicted, in the sorted vocabulary direct, indirect, mixed, none
    assert metrics["labels"] == ["direct", "indirect", "mixed", "none"]
    assert metrics["confusion_matrix"] == [[1, 1, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]]
    assert "stance" not in evaluate(gold, preds, bootstrap_samples=0)["tasks"]


def test_fast_macro_f1_equals_scikit_learn():
    rng = np.random.default_rng(3)
    gold, predicted = rng.integers(0, 4, 200), rng.integers(0, 3, 200)
    assert macro_f1(gold, predicted, 4) == pytest.approx(f1_score(gold, predicted, average="macro"))


def test_bootstrap_interval_is_reproducible_and_depends_on_the_seed():
    rng = np.random.default_rng(0)
    labels = ["direct", "indirect", "mixed", "none"]
    gold = [record(i, quote_type=labels[k]) for i, k in enumerate(rng.integers(0, 4, 40))]
    preds = [prediction(g, quote_type=labels[k]) for g, k in zip(gold, rng.integers(0, 4, 40))]
    first = evaluate(gold, preds, bootstrap_samples=200, seed=7)["tasks"]["quote_type"]["macro_f1_ci"]
    again = evaluate(gold, preds, bootstrap_samples=200, seed=7)["tasks"]["quote_type"]["macro_f1_ci"]
    other = evaluate(gold, preds, bootstrap_samples=200, seed=8)["tasks"]["quote_type"]["macro_f1_ci"]
    assert first == again
    assert first != other
    assert 0.0 <= first[0] <= first[1] <= 1.0


def test_unlabelled_gold_is_skipped_and_stance_polar_score():
    gold = [
        record(0, stance="cooperative"),
        record(1, stance="conflictual"),
        record(2, stance="neutral"),
        record(3),
    ]
    preds = [
        prediction(gold[0], stance="cooperative"),
        prediction(gold[1], stance="neutral"),
        prediction(gold[2], stance="conflictual"),
        prediction(gold[3], stance="neutral"),
    ]
    stance = evaluate(gold, preds, bootstrap_samples=10)["tasks"]["stance"]
    assert stance["n"] == 3  # record 3 has no gold stance
    # gold not neutral: cooperative right (F1 1), conflictual predicted neutral (F1 0) -> 0.5
    polar = stance["cooperative_vs_conflictual"]
    assert polar["n"] == 2
    assert polar["macro_f1"] == pytest.approx(0.5)


def test_span_scores_exact_token_and_overlap():
    # "Sentence number 0 said here."  SOURCE 0-17, CUE 18-22
    gold = [
        record(
            0,
            spans_labelled=True,
            source_spans=[{"start": 0, "end": 17}],
            cue_spans=[{"start": 18, "end": 22}],
        )
    ]
    preds = [
        prediction(gold[0], source_spans=[{"start": 0, "end": 17}], cue_spans=[{"start": 18, "end": 21}])
    ]
    spans = evaluate(gold, preds, bootstrap_samples=0)["spans"]
    assert spans["SOURCE"]["exact"]["f1"] == 1.0
    assert spans["CUE"]["exact"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    # overlap: 3 predicted characters, all inside gold; 3 of 4 gold characters found
    assert spans["CUE"]["overlap"]["precision"] == 1.0
    assert spans["CUE"]["overlap"]["recall"] == pytest.approx(0.75)
    # both cue spans start at the word "said": the same word-level span
    assert spans["CUE"]["token"]["f1"] == 1.0
    assert spans["CONTENT"]["gold"] == 0


def test_word_bio_tags_start_a_new_span_at_each_span():
    text = "Pakistan and India said"
    assert word_bio_tags(text, [(0, 8), (13, 18)], "SOURCE") == ["B-SOURCE", "O", "B-SOURCE", "O"]
    assert word_bio_tags(text, [(0, 18)], "SOURCE") == ["B-SOURCE", "I-SOURCE", "I-SOURCE", "O"]


def test_attribution_accuracy_uses_normalised_names():
    gold = [
        record(0, source_actor="PAK", source_resolved="Pakistan foreign ministry"),
        record(1, source_actor="USA", source_resolved="Donald Trump"),
        record(2, source_actor="NONE"),
    ]
    preds = [
        prediction(gold[0], source_actor="PAK", source_resolved="The pakistan’s Foreign Ministry."),
        prediction(gold[1], source_actor="USA", source_resolved="Trump"),
        prediction(gold[2]),
    ]
    attribution = evaluate(gold, preds, bootstrap_samples=0)["attribution"]
    assert attribution["n"] == 2
    assert attribution["source_actor_accuracy"] == 1.0
    assert attribution["source_resolved_accuracy"] == 0.5


def test_breakdown_by_corpus_and_fingerprint(toy):
    gold, preds = toy
    other = [record(9, corpus="other", quote_type="none")]
    report = evaluate(
        gold + other,
        preds + [prediction(other[0], quote_type="none")],
        bootstrap_samples=0,
        metadata={"model": "toy"},
    )
    assert set(report["by_corpus"]) == {"toy", "other"}
    assert report["by_corpus"]["other"]["tasks"]["quote_type"]["accuracy"] == 1.0
    assert report["metadata"] == {"model": "toy"}
    assert report["data"]["fingerprint"] != evaluate(gold, preds, bootstrap_samples=0)["data"]["fingerprint"]


def test_missing_predictions_and_unknown_labels_are_refused(toy):
    gold, preds = toy
    with pytest.raises(PredictionError, match="no prediction"):
        evaluate(gold, preds[:-1])
    with pytest.raises(PredictionError, match="not in the vocabulary"):
        evaluate(gold, [dict(p, quote_type="quoted") for p in preds])


def test_write_report_files_and_errors_worst_first(toy, tmp_path):
    gold, preds = toy
    report = evaluate(gold, preds, bootstrap_samples=20)
    out = write_report(report, preds, gold, tmp_path / "toy-test")
    names = {p.name for p in out.iterdir()}
    assert {
        "report.json",
        "report.md",
        "errors.jsonl",
        "confusion_quote_type.png",
        "f1_quote_type.png",
    } <= names
    assert json.loads((out / "report.json").read_text())["data"] == report["data"]
    assert "(confusion_quote_type.png)" in (out / "report.md").read_text()
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["id"] for e in errors] == ["toy:d:4", "toy:d:1"]  # confidence 0.9, then 0.6
    assert errors == misclassified(preds, gold)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_report_metadata_and_its_folded_config(toy, root):
    import yaml

    from quotestance.config import load_config
    from quotestance.report import render_markdown, report_metadata

    config = load_config(root / "configs" / "seed.yaml", ["--train.seed=5"])
    metadata = report_metadata(config, model="models/seed", config_file="configs/seed.yaml")
    assert metadata["model"] == "models/seed" and metadata["config_file"] == "configs/seed.yaml"
    assert metadata["data"] == {"processed_dir": config.data.processed_dir, "sources": ["seed"]}
    assert metadata["created"].endswith("+00:00")
    assert metadata["config"] == config.to_dict()
    assert {"git", "packages", "device"} <= set(metadata["provenance"])
    gold, preds = toy
    markdown = render_markdown(evaluate(gold, preds, bootstrap_samples=0, metadata=metadata))
    folded = markdown.split("<details><summary>config</summary>", 1)[1].split("</details>", 1)[0]
    block = folded.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert yaml.safe_load(block) == config.to_dict()  # the whole config, readable back
    assert "{'data'" not in markdown  # no Python dict in backticks
