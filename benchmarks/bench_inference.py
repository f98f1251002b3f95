"""How fast the Labeler is, against a naive baseline, on the same Reuters sentences.

    python benchmarks/bench_inference.py                 # fresh heads on packaged MiniLM
    python benchmarks/bench_inference.py --model models/seed --n 2000
    python benchmarks/bench_inference.py --model models/seed --accuracy   # int8 cost

Variants, each in its own fresh process so that peak memory is its own:
  baseline  one transformers pipeline("text-classification") per sentence task
            (AutoModelForSequenceClassification on the same encoder, sentence + context
            pair, truncated the same way), called sentence by sentence;
  fp32      Labeler: length-sorted batches, dynamic padding, all tasks (spans too)
            in one forward pass, inference_mode;
  int8      the same with dynamic int8 quantization of every nn.Linear.
Speed does not depend on the weights, so the default model is the packaged encoder
with fresh heads. Memory is the process's peak resident set size (getrusage
ru_maxrss: Python, torch, model and activations), and its rise during labelling
over the resident size just before it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ISOT = ROOT.parent / "shared" / "corpora" / "isot_reuters" / "articles.jsonl"
VARIANTS = ("baseline", "fp32", "int8")
WARMUP = 32


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="checkpoint directory (default: packaged MiniLM, fresh heads)")
    parser.add_argument("--n", type=int, default=2000, help="sentences to label")
    parser.add_argument("--isot", type=Path, default=ISOT, help="isot_reuters articles.jsonl")
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help="comma-separated subset of " + ",".join(VARIANTS)
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's, one per core)")
    parser.add_argument(
        "--accuracy",
        action="store_true",
        help="with a trained --model: fp32 vs int8 on the seed and PolNeAR test",
    )
    parser.add_argument(
        "--polnear-articles", type=int, default=30, help="PolNeAR test articles for --accuracy"
    )
    parser.add_argument("--run-variant", choices=VARIANTS, help=argparse.SUPPRESS)  # child process
    return parser.parse_args(argv)


def reuters_sentences(path: Path, n: int) -> list[dict]:
    """The first n sentences of the politicsNews articles (worldnews lost its quotation
    marks), each with its doc_id and the context training gives it (segment.contexts)."""
    from quotestance.segment import Segmenter, contexts, parse_article

    segmenter = Segmenter()
    sentences = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["cat"] != "politicsNews":
                continue
            segmented = segmenter.segment(parse_article(row["text"], row["id"]))
            for sentence, context in zip(segmented, contexts(segmented)):
                sentences.append({"doc_id": row["id"], "text": sentence.text, "context": context})
            if len(sentences) >= n:
                return sentences[:n]
    print(f"note: only {len(sentences)} politicsNews sentences in {path}", file=sys.stderr)
    return sentences


def as_documents(sentences: list[dict]):
    """Sentences grouped back into their articles, for Labeler.label_documents."""
    from quotestance.io import Document

    documents = {}
    for sentence in sentences:
        document = documents.setdefault(sentence["doc_id"], Document(sentence["doc_id"], sentence["doc_id"]))
        document.sentences.append({"text": sentence["text"], "context": sentence["context"]})
    return list(documents.values())


def fresh_checkpoint(directory: Path) -> Path:
    """The packaged MiniLM with randomly initialised heads, saved like a training run."""
    from quotestance.config import load_config
    from quotestance.training import build_model

    model, tokenizer = build_model(load_config(None, ["--train.seed=0"]))
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def baseline_labeler(model_dir: str):
    """One text-classification pipeline per sentence task, on the checkpoint's encoder."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    from quotestance.model import QuoteStanceModel
    from quotestance.tasks import SPAN_TASK

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    checkpoint = QuoteStanceModel.from_pretrained(model_dir)
    pipes = {}
    for task in checkpoint.config.tasks:
        if task == SPAN_TASK:
            continue
        labels = checkpoint.config.task_labels[task]
        encoder_config = checkpoint.config.build_encoder_config()
        encoder_config.num_labels = len(labels)
        classifier = AutoModelForSequenceClassification.from_config(encoder_config)
        # The same encoder weights: the baseline does the same encoder work per task.
        getattr(classifier, classifier.base_model_prefix).load_state_dict(
            checkpoint.encoder.state_dict(), strict=False
        )
        pipes[task] = pipeline(
            "text-classification", model=classifier.eval(), tokenizer=tokenizer, device=torch.device("cpu")
        )
    max_length = checkpoint.config.max_seq_length
    del checkpoint

    def label(sentences):
        return [
            {
                task: pipe(
                    {"text": s["text"], "text_pair": s["context"]}, truncation=True, max_length=max_length
                )
                for task, pipe in pipes.items()
            }
            for s in sentences
        ]

    return label


