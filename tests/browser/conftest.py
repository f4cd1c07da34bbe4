"""Browser fixtures: the app served on loopback by a real HTTP server (werkzeug, in a
thread) over a migrated database with the seed and demo data, and Debian's Chromium
driven by Playwright's sync API.

One server and one browser serve the whole ``tests/browser`` package. The server sends
the Content-Security-Policy the app must live with (``script-src 'self'; style-src
'self'``) unless the app sets its own, and every page a test opens is checked for
console errors, which is where a CSP violation shows.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from conftest import ARTIFACTS, close_connections, make_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ARTIFACTS / "screenshots"
ADMIN = {"username": "editor", "password": "correct horse battery"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'")


@pytest.fixture(scope="package")
def live_app(database_templates, tmp_path_factory):
    """The app (CSRF on, as in production) with the demo data and an admin."""
    from pollservice.services.users import create_admin

    folder = tmp_path_factory.mktemp("browser")
    app = make_app(database_templates.fresh("demo", folder, name="browser"), folder, WTF_CSRF_ENABLED=True)

    @app.after_request
    def content_security_policy(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    with app.app_context():
        create_admin(ADMIN["username"], ADMIN["password"])
    yield app
    close_connections(app)


@pytest.fixture(scope="package")
def base_url(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it"
        if os.environ.get("CI") == "true":  # CI installs it: its absence is a failure there
            pytest.fail(message)
        pytest.skip(message)
    from playwright import sync_api
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="package")
def admin_state(browser, base_url):
    """Cookies of a signed-in admin, so that each admin test need not sign in again."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/admin/login")
    page.get_by_label("Username").fill(ADMIN["username"])
    page.get_by_label("Password").fill(ADMIN["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/**")
    state = context.storage_state()
    context.close()
    return state


def open_page(browser, base_url, storage_state=None, **context_options):
    context = browser.new_context(base_url=base_url, storage_state=storage_state,
                                  viewport=context_options.pop("viewport", {"width": 1280, "height": 900}),
                                  **context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return context, page, problems


@pytest.fixture
def page(browser, base_url):
    """A fresh anonymous page; the test fails on any console error (e.g. a CSP violation)."""
    context, page, problems = open_page(browser, base_url)
    yield page
    context.close()
    assert not problems, f"console errors: {problems}"


@pytest.fixture
def dark_page(browser, base_url):
    """A fresh anonymous page in a browser that prefers a dark colour scheme."""
    context, page, problems = open_page(browser, base_url, color_scheme="dark")
    yield page
    context.close()
    assert not problems, f"console errors: {problems}"


@pytest.fixture
def admin_page(browser, base_url, admin_state):
    """A page signed in as the admin; fails on console errors too."""
    context, page, problems = open_page(browser, base_url, storage_state=admin_state)
    yield page
    context.close()
    assert not problems, f"console errors: {problems}"


@pytest.fixture
def phone_page(browser, base_url):
    context, page, problems = open_page(browser, base_url, viewport={"width": 390, "height": 844},
                                        device_scale_factor=2, is_mobile=True, has_touch=True)
    yield page
    context.close()
    assert not problems, f"console errors: {problems}"


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot under test-artifacts/<database>/screenshots/ (gitignored) to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def image_width(page, selector: str) -> int:
    """The image's naturalWidth once it has loaded (0 if it failed to)."""
    return page.locator(selector).first.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(resolve => {
               img.addEventListener('load', () => resolve(img.naturalWidth));
               img.addEventListener('error', () => resolve(0));
           })"""
    )
