"""The built book, opened page by page in headless Chromium.

Run after ``jupyter-book build .``: serves ``_build/html`` on 127.0.0.1 and checks
each page's title, console, images, formulas, launch buttons and internal links. The
pages must work offline: a request
to any other host than the test server is answered with an empty response, listed, and
fails the page. MathJax is the book's own copy (``make book`` vendors it).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
import urllib.parse
from pathlib import Path

import pytest
import yaml

from ..conftest import load_tool

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
PAGES = (
    sorted(str(p.relative_to(HTML)) for p in HTML.rglob("*.html") if "_static" not in p.parts)
    if HTML.is_dir()
    else []
)


@pytest.fixture(scope="module")
def site():
    if not HTML.is_dir():
        pytest.fail("no built book: run `jupyter-book build .` first")

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium, or set CHROMIUM")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def open_page(browser, site, page_path):
    """Load a page; return it with its console errors and the off-site URLs it asked for."""
    page = browser.new_page()
    errors, external = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(site):
            r.continue_()
        else:
            external.append(r.request.url)
            r.fulfill(status=200, body="", content_type="text/plain")

    page.route("**/*", route)
    page.goto(f"{site}/{page_path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, errors, external


def test_the_book_has_its_pages():
    names = {Path(p).stem for p in PAGES}
    assert {"intro", "digits", "scorecard", "references"} <= names


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_cleanly(browser, site, page_path):
    page, errors, external = open_page(browser, site, page_path)
    try:
        assert page.title().strip(), "page has no title"
        assert page.locator("h1").count() >= 1 or Path(page_path).stem in ("genindex", "search")
        assert errors == [], f"console errors: {errors}"
        assert external == [], f"requests that left the site: {external}"
        broken = page.evaluate(
            "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert broken == [], f"images that did not load: {broken}"
    finally:
        page.close()


PAGES_WITH_FORMULAS = [p for p in PAGES if 'class="math' in (HTML / p).read_text(errors="replace")]


def test_the_book_has_formulas_to_render():
    assert len(PAGES_WITH_FORMULAS) >= 5


@pytest.mark.parametrize("page_path", PAGES_WITH_FORMULAS)
def test_formulas_are_rendered_by_the_books_own_mathjax(browser, site, page_path):
    page, _, external = open_page(browser, site, page_path)
    try:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        formulas = page.locator("span.math, div.math").count()
        raw = page.evaluate(
            "() => Array.from(document.querySelectorAll('span.math, div.math'))"
            ".filter(m => !m.querySelector('mjx-container')).map(m => m.textContent)"
        )
    finally:
        page.close()
    assert formulas > 0
    assert raw == [], f"formulas left as TeX: {raw[:3]}"
    assert external == [], f"requests that left the site: {external}"


def expected_launch_urls(notebook: str) -> tuple[str, str]:
    org_repo = urllib.parse.urlparse(CONFIG["repository"]["url"]).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    prefix = CONFIG["repository"].get("path_to_book") or ""
    path = f"{prefix}/{notebook}".strip("/")
    colab = f"{CONFIG['launch_buttons']['colab_url']}/github/{org_repo}/blob/{branch}/{path}"
    binder = f"{CONFIG['launch_buttons']['binderhub_url']}/v2/gh/{org_repo}/{branch}?urlpath=tree/{path}"
    return colab, binder


@pytest.mark.parametrize("page_path", [p for p in PAGES if (ROOT / p).with_suffix(".ipynb").exists()])
def test_notebook_pages_launch_in_colab_and_binder(browser, site, page_path):
    page, _, _ = open_page(browser, site, page_path)
    try:
        hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a')).map(a => a.href)")
    finally:
        page.close()
    colab, binder = expected_launch_urls(str(Path(page_path).with_suffix(".ipynb")))
    assert colab in hrefs, f"no Colab button to {colab}"
    assert binder in hrefs, f"no Binder button to {binder}"


def test_every_internal_link_resolves(browser, site):
    ids_cache: dict[str, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if str(path) not in ids_cache:
            ids_cache[str(path)] = set(re.findall(r'\bid="([^"]+)"', path.read_text(errors="replace")))
        return ids_cache[str(path)]

    broken = []
    for page_path in PAGES:
        page, _, _ = open_page(browser, site, page_path)
        try:
            hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        finally:
            page.close()
        for href in hrefs:
            if not href.startswith(site):
                continue
            parsed = urllib.parse.urlparse(href)
            target = HTML / urllib.parse.unquote(parsed.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page_path}: {href} (no such file)")
            elif (
                parsed.fragment
                and target.suffix == ".html"
                and urllib.parse.unquote(parsed.fragment) not in ids_of(target)
            ):
                broken.append(f"{page_path}: {href} (no element #{parsed.fragment})")
    assert broken == []


DRAW = "book/draw.html"


def replay(page, pixels) -> None:
    """Draw a 28x28 MNIST digit on the page's 280x280 pad as strokes: one stroke of the mouse
    along each row's run of dark pixels, as a reader's pen would cover them."""
    box = page.locator("#lenet5-canvas").bounding_box()
    scale = box["width"] / 28
    for row in range(28):
        column = 0
        while column < 28:
            if pixels[row * 28 + column] > 127:
                end = column
                while end + 1 < 28 and pixels[row * 28 + end + 1] > 127:
                    end += 1
                y = box["y"] + (row + 0.5) * scale
                page.mouse.move(box["x"] + (column + 0.5) * scale, y)
                page.mouse.down()
                page.mouse.move(box["x"] + (end + 0.5) * scale, y, steps=max(1, end - column))
                page.mouse.up()
                column = end + 1
            else:
                column += 1


def test_a_reader_draws_real_test_digits_and_lenet5_reads_them_as_pytorch_does(browser, site):
    import torch

    from lenet_tutorial.data import load_mnist, mnist_to_lenet5

    tool = load_tool("export_web_weights")
    model = tool.import_lenet5(tool.read_weights_js())
    images, _ = load_mnist("test")
    digits = images[100:110]  # not among the page's own examples (the first of each class)
    # in double precision: float32's |x|^2 - 2 x.c + |c|^2 loses a small penalty's digits
    with torch.no_grad():
        expected = model.double()(mnist_to_lenet5(digits).double())
    page, errors, external = open_page(browser, site, DRAW)
    try:
        page.wait_for_function("() => window.lenet5Demo !== undefined")
        # the page's network, given a digit in MNIST's format, gives PyTorch's penalties
        for digit, penalties in zip(digits, expected):
            got = torch.tensor(page.evaluate("p => lenet5Demo.classify(p)", digit.flatten().tolist()))
            assert ((got - penalties).abs() / penalties.abs()).max() < 1e-4
        # and the same digits, drawn as strokes and normalised by the page, mostly read the same
        agree = 0
        for digit, penalties in zip(digits, expected):
            page.evaluate("() => lenet5Demo.clear()")
            replay(page, digit.flatten().tolist())
            # the page reads the drawing at the next animation frame: wait for two
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            agree += page.evaluate("() => lenet5Demo.answer()") == int(penalties.argmin())
        page.click("#lenet5-clear")
        assert page.evaluate("() => lenet5Demo.answer()") is None
    finally:
        page.close()
    assert agree >= 9, f"{agree} of 10 drawn digits read as PyTorch reads them"
    assert errors == [] and external == []
