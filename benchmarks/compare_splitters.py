"""Compare sentence splitters on the seed's hard cases and on public newswire samples.

    .venv/bin/python benchmarks/compare_splitters.py [--corpora ../shared/corpora]
        [--isot-articles 200] [--polnear-articles 50] [--examples 8]

Splitters: BlingFire alone, BlingFire with the project's glued-quote repair (what
`Segmenter` uses), and pysbd. Each splits paragraphs (captions are never split, so
they are left out). Reports speed (sentences per second, best of three runs),
sentence counts, agreement with the current splitter (sentences with identical
offsets, as a share of the union of both), and prints disagreements to check by
hand. The numbers and the decision are in docs/segmentation.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import blingfire
import pysbd

from quotestance.segment import Segmenter, is_caption, paragraphs, parse_article, read_article, trim

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "000_1297e1fb3493ea23.txt"

# Sentences the seed's hard cases require, exactly (see tests/test_segment.py).
HARD_CASES = {
    "U.S. does not split": [
        "The administration official, who did not want to be identified, said on Monday that Trump "
        "requested “Pakistan’s full support” for the U.S. effort to advance the Afghan peace process "
        "and for U.S. Special Representative Zalmay Khalilzad’s trip to the region.",
    ],
    "glued quote splits, mark goes right": [
        "Trump also said in the letter to Khan that he “recognizes that Pakistan has the ability to "
        "deny the Taliban sanctuary on its territory,” the official said.",
        "”The letter also makes clear that Pakistan’s assistance with the Afghan peace process is "
        "fundamental to building an enduring U.S.-Pakistan partnership,” the official said.",
    ],
    "two-sentence quotation is two": [
        "“President Trump has also acknowledged that the war had cost both USA and Pakistan.",
        "He has emphasised that Pakistan and USA should explore opportunities to work together and "
        "renew partnership,” Pakistan’s foreign ministry said in a statement.",
    ],
    "quotation alone is its own sentence": ["“It is time for everyone to get on board.”"],
}


def blingfire_alone(text: str) -> list[tuple[int, int]]:
    return trim(text, blingfire.text_to_sentences_and_offsets(text)[1])


class Pysbd:
    def __init__(self):
        self.segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def __call__(self, text: str) -> list[tuple[int, int]]:
        spans = [(piece.start, piece.end) for piece in self.segmenter.segment(text)]
        for start, end in spans:
            # pysbd finds its spans by searching the text again; make sure they are right.
            assert text[start:end].strip(), f"pysbd span {start}-{end} is empty"
        return trim(text, spans)


SPLITTERS = {
    "blingfire+repair (current)": Segmenter().split,
    "blingfire alone": blingfire_alone,
    "pysbd": Pysbd(),
}
REFERENCE = "blingfire+repair (current)"


def seed_paragraphs() -> list[str]:
    article = read_article(SEED)
    texts = [article.text[start:end] for start, end in paragraphs(article)]
    return [text for text in texts if not is_caption(text)]


def isot_paragraphs(corpora: Path, limit: int) -> list[str]:
    # worldnews rows have their quotation marks blanked out (corpora README): politics only.
    texts = []
    with open(corpora / "isot_reuters" / "articles.jsonl", encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            if row["cat"] == "politicsNews" and row["text"].strip():
                article = parse_article(row["text"], doc_id=row["id"])
                texts.extend(article.text[start:end] for start, end in paragraphs(article))
                if len(texts) >= limit:  # one paragraph per ISOT article: no blank lines
                    break
    return texts


def polnear_paragraphs(corpora: Path, limit: int) -> list[str]:
    files = sorted((corpora / "polnear" / "data" / "train" / "text").glob("*.txt"))[:limit]
    texts = []
    for path in files:
        article = read_article(path)
        texts.extend(article.text[start:end] for start, end in paragraphs(article))
    return texts


def inside_quotation(text: str, position: int) -> bool:
    """Whether a quotation is open at `position` (curly marks, or an odd number of straight ones)."""
    before = text[:position]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def boundaries(spans: list[tuple[int, int]]) -> set[int]:
    """Sentence ends inside a paragraph (the paragraph's own end is not a decision)."""
    return {end for _, end in spans[:-1]}


def run(splitter, texts: list[str]) -> tuple[list[list[tuple[int, int]]], float]:
    """Splits of every text and the best of three wall-clock times."""
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        splits = [splitter(text) for text in texts]
        best = min(best, time.perf_counter() - began)
    return splits, best


def compare(name: str, texts: list[str], examples: int) -> None:
    results = {label: run(splitter, texts) for label, splitter in SPLITTERS.items()}
    reference = results[REFERENCE][0]
    print(f"\n## {name}: {len(texts)} paragraphs, {sum(len(t) for t in texts):,} characters\n")
    print("| splitter | sentences | sentences/s | agreement with current |")
    print("|---|---:|---:|---:|")
    for label, (splits, seconds) in results.items():
        count = sum(len(spans) for spans in splits)
        shared = sum(len(set(a) & set(b)) for a, b in zip(splits, reference))
        union = sum(len(set(a) | set(b)) for a, b in zip(splits, reference))
        print(f"| {label} | {count:,} | {count / seconds:,.0f} | {shared / union:.1%} |")
    ours_only = theirs_only = ours_only_quoted = 0
    for text, ours, theirs in zip(texts, reference, results["pysbd"][0]):
        extra = boundaries(ours) - boundaries(theirs)
        ours_only += len(extra)
        ours_only_quoted += sum(inside_quotation(text, end) for end in extra)
        theirs_only += len(boundaries(theirs) - boundaries(ours))
    print(
        f"\nsentence ends only the current splitter makes: {ours_only:,} "
        f"({ours_only_quoted:,} inside a quotation); only pysbd makes: {theirs_only:,}"
    )
    shown = 0
    for text, ours, theirs in zip(texts, reference, results["pysbd"][0]):
        if shown == examples:
            break
        if ours != theirs:
            shown += 1
            only_ours = [text[a:b] for a, b in ours if (a, b) not in theirs]
            only_theirs = [text[a:b] for a, b in theirs if (a, b) not in ours]
            print(f"\ndisagreement {shown}:")
            print("  current only:", json.dumps(only_ours, ensure_ascii=False)[:600])
            print("  pysbd only:  ", json.dumps(only_theirs, ensure_ascii=False)[:600])


def hard_cases() -> None:
    texts = seed_paragraphs()
    print("## seed hard cases (expected sentences produced exactly)\n")
    print("| case | " + " | ".join(SPLITTERS) + " |")
    print("|---|" + "---|" * len(SPLITTERS))
    produced = {
        label: {text[a:b] for text in texts for a, b in splitter(text)}
        for label, splitter in SPLITTERS.items()
    }
    for case, expected in HARD_CASES.items():
        marks = ["pass" if all(s in produced[label] for s in expected) else "FAIL" for label in SPLITTERS]
        print(f"| {case} | " + " | ".join(marks) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--isot-articles", type=int, default=200)
    parser.add_argument("--polnear-articles", type=int, default=50)
    parser.add_argument("--examples", type=int, default=8, help="disagreements to print per sample")
    args = parser.parse_args()
    if not args.corpora.is_dir():
        parser.error(f"corpora not found at {args.corpora}; pass --corpora")
    hard_cases()
    compare("seed article", seed_paragraphs(), args.examples)
    compare(
        f"isot_reuters politicsNews, first {args.isot_articles} articles",
        isot_paragraphs(args.corpora, args.isot_articles),
        args.examples,
    )
    compare(
        f"polnear train, first {args.polnear_articles} texts by name",
        polnear_paragraphs(args.corpora, args.polnear_articles),
        args.examples,
    )


if __name__ == "__main__":
    main()
