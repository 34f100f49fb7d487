"""Fixtures for checks of the built website (_build/html), run after `jupyter-book build`."""

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
REQUIRED = os.environ.get("BBDL_REQUIRE_BROWSER") == "1"  # set by .ci/run: never skip in CI
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _missing(reason):
    if REQUIRED:
        pytest.fail(f"{reason} (BBDL_REQUIRE_BROWSER=1, so this must not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site():
    if not (SITE / "index.html").exists():
        _missing("no built site: run `make book` first")
    return SITE


@pytest.fixture(scope="session")
def base_url(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


LOOPBACK = ("http://127.0.0.1", "data:", "blob:")


def offline_context(browser, external, **options):
    """A browser context that refuses (and records in `external`) every non-loopback request."""
    context = browser.new_context(**options)

    def route(route):
        if route.request.url.startswith(LOOPBACK):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return context


@pytest.fixture
def page(browser):
    # The site must work offline: any request that leaves localhost is refused and fails the test.
    external = []
    context = offline_context(browser, external)
    page = context.new_page()
    yield page
    context.close()
    assert not external, f"the page requested non-loopback URLs: {sorted(set(external))}"
