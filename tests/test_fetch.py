"""`quotestance fetch-corpora` against a local HTTP server that the test starts: layout,
verification, resuming, and refusing a mismatch without leaving anything half-made."""

import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from quotestance.commands.fetch_corpora import main
from quotestance.corpora.fetch import file_sha256, tree_sha256
from quotestance.errors import exit_status

FILES = {
    "data/a.txt": b"first article\n" * 500,
    "data/sub/b.txt": b"second\n" * 300,
    "train.tsv": b"x\t1\n" * 400,
}


class Server:
    """Serves /repo.zip with HTTP Range; `cut_after` bytes ends the next response early."""

    def __init__(self, payload: bytes):
        self.payload, self.cut_after, self.ranges = payload, None, []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                start = int(self.headers["Range"].split("=")[1].rstrip("-")) if self.headers["Range"] else 0
                owner.ranges.append(start)
                body = owner.payload[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if owner.cut_after is not None:
                    body, owner.cut_after = body[: owner.cut_after], None
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/repo.zip"


@pytest.fixture()
def origin(tmp_path):
    archive = tmp_path / "repo.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, data in FILES.items():
            bundle.writestr(f"Repo-main/{name}", data)
    laid_out = tmp_path / "expected"
    for name, data in FILES.items():
        (laid_out / name).parent.mkdir(parents=True, exist_ok=True)
        (laid_out / name).write_bytes(data)
    server = Server(archive.read_bytes())
    yield server, tree_sha256(laid_out / "data"), file_sha256(laid_out / "train.tsv")
    server.httpd.shutdown()


def manifest(tmp_path: Path, url: str, data_sum: str, tsv_sum: str) -> Path:
    path = tmp_path / "corpora.yaml"
    path.write_text(
        "corpora:\n  toy:\n"
        f"    url: {url}\n"
        "    members:\n"
        f"      - {{from: Repo-main/data, to: data, sha256: {data_sum}}}\n"
        f"      - {{from: Repo-main/train.tsv, to: train.tsv, sha256: {tsv_sum}}}\n"
    )
    return path


def test_fetch_lays_out_verifies_and_leaves_a_verified_corpus_alone(origin, tmp_path, capsys):
    server, data_sum, tsv_sum = origin
    path = manifest(tmp_path, server.url, data_sum, tsv_sum)
    to = tmp_path / "corpora"
    assert main(["--to", str(to), "--manifest", str(path)]) == 0
    assert (to / "toy" / "data" / "sub" / "b.txt").read_bytes() == FILES["data/sub/b.txt"]
    assert (to / "toy" / "train.tsv").read_bytes() == FILES["train.tsv"]
    assert sorted(p.name for p in to.iterdir()) == [".downloads", "toy"]
    assert list((to / ".downloads").iterdir()) == []  # the archive is removed once laid out
    assert main(["--to", str(to), "--manifest", str(path)]) == 0
    assert "toy: present and verified" in capsys.readouterr().out
    assert server.ranges == [0]  # the second run downloaded nothing


def test_an_interrupted_download_resumes_where_it_stopped(origin, tmp_path, capsys):
    server, data_sum, tsv_sum = origin
    path = manifest(tmp_path, server.url, data_sum, tsv_sum)
    to = tmp_path / "corpora"
    server.cut_after = 1000
    assert main(["--to", str(to), "--manifest", str(path)]) == 1
    assert "download failed" in capsys.readouterr().err
    assert not (to / "toy").exists() and (to / ".downloads" / "toy.zip.part").stat().st_size == 1000
    assert main(["--to", str(to), "--manifest", str(path)]) == 0
    assert server.ranges == [0, 1000]
    assert (to / "toy" / "train.tsv").read_bytes() == FILES["train.tsv"]


def test_a_checksum_mismatch_is_refused_and_nothing_is_left(origin, tmp_path, capsys):
    server, data_sum, _ = origin
    path = manifest(tmp_path, server.url, data_sum, "f" * 64)
    to = tmp_path / "corpora"
    assert main(["--to", str(to), "--manifest", str(path)]) == 1
    err = capsys.readouterr().err
    assert "toy: 1 member(s) do not match the manifest" in err and "train.tsv: SHA-256" in err
    assert sorted(p.name for p in to.iterdir()) == [".downloads"]  # no corpus, no staging folder
    assert list((to / ".downloads").iterdir()) == []  # the bad download is removed


def test_a_malformed_manifest_is_one_error_naming_the_entry(tmp_path, capsys):
    path = manifest(tmp_path, "http://127.0.0.1:9/x.zip", "0" * 64, "f" * 64)  # YAML reads 000... as 0
    assert exit_status(main, ["--to", str(tmp_path / "c"), "--manifest", str(path)]) == 2
    assert "corpus 'toy', member 'Repo-main/data': sha256 must be 64 hex digits" in capsys.readouterr().err
