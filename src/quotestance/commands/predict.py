"""Label articles with a trained checkpoint.

    quotestance predict --model models/seed data/raw/000_1297e1fb3493ea23.txt
    quotestance predict --model models/seed articles/ --format csv --output labels.csv
    cat article.txt | quotestance predict --model models/seed -

INPUT is an article (.txt), a folder of articles (*.txt, recursively), a JSONL of
sentences (.jsonl, {"text", optional "id", "context", "doc_id"} per line) or "-" for
an article on stdin. A bad input is one message on stderr and the rest is labelled;
the exit status is 1 only when nothing could be labelled (2 for a bad checkpoint).
"""

from __future__ import annotations

import argparse
import logging
import sys
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm
from transformers.utils import logging as transformers_logging

from ..actors import DEFAULT_TABLE_PATH
from ..atomic import atomic_output, check_output_folder, check_output_path
from ..errors import EXIT_FAILED, EXIT_USAGE, QuotestanceError
from ..html_view import render_site
from ..inference import QUANTIZE_CHOICES, Labeler
from ..io import ResultWriter, read_inputs
from . import HelpFormatter


def parse_args(argv=None, prog: str | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__.split("\n\n")[0], formatter_class=HelpFormatter
    )
    parser.add_argument("--model", required=True, help="checkpoint directory written by scripts/train.py")
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="article, folder, sentences .jsonl, or -")
    parser.add_argument(
        "--output",
        type=Path,
        help="output file (written whole or not at all); default stdout; "
        "for --format html, a folder for one page per article and index.html",
    )
    parser.add_argument(
        "--format",
        choices=("jsonl", "csv", "html"),
        default="jsonl",
        help="html: the article view (quotestance.html_view), one page per article",
    )
    parser.add_argument("--batch-size", type=int, default=64, help="sentences per forward pass")
    parser.add_argument(
        "--device", choices=("cpu", "cuda", "auto"), default="auto", help="auto: CUDA when present, else CPU"
    )
    parser.add_argument(
        "--quantize", choices=QUANTIZE_CHOICES, help="dynamic int8 on CPU: faster, see docs/inference.md"
    )
    parser.add_argument(
        "--actors", default=str(DEFAULT_TABLE_PATH), help="actor table YAML (default: the package's own)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if args.format == "html" and args.output is None:
        parser.error("--format html needs --output FOLDER (one page per article and an index.html)")
    return args


@contextmanager
def output_stream(path: Path | None, newline: str | None):
    """stdout, or `atomic_output`: the file appears whole, with the replaced file's mode, or not at all."""
    if path is None:
        yield sys.stdout
        return
    with atomic_output(path, newline=newline) as stream:
        yield stream


class NothingLabelled(QuotestanceError):
    """Raised inside the output block so that no empty output file is left behind."""

    exit_code = EXIT_FAILED


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = parse_args(argv, prog)
    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s", stream=sys.stderr)
    transformers_logging.disable_progress_bar()  # a bar for loading 40 tensors is noise
    if args.format == "html":
        check_output_folder(args.output)  # before any reading or model work
    elif args.output is not None:
        check_output_path(args.output)
    documents, problems = read_inputs(args.inputs)
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if not documents:
        print("error: nothing to label (every input was skipped)", file=sys.stderr)
        return 1
    device = "cpu" if args.quantize and args.device == "auto" else args.device
    try:
        labeler = Labeler.from_pretrained(
            args.model, device=device, batch_size=args.batch_size, quantize=args.quantize, actors=args.actors
        )
    except ValueError as error:  # an argument Labeler refuses (device, quantize): a usage error
        if isinstance(error, QuotestanceError):
            raise
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE

    if args.format == "html":
        return write_html(labeler, documents, args)
    labelled = 0
    progress = tqdm(total=0, unit="sentence", file=sys.stderr, disable=args.no_progress, delay=2)
    try:
        with output_stream(args.output, newline="" if args.format == "csv" else None) as stream:
            writer = ResultWriter(stream, args.format, labeler.config)
            for document, results in labeler.label_documents(documents, progress=progress):
                if not results:
                    print(f"skipped: {document.origin}: no sentences found in its text", file=sys.stderr)
                writer.write(results)
                labelled += len(results)
            if not labelled:
                raise NothingLabelled
    except NothingLabelled:
        print("error: nothing could be labelled", file=sys.stderr)
        return EXIT_FAILED
    finally:
        progress.close()
    print(
        f"labelled {labelled} sentences from {len(documents)} documents"
        + (f" into {args.output}" if args.output else ""),
        file=sys.stderr,
    )
    return 0


def write_html(labeler: Labeler, documents, args) -> int:
    """One page per article and index.html in --output, each file written atomically."""
    results = []
    with tqdm(total=0, unit="sentence", file=sys.stderr, disable=args.no_progress, delay=2) as progress:
        for document, labelled in labeler.label_documents(documents, progress=progress):
            if not labelled:
                print(f"skipped: {document.origin}: no sentences found in its text", file=sys.stderr)
            results.extend(labelled)
    if not results:
        print("error: nothing could be labelled", file=sys.stderr)
        return EXIT_FAILED
    pages = render_site(results)
    for name, page in pages.items():
        with atomic_output(args.output / name) as stream:
            stream.write(page)
    print(
        f"labelled {len(results)} sentences from {len(documents)} documents into {len(pages) - 1} pages; "
        f"open {args.output / 'index.html'}",
        file=sys.stderr,
    )
    return 0
