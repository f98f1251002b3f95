"""Get the public corpora: download each from its origin, check it, lay it out.

    quotestance fetch-corpora --to ../shared/corpora [polnear plover_plv ...]

The manifest (`quotestance/resources/corpora.yaml`, or `--manifest FILE`) names, per
corpus, an archive URL and the files or folders to take from it, each with the
SHA-256 of its content: a file's digest, or for a folder the digest of its sorted
(relative path, file digest) list (`tree_sha256`). An archive's own digest is checked
too where the manifest gives one.

What it promises: a download resumes from where it stopped (HTTP Range); a corpus
appears under `--to` whole and verified, or not at all (built in a staging folder and
renamed into place); a checksum mismatch is refused with the file named, and the bad
download is removed; a corpus already there and verified is left alone.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import shutil
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from ..atomic import staged_directory
from ..errors import DataError

DEFAULT_MANIFEST = Path(str(resources.files("quotestance").joinpath("resources", "corpora.yaml")))
SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1 << 20  # bytes read per step: downloads and digests stream, whatever the size


class FetchError(DataError, ValueError):
    """A corpus that cannot be fetched or does not verify; the message names it and why."""


@dataclass(frozen=True)
class Member:
    """One file or folder taken from the archive (`source`), placed at `target` inside
    the corpus folder, with the SHA-256 its content must have."""

    source: str
    target: str
    sha256: str


@dataclass(frozen=True)
class CorpusDownload:
    name: str  # the folder under corpora_dir
    url: str | None  # None: the corpus cannot be downloaded (see `manual`)
    members: tuple[Member, ...]
    archive_sha256: str | None = None
    manual: str | None = None  # how to get it by hand, where there is no URL


def load_manifest(path: str | Path = DEFAULT_MANIFEST) -> dict[str, CorpusDownload]:
    """The manifest's corpora by name; a malformed entry is a FetchError naming it."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        corpora = {}
        for name, entry in document["corpora"].items():
            members = tuple(Member(m["from"], m["to"], m["sha256"]) for m in entry["members"])
            for member in members:
                if not isinstance(member.sha256, str) or not SHA256.fullmatch(member.sha256):
                    raise FetchError(
                        f"{path}: corpus {name!r}, member {member.source!r}: sha256 must be 64 hex digits "
                        "(quote it in YAML)"
                    )
            corpora[name] = CorpusDownload(
                name, entry.get("url"), members, entry.get("archive_sha256"), entry.get("manual")
            )
        return corpora
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        raise FetchError(
            f"{path}: not a corpora manifest ({type(error).__name__}: {error}); each corpus needs "
            "url (or manual) and members [{from, to, sha256}]"
        ) from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def tree_sha256(folder: Path) -> str:
    """The digest of a folder: its files' relative paths and digests, sorted."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(folder).as_posix()}\0{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def content_sha256(path: Path) -> str:
    return tree_sha256(path) if path.is_dir() else file_sha256(path)


def verify(corpus: CorpusDownload, folder: Path) -> list[str]:
    """What in `folder` does not match the manifest (missing or different), one line each."""
    problems = []
    for member in corpus.members:
        path = folder / member.target
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        found = content_sha256(path)
        if found != member.sha256:
            problems.append(f"{path}: SHA-256 {found[:12]}..., expected {member.sha256[:12]}...")
    return problems


def download(url: str, target: Path, timeout: float = 60) -> Path:
    """`url` into `target`, resuming a partial `target.part` from where it stopped."""
    partial = target.with_name(target.name + ".part")
    done = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={done}-"} if done else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            resumed = done and response.status == 206  # a server without Range support restarts
            expected = response.headers.get("Content-Length")
            received = 0
            with partial.open("ab" if resumed else "wb") as stream:
                while block := response.read(CHUNK):
                    stream.write(block)
                    received += len(block)
            # A connection closed early is not an error to urllib: compare with what was announced.
            if expected is not None and received < int(expected):
                raise http.client.IncompleteRead(b"", int(expected) - received)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        raise FetchError(
            f"{url}: download failed ({type(error).__name__}); run the command again to resume from "
            f"{partial.stat().st_size if partial.exists() else 0} bytes"
        ) from None
    partial.replace(target)
    return target


def fetch(corpus: CorpusDownload, to_dir: Path, downloads: Path) -> str:
    """Fetch one corpus into to_dir/<name>; returns what was done ("present", "fetched")."""
    final = to_dir / corpus.name
    if final.exists():
        problems = verify(corpus, final)
        if not problems:
            return "present"
        raise FetchError(
            f"{final}: exists but does not match the manifest ({problems[0]}); move it away and run again"
        )
    if corpus.url is None:
        raise FetchError(f"{corpus.name}: cannot be downloaded automatically; {corpus.manual}")
    downloads.mkdir(parents=True, exist_ok=True)
    archive = download(corpus.url, downloads / f"{corpus.name}.zip")
    if corpus.archive_sha256 and file_sha256(archive) != corpus.archive_sha256:
        archive.unlink()
        raise FetchError(
            f"{corpus.url}: the archive's SHA-256 is not the manifest's; removed it (the origin changed, "
            "or the download was corrupted): nothing was laid out"
        )
    with staged_directory(final) as staging:
        try:
            with zipfile.ZipFile(archive) as bundle:
                for member in corpus.members:
                    _extract(bundle, member, staging)
        except (zipfile.BadZipFile, KeyError) as error:
            archive.unlink()
            raise FetchError(f"{archive}: not the expected archive ({error}); removed it") from None
        problems = verify(corpus, staging)
        if problems:
            archive.unlink()
            raise FetchError(
                f"{corpus.name}: {len(problems)} member(s) do not match the manifest, e.g. "
                f"{problems[0].replace(str(staging), str(final))}; removed the download, nothing was laid out"
            )
    archive.unlink()
    return "fetched"


def _extract(bundle: zipfile.ZipFile, member: Member, staging: Path) -> None:
    """A file or a folder of the archive to staging/<member.target>, no path leaving it."""
    prefix = member.source.rstrip("/")
    names = [n for n in bundle.namelist() if n == prefix or n.startswith(prefix + "/")]
    if not names:
        raise KeyError(f"no {member.source!r} in the archive")
    for name in names:
        if name.endswith("/"):
            continue
        relative = (
            Path(member.target) / Path(name).relative_to(prefix) if name != prefix else Path(member.target)
        )
        target = (staging / relative).resolve()
        if not target.is_relative_to(staging.resolve()):
            raise KeyError(f"{name!r} would be written outside the corpus folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        with bundle.open(name) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
