"""Download the public corpora from their origins, verify them, and lay them out.

    quotestance fetch-corpora --to ../shared/corpora                 # every corpus
    quotestance fetch-corpora --to corpora polnear plover_plv        # some

Each corpus appears under --to whole and verified (SHA-256 of every file or folder the
project reads, from the manifest), or not at all; an interrupted download resumes; a
corpus already there and verified is left as it is. Point data.corpora_dir at --to.
"""

import argparse
import sys
from pathlib import Path

from ..corpora.fetch import DEFAULT_MANIFEST, FetchError, fetch, load_manifest
from ..errors import EXIT_FAILED
from . import HelpFormatter


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("names", nargs="*", metavar="CORPUS", help="corpora to fetch (default: all)")
    parser.add_argument("--to", type=Path, required=True, help="the folder to lay the corpora out in")
    parser.add_argument(
        "--manifest", type=Path, default=DEFAULT_MANIFEST, help="URLs and sums of the corpora"
    )
    args = parser.parse_args(argv)
    manifest = load_manifest(args.manifest)
    unknown = sorted(set(args.names) - set(manifest))
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)}; the manifest has {', '.join(manifest)}")
    failed = 0
    for name in args.names or list(manifest):
        try:
            outcome = fetch(manifest[name], args.to, args.to / ".downloads")
            print(f"{name}: {outcome} and verified in {args.to / name}")
        except FetchError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
    return EXIT_FAILED if failed else 0
