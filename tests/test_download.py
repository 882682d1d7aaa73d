"""The download path, run for real against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import socket
import threading
import time

import pytest

from lenet_tutorial.data import DataFileError, files, load_usps
from lenet_tutorial.data import download as download_module
from lenet_tutorial.data.download import download_file

BODY = os.urandom(50_000)
SPEC = files.DataFile("usps", "sample.bin", len(BODY), hashlib.sha256(BODY).hexdigest(), ())


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_first_good_mirror_wins_after_a_bad_one(server, tmp_path):
    server.serve("/good/sample.bin", BODY)
    path = download_file(SPEC, tmp_path, mirrors=(server.mirror("missing"), server.mirror("good")))
    assert path.read_bytes() == BODY
    assert leftovers(tmp_path) == ["sample.bin"]


def test_html_page_is_skipped(server, tmp_path):
    server.serve(
        "/parked/sample.bin", b"<!DOCTYPE html><html>domain for sale</html>", content_type="text/html"
    )
    server.serve(
        "/sneaky/sample.bin", b"<html>no content type</html>", content_type="application/octet-stream"
    )
    server.serve("/good/sample.bin", BODY)
    mirrors = (server.mirror("parked"), server.mirror("sneaky"), server.mirror("good"))
    assert download_file(SPEC, tmp_path, mirrors=mirrors).read_bytes() == BODY


def test_every_mirror_bad_lists_each_attempt_and_says_what_to_do(server, tmp_path):
    server.serve("/html/sample.bin", b"<html>moved</html>", content_type="text/html")
    server.serve("/short/sample.bin", BODY[:1000], length=len(BODY))  # connection cut short
    server.serve("/wrong/sample.bin", bytes(len(BODY)))  # right size, wrong bytes
    server.serve("/forbidden/sample.bin", b"no", status=403)
    mirrors = tuple(server.mirror(m) for m in ("html", "short", "wrong", "forbidden"))
    with pytest.raises(DataFileError) as error:
        download_file(SPEC, tmp_path, mirrors=mirrors)
    message = str(error.value)
    assert "HTML page" in message
    assert "truncated" in message or "broke off" in message
    assert "wrong checksum" in message
    assert "HTTP 403" in message
    assert "LENET_TUTORIAL_DATA" in message and "usps/sample.bin" in message and SPEC.sha256 in message
    assert leftovers(tmp_path) == []  # no half-written file left anywhere


def test_no_network_fails_fast(tmp_path):
    # Port 9 on 127.0.0.1 (discard) refuses connections here: like a machine with no network.
    start = time.monotonic()
    with pytest.raises(DataFileError, match="no connection"):
        download_file(SPEC, tmp_path, mirrors=("http://127.0.0.1:9/a/", "http://127.0.0.1:9/b/"))
    assert time.monotonic() - start < 5


def test_silent_mirror_times_out_and_next_is_tried(server, tmp_path, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts connections, never answers
    monkeypatch.setattr(download_module, "TIMEOUT_S", 0.5)
    server.serve("/good/sample.bin", BODY)
    silent = f"http://127.0.0.1:{listener.getsockname()[1]}/silent/"
    start = time.monotonic()
    try:
        path = download_file(SPEC, tmp_path, mirrors=(silent, server.mirror("good")))
    finally:
        listener.close()
    assert path.read_bytes() == BODY
    assert time.monotonic() - start < 5


def test_loader_downloads_real_usps_into_the_cache(server, tmp_path, monkeypatch, data_dir):
    real = (data_dir / "usps" / "zip.test.gz").read_bytes()
    server.serve("/esl/zip.test.gz", real)
    spec = dataclasses.replace(
        files.FILES["zip.test.gz"], mirrors=(server.mirror("gone"), server.mirror("esl"))
    )
    monkeypatch.setitem(files.FILES, "zip.test.gz", spec)
    monkeypatch.delenv("LENET_TUTORIAL_DATA", raising=False)
    monkeypatch.setenv("LENET_TUTORIAL_CACHE", str(tmp_path / "cache"))
    images, labels = load_usps("test")
    assert images.shape == (2007, 16, 16)
    assert (tmp_path / "cache" / "usps" / "zip.test.gz").read_bytes() == real
    # the second load uses the cache: the server may go away
    server.routes.clear()
    images2, _ = load_usps("test")
    assert (images2 == images).all()


def test_concurrent_downloads_never_expose_a_partial_file(server, tmp_path):
    server.serve("/good/sample.bin", BODY)
    seen_partial = []

    def watch():
        for _ in range(200):
            target = tmp_path / "sample.bin"
            if target.exists() and target.stat().st_size != len(BODY):
                seen_partial.append(target.stat().st_size)
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    download_file(SPEC, tmp_path, mirrors=(server.mirror("good"),))
    watcher.join()
    assert seen_partial == []