def run_variant(args) -> dict:
    """Child process: load one variant, warm it up, time it on the sentences."""
    import torch

    from quotestance.inference import Labeler

    if args.threads:
        torch.set_num_threads(args.threads)
    sentences = reuters_sentences(args.isot, args.n)
    if args.run_variant == "baseline":
        label = baseline_labeler(args.model)
    else:
        # The whole Labeler path: model, span decoding, source resolution, actor codes.
        labeler = Labeler.from_pretrained(
            args.model,
            device="cpu",
            batch_size=args.batch_size,
            quantize="int8" if args.run_variant == "int8" else None,
        )

        def label(sentences):
            return list(labeler.label_documents(as_documents(sentences)))

    label(sentences[:WARMUP])
    rss_before = current_rss_mb()
    started = time.perf_counter()
    label(sentences)
    seconds = time.perf_counter() - started
    return {
        "variant": args.run_variant,
        "sentences": len(sentences),
        "seconds": seconds,
        "per_second": len(sentences) / seconds,
        "peak_rss_mb": peak_rss_mb(),
        "rise_mb": max(0.0, peak_rss_mb() - rss_before),
        "threads": torch.get_num_threads(),
    }


def speed_table(args, model_dir: str) -> list[dict]:
    rows = []
    for variant in args.variants.split(","):
        command = [
            sys.executable,
            __file__,
            "--model",
            model_dir,
            "--n",
            str(args.n),
            "--isot",
            str(args.isot),
            "--batch-size",
            str(args.batch_size),
            "--run-variant",
            variant,
        ]
        if args.threads:
            command += ["--threads", str(args.threads)]
        print(f"running {variant} ...", file=sys.stderr, flush=True)
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{variant} failed:\n{done.stderr[-3000:]}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    base = next((r for r in rows if r["variant"] == "baseline"), None)
    print(
        f"\n{rows[0]['sentences']} politicsNews sentences, {rows[0]['threads']} torch threads, "
        f"batch size {args.batch_size}, model {args.model or 'packaged MiniLM, fresh heads'}"
    )
    print(f"{'variant':<10}{'seconds':>9}{'sent/s':>9}{'x baseline':>12}{'peak RSS MB':>13}{'rise MB':>9}")
    for row in rows:
        ratio = f"{row['per_second'] / base['per_second']:.1f}x" if base else "-"
        print(
            f"{row['variant']:<10}{row['seconds']:>9.1f}{row['per_second']:>9.1f}{ratio:>12}"
            f"{row['peak_rss_mb']:>13.0f}{row['rise_mb']:>9.0f}"
        )
    return rows


def accuracy_report(args) -> None:
    """fp32 vs int8 on the gold records: agreement, and each one's scores against the gold."""
    from quotestance.annotations import seed_records
    from quotestance.evaluation import span_metrics
    from quotestance.inference import Labeler

    sets = {"seed": seed_records(ROOT / "data" / "raw", ROOT / "data" / "annotations")}
    corpora = args.isot.parents[1]
    if (corpora / "polnear").is_dir():
        from quotestance.corpora.polnear import polnear_records

        records, _ = polnear_records(corpora, limit=args.polnear_articles)
        sets[f"polnear test ({args.polnear_articles} articles)"] = [
            r for r in records if r["split"] == "test"
        ]
    labelers = {
        name: Labeler.from_pretrained(args.model, device="cpu", batch_size=args.batch_size, quantize=q)
        for name, q in (("fp32", None), ("int8", "int8"))
    }
    print(
        f"\n{'records':<32}{'n':>6}  {'task':<11}{'agree':>7}{'fp32':>8}{'int8':>8}"
        "  (accuracy; exact span F1)"
    )
    for set_name, records in sets.items():
        predictions = {name: labeler.predict_records(records) for name, labeler in labelers.items()}
        for task in ("quote_type", "stance"):
            pairs = [(a[task], b[task]) for a, b in zip(predictions["fp32"], predictions["int8"])]
            agree = sum(a == b for a, b in pairs) / len(pairs)
            gold = [(i, r[task]) for i, r in enumerate(records) if r.get(task) is not None]
            scores = [
                sum(predictions[name][i][task] == g for i, g in gold) / len(gold) if gold else float("nan")
                for name in ("fp32", "int8")
            ]
            shown = [f"{score:>8.3f}" if gold else f"{'-':>8}" for score in scores]  # "-": no gold labels
            print(f"{set_name:<32}{len(records):>6}  {task:<11}{agree:>7.3f}{shown[0]}{shown[1]}")
        labelled = [i for i, r in enumerate(records) if r.get("spans_labelled")]
        if not labelled:
            continue
        # The evaluation's exact span F1 (same start and end), per span type.
        spans = {
            name: span_metrics([(records[i], predictions[name][i]) for i in labelled])
            for name in ("fp32", "int8")
        }
        for span_type in spans["fp32"]:
            f1 = [spans[name][span_type]["exact"]["f1"] for name in ("fp32", "int8")]
            print(
                f"{set_name:<32}{len(labelled):>6}  {span_type:<11}{'':>7}{f1[0]:>8.3f}{f1[1]:>8.3f}"
                f"  (int8 - fp32 = {f1[1] - f1[0]:+.3f})"
            )


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.run_variant:
        print(json.dumps(run_variant(args)))
        return
    if args.accuracy:
        if not args.model:
            sys.exit("--accuracy needs a trained --model: fresh heads have no accuracy to lose")
        accuracy_report(args)
        return
    if not args.isot.is_file():
        sys.exit(f"{args.isot}: not found; pass --isot PATH to isot_reuters/articles.jsonl")
    if args.model:
        speed_table(args, args.model)
        return
    with tempfile.TemporaryDirectory(prefix="bench-model-") as directory:
        speed_table(args, str(fresh_checkpoint(Path(directory))))


if __name__ == "__main__":
    main()
