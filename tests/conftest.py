"""Shared fixtures: the real data folder, a local HTTP server for download tests, and the
repository's scripts (``tools/``), loaded as modules."""

from __future__ import annotations

import http.server
import importlib.util
import os
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name: str):
    """``tools/NAME.py`` as a module (the tools import each other by name, as scripts do)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "tools"))


def real_data_dir() -> Path | None:
    """``$LENET_TUTORIAL_DATA``, else the shared data folder beside the checkout, if present."""
    for candidate in (os.environ.get("LENET_TUTORIAL_DATA"), ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "usps" / "zip.test.gz").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = real_data_dir()
    if path is None:
        pytest.skip("the real data files are not available: set LENET_TUTORIAL_DATA")
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """No test reads or writes the reader's real cache."""
    monkeypatch.setenv("LENET_TUTORIAL_CACHE", str(tmp_path / "cache"))


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes, int | None]] = {}

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        status, content_type, body, length = self.routes.get(
            self.path, (404, "text/plain", b"not found", None)
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


class LocalServer:
    """A real HTTP server on 127.0.0.1 whose answers the test sets per path."""

    def __init__(self):
        self.routes: dict[str, tuple[int, str, bytes, int | None]] = {}
        handler = type("Handler", (_Handler,), {"routes": self.routes})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        content_type: str = "application/octet-stream",
        length: int | None = None,
    ):
        """Answer GET ``path`` with ``body``; ``length`` may announce more bytes than are sent."""
        self.routes[path] = (status, content_type, body, length)

    def mirror(self, name: str) -> str:
        return f"{self.base}/{name}/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = LocalServer()
    yield s
    s.close()
