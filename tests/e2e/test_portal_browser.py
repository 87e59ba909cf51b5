"""The safeguarding lead's portal in a real browser, against the real web app.

One ``python -m bot.web`` for the module, on a free port and a temporary VAR_DIR that the CLI
seeded the way an operator would: ``reflect demo-data --reflections 2000`` and two accounts
from ``reflect leads add`` (a lead and an admin of ESSCP). Debian's chromium, driven by
Playwright's sync API, signs in through the form, filters, opens a theme, downloads the three
report formats and signs out; axe-core checks every kind of page (0 violations, WCAG 2.2's
target-size rule included); a second context runs with JavaScript off.

Every test signs in afresh in its own browser context, so any subset runs on its own; signing
out ends the account's sessions everywhere, so that test comes last.

Artefacts (git-ignored): results/browser/portal-dashboard.png (the whole dashboard),
portal-dashboard-top.png (the top of it, as docs/images/portal-dashboard.png in the README:
copy it there to refresh the README's picture) and axe-portal-*.json.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)
from pypdf import PdfReader

from bot.settings.config import PROJECT_ROOT
from tests.e2e.browser import RESULTS_DIR, axe_summary, focus_outline, launch, write_result
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.slow

# axe-core leaves WCAG 2.2's target-size rule off by default; we want it.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
SECRET = "portal-browser-test-secret-not-for-production"
LEAD = ("lead.esscp", "a long lead passphrase 1")
ADMIN = ("admin.esscp", "a long admin passphrase 2")
BRIEFING = "Child Z LCSPR learning briefing"
FEWER_THAN = "fewer than 10"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
#: The README's picture: under this many bytes.
README_IMAGE_LIMIT = 400_000

expect.set_options(timeout=15_000)


@dataclass(frozen=True)
class Portal:
    base_url: str
    var_dir: Path

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def _env(var_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "APP_ENV": "development",
            "VAR_DIR": str(var_dir),
            "REFLECT_SECRET": SECRET,
            "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(port),
            "PURGE_INTERVAL_HOURS": "0",
            # Each test signs in afresh from 127.0.0.1: more than the default 10 a minute.
            "PORTAL_SIGN_IN_PER_MINUTE": "200",
            "LOG_LEVEL": "WARNING",
            # SQLite in VAR_DIR, whatever a developer's .env says (the environment wins).
            "DATABASE_URL": "",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
            ),
        }
    )
    return env


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """``bin/reflect ARGS`` as an operator runs it, with the test's environment."""
    done = subprocess.run(
        [str(PROJECT_ROOT / "bin" / "reflect"), *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"reflect {' '.join(args)}: {done.stderr or done.stdout}"
    return done.stdout


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the web app exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the web app never answered /healthz:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The web app on a free port, over 2,000 demo reflections, a lead and an admin."""
    root = tmp_path_factory.mktemp("portal")
    var_dir = root / "var"
    port = free_port()
    env = _env(var_dir, port)
    assert "Seeded 2000" in _cli(env, "demo-data", "--reflections", "2000")
    for (username, password), role in ((LEAD, []), (ADMIN, ["--admin"])):
        command = ["leads", "add", username, "--partnership", "ESSCP", *role, "--password-stdin"]
        assert "Added portal" in _cli(env, *command, stdin=password)
    log = root / "web.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.web"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, log)
        yield Portal(base_url, var_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = launch(playwright)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile per test: no cookies, so a new sign-in."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-GB", accept_downloads=True)
    try:
        yield ctx
    finally:
        ctx.close()


def sign_in(context: BrowserContext, portal: Portal, account: tuple[str, str] = LEAD) -> Page:
    """Type into the labelled fields and press the button, as a lead would; on the dashboard."""
    page = context.new_page()
    page.goto(portal.url("/portal/sign-in"))
    username, password = account
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/portal/dashboard$"))
    return page


def assert_no_violations(page: Page, name: str) -> None:
    """axe-core on the page as it is: 0 violations (the summary is kept in results/browser/)."""
    results = Axe().run(page, options=AXE_OPTIONS).response
    summary = axe_summary(results)
    write_result(f"axe-portal-{name}.json", summary)
    assert summary["violations"] == [], summary["violations"]


def rows_of(page: Page, table: str) -> list[list[str]]:
    """The body rows of a table, each as the text of its cells."""
    return list(
        page.eval_on_selector_all(
            f"{table} tbody tr",
            "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))",
        )
    )


def words(text: str) -> str:
    """Whitespace (line breaks in a PDF, say) as single spaces."""
    return " ".join(text.split())


# --- 1. sign-in and the dashboard -----------------------------------------------------------


def test_sign_in_lands_on_an_accessible_dashboard(context: BrowserContext, portal: Portal) -> None:
    page = sign_in(context, portal)
    expect(page).to_have_title(f"{BRIEFING} – Reflect portal")
    expect(page.get_by_role("heading", level=1)).to_contain_text(BRIEFING)
    expect(page.get_by_role("navigation", name="Portal")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {LEAD[0]} (ESSCP)")).to_be_visible()
    # Figures, each chart an image with a name, and a data table beside it.
    headline = page.locator(".headline dd").first
    expect(headline).to_have_text(re.compile(r"^\d[\d,]*$"))
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() >= 3
    for index in range(charts.count()):
        svg = charts.nth(index)
        for ref in (svg.get_attribute("aria-labelledby") or "").split():
            expect(page.locator(f"[id='{ref}']")).to_have_count(1)
    expect(page.locator("table.data-table").first.locator("caption")).not_to_be_empty()
    assert_no_violations(page, "dashboard")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "portal-dashboard.png"), full_page=True)
    # The README's picture: the top of the page down to the end of the first chart.
    section = page.locator(".chart-section").first.bounding_box()
    assert section is not None
    height = min(int(section["y"] + section["height"]) + 24, 2400)
    top = RESULTS_DIR / "portal-dashboard-top.png"
    page.screenshot(
        path=str(top), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": height}
    )
    assert top.stat().st_size < README_IMAGE_LIMIT


# --- 2. filters -----------------------------------------------------------------------------


def test_a_filter_is_carried_in_the_url_and_shown(context: BrowserContext, portal: Portal) -> None:
    page = sign_in(context, portal)
    # A from-week the data has: the start of the second released block of weeks.
    blocks = rows_of(page, "#chart-by_week-data")
    assert len(blocks) >= 2, blocks
    week = re.match(r"\d{4}-W\d{2}", blocks[1][0])
    assert week, blocks
    from_week = week.group(0)

    page.get_by_label("Agency", exact=True).select_option(label="Police")
    page.get_by_label("From week", exact=True).fill(from_week)
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]agency=police(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]from={from_week}(&|$)"))
    expect(page.get_by_label("Agency", exact=True)).to_have_value("police")
    expect(page.get_by_label("From week", exact=True)).to_have_value(from_week)
    expect(page.locator(".rule")).to_contain_text(f"Showing from {from_week}, Police.")
    # The figures follow the filter: Police only (every other agency is "fewer than 10"), and
    # the total is Police's figure; the weeks start at the chosen one.
    agencies = rows_of(page, "#chart-by_agency-data")
    shown = {label: value for label, value in agencies if value != FEWER_THAN}
    assert list(shown) == ["Police"], agencies
    total = page.locator("#chart-by_agency-data tfoot td")
    expect(total).to_have_text(shown["Police"])
    filtered = rows_of(page, "#chart-by_week-data")
    assert filtered and filtered[0][0] >= from_week, filtered
    # The downloads carry the same filters.
    csv_link = page.get_by_role("link", name=re.compile("^CSV"))
    expect(csv_link).to_have_attribute("href", re.compile(r"agency=police"))
    expect(csv_link).to_have_attribute("href", re.compile(rf"from={from_week}"))
    assert_no_violations(page, "dashboard-filtered")


# --- 3. a theme -----------------------------------------------------------------------------


def test_a_theme_opens_from_the_dashboard(context: BrowserContext, portal: Portal) -> None:
    page = sign_in(context, portal)
    themes = page.locator("ol.themes").get_by_role("link")
    assert themes.count() >= 1, "2,000 demo reflections should show at least one theme"
    label = themes.first.inner_text().strip()
    themes.first.click()
    expect(page).to_have_url(re.compile(r"/portal/themes/t\d+"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Theme: {label}")
    quotes = page.locator("main blockquote")
    withheld = page.get_by_text(re.compile(r"Quotes are withheld: fewer than 10"))
    expect(quotes.first.or_(withheld)).to_be_visible()
    if quotes.count():
        assert all(text.strip() for text in quotes.all_inner_texts())
    expect(page.get_by_role("link", name="Back to the dashboard")).to_be_visible()
    assert_no_violations(page, "theme")


# --- 4. downloads ---------------------------------------------------------------------------


def download(page: Page, link: str) -> tuple[str, bytes]:
    """Click a link of the Downloads section; the file's suggested name and bytes."""
    section = page.get_by_role("region", name="Downloads")
    with page.expect_download() as info:
        section.get_by_role("link", name=re.compile(f"^{link}")).click()
    done = info.value
    assert done.failure() is None, done.failure()
    path = done.path()
    return done.suggested_filename, Path(path).read_bytes()


def test_the_three_downloads_open_and_say_what_they_are(
    context: BrowserContext, portal: Portal
) -> None:
    page = sign_in(context, portal)

    name, body = download(page, "CSV")
    assert name.endswith(".csv") and body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    joined = words(" ".join(cells))
    assert BRIEFING in joined
    assert FEWER_THAN in joined

    name, body = download(page, "Excel")
    assert name.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    values = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    workbook.close()
    joined = words(" ".join(values))
    assert BRIEFING in joined
    assert FEWER_THAN in joined

    name, body = download(page, "PDF")
    assert name.endswith(".pdf") and body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    joined = words(" ".join(p.extract_text() or "" for p in reader.pages))
    assert BRIEFING in joined
    assert FEWER_THAN in joined


# --- 5. the other pages ---------------------------------------------------------------------


def test_sign_in_tokens_error_and_audit_pages_are_accessible(
    browser: Browser, context: BrowserContext, portal: Portal
) -> None:
    page = context.new_page()
    page.goto(portal.url("/portal/sign-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_violations(page, "sign-in")

    # A wrong password: the error summary, with the form again.
    page.get_by_label("Username", exact=True).fill(LEAD[0])
    page.get_by_label("Password", exact=True).fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_violations(page, "sign-in-error")

    page = sign_in(context, portal)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    assert_no_violations(page, "tokens-empty")
    page.get_by_label("What it is for", exact=True).fill("quarterly board report")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("status")).to_contain_text("Copy it now")
    expect(page.get_by_role("row", name=re.compile("quarterly board report"))).to_be_visible()
    assert_no_violations(page, "tokens")

    response = page.goto(portal.url("/portal/themes/t999"))
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert_no_violations(page, "not-found")

    response = page.goto(portal.url("/portal/audit"))
    assert response is not None and response.status == 403
    assert_no_violations(page, "not-allowed")

    # Downloads for the audit to list (the lead's session, without the browser's save dialog).
    for ext in ("csv", "xlsx"):
        got = context.request.get(portal.url(f"/portal/download/report.{ext}"))
        assert got.ok, (ext, got.status)

    admin = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    try:
        page = sign_in(admin, portal, ADMIN)
        page.get_by_role("link", name="Audit log").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
        rows = rows_of(page, "main table")
        downloads = {row[3] for row in rows if row[1] == LEAD[0] and row[2] == "download"}
        for ext in ("csv", "xlsx"):
            assert any(f"format={ext}" in detail for detail in downloads), (ext, rows[:20])
        assert any(row[1] == ADMIN[0] and row[2] == "sign_in" for row in rows), rows[:20]
        assert_no_violations(page, "audit")
    finally:
        admin.close()


# --- 6. keyboard ----------------------------------------------------------------------------


def test_the_skip_link_comes_first_and_moves_focus_to_main(
    context: BrowserContext, portal: Portal
) -> None:
    page = sign_in(context, portal)
    page.goto(portal.url("/portal/dashboard"))
    page.keyboard.press("Tab")
    focused = focus_outline(page)
    assert (focused["tag"], focused["text"]) == ("a", "Skip to main content"), focused
    assert focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2, focused
    box = page.get_by_role("link", name="Skip to main content").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, box  # shown on focus

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on from main, not back to the header: the first filter.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Briefing", exact=True)).to_be_focused()


# --- 7. without JavaScript ------------------------------------------------------------------


def test_sign_in_and_filters_work_without_javascript(browser: Browser, portal: Portal) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", java_script_enabled=False)
    try:
        page = sign_in(context, portal)
        expect(page.locator("figure.chart svg").first).to_be_visible()
        page.get_by_label("Agency", exact=True).select_option(label="Health")
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"/portal/dashboard\?.*agency=health"))
        expect(page.get_by_label("Agency", exact=True)).to_have_value("health")
        expect(page.locator(".rule")).to_contain_text("Health.")
    finally:
        context.close()


# --- 320 px wide (a phone, or 400% zoom at 1280) --------------------------------------------


#: What sticks out past the right edge (for the failure message): tag, class, width.
WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(-5).map(e => [e.tagName, e.className, Math.round(e.getBoundingClientRect().width)])"""


def test_the_dashboard_reflows_at_320_pixels(browser: Browser, portal: Portal) -> None:
    """WCAG 1.4.10: nothing scrolls sideways at 320 CSS pixels, and axe still finds nothing."""
    context = browser.new_context(viewport={"width": 320, "height": 720}, locale="en-GB")
    try:
        page = sign_in(context, portal)
        overflow = page.evaluate(
            "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        widest = page.evaluate(WIDER_THAN_THE_PAGE)
        assert overflow == 0, (overflow, widest)
        assert_no_violations(page, "dashboard-320")
    finally:
        context.close()


# --- 8. sign out (last: it ends the lead's sessions everywhere) -----------------------------


def test_sign_out_ends_the_session(
    browser: Browser, context: BrowserContext, portal: Portal
) -> None:
    page = sign_in(context, portal)
    cookies = context.cookies()
    assert cookies
    page.get_by_role("button", name=re.compile("^Sign out")).click()
    expect(page).to_have_url(re.compile(r"/portal/sign-in\?m=signed_out$"))
    expect(page.get_by_role("status")).to_have_text("You have signed out.")

    page.goto(portal.url("/portal/dashboard"))
    expect(page).to_have_url(re.compile(r"/portal/sign-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    # The old cookie, replayed from elsewhere, is refused too: the session ended on the server.
    replay = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    try:
        replay.add_cookies(cookies)  # type: ignore[arg-type]
        page = replay.new_page()
        page.goto(portal.url("/portal/dashboard"))
        expect(page).to_have_url(re.compile(r"/portal/sign-in\?m=expired$"))
        expect(page.get_by_role("status")).to_have_text("Your session ended. Please sign in again.")
    finally:
        replay.close()
