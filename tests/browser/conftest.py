"""The browser tests' world: the site served by gunicorn from its own database (seeded by
tests/browser/seed.py and indexed into the session's search engine), and headless Chromium.

Chromium is Debian's package (``/usr/bin/chromium``), driven by Playwright; no browser is ever
downloaded. axe-core comes from npm (``node_modules/axe-core``). When either is missing the tests
are skipped with a message naming what to install, unless ``CI_REQUIRE_BROWSER=1`` (set by .ci/run),
which turns the skip into a failure: CI always runs them.
"""

import os
from pathlib import Path

import pytest

from devtools.osmem import free_loopback_port
from tests.deploy.conftest import _own_database_url
from tests.deploy.server import gunicorn, manage

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def _missing() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append("Debian's Chromium (apt-get install chromium)")
    if not AXE.exists():
        missing.append("the npm package axe-core (npm ci, or npm install, at the repository root)")
    return missing


@pytest.fixture(scope="session", autouse=True)
def _browser_tools():
    """Skips the browser tests when Chromium or axe-core is missing; fails instead under CI_REQUIRE_BROWSER=1."""
    missing = _missing()
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (CI_REQUIRE_BROWSER=1: they may not be skipped)")
        pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory, search_engine):
    """The base URL of the site under gunicorn (test settings), with the seeded content indexed.

    Module-scoped: the database helper of tests/deploy names its database after the process, so the
    server and its database are gone before the deploy tests make theirs."""
    tmp_path = tmp_path_factory.mktemp("browser-site")
    database_url, drop_database = _own_database_url(tmp_path)
    port = free_loopback_port()
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env = keep | {
        "DJANGO_SETTINGS_MODULE": "aftercare.settings.test",
        "DATABASE_URL": database_url,
        "ELASTICSEARCH_URL": search_engine.url,
        "SEARCH_ENGINE_KIND": "osmem",
        "SEARCH_INDEX_PREFIX": f"aftercare-browser-{os.getpid()}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
        "PYTHONUNBUFFERED": "1",
    }
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "shell", "-c", "from tests.browser.seed import seed; seed()")
        with gunicorn(env, tmp_path / "gunicorn.log") as (_process, base):
            yield base
    finally:
        drop_database()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def open_page(browser, site):
    """``open_page("/it/", viewport=PHONE, javascript=True)`` returns a Playwright page at that URL.
    Failed requests and JavaScript errors are collected on ``page.problems``."""
    contexts = []

    def open_(path, *, viewport=DESKTOP, javascript=True, **options):
        context = browser.new_context(
            viewport=viewport, java_script_enabled=javascript, base_url=site, locale="it-IT", **options
        )
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(f"JavaScript error: {error}"))
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(f"console: {msg.text}"))
        page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[str]:
    """Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page; describes the serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                   resultTypes: ['violations']})"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
