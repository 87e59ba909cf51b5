"""Helpers for driving the web widget in Debian's chromium with Playwright (sync API).

Never a downloaded browser: the tests use the `chromium` on PATH (scripts/ensure-chromium.sh
installs Debian's package). Without it they skip on a developer's machine and fail under CI=true,
so CI can never pass by not running them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, expect

from bot.settings.config import PROJECT_ROOT

RESULTS_DIR = PROJECT_ROOT / "results" / "browser"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: Replies take a second or two; a cold first turn (model warm-up) can take longer.
REPLY_TIMEOUT_MS = 30_000
SESSION_KEY = "reflect.session"


def chromium_path() -> str:
    """The system chromium; a missing one fails under CI and skips elsewhere."""
    path = shutil.which("chromium")
    if path:
        return path
    message = "chromium is not installed (run scripts/ensure-chromium.sh); browser tests need it"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def launch(playwright: Playwright) -> Browser:
    """Headless Debian chromium with the flags a container needs."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=LAUNCH_ARGS
    )


def launch_profile(playwright: Playwright, profile: Path) -> BrowserContext:
    """Chromium on a profile kept in ``profile``: closing it and launching again is a restart.

    What a shared PC keeps between two people: localStorage survives, sessionStorage does not.
    """
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=chromium_path(),
        headless=True,
        args=LAUNCH_ARGS,
        viewport={"width": 1280, "height": 800},
        locale="en-GB",
    )


class Widget:
    """The Reflect widget on one page, addressed the way a user (or a screen reader) finds it."""

    def __init__(self, page: Page, title: str = "Reflect") -> None:
        self.page = page
        self.title = title
        self.launcher = page.get_by_role("button", name=f"Open {title} chat")
        self.panel = page.get_by_role("region", name=title)
        self.log = page.get_by_role("log")
        self.input = page.get_by_role("textbox", name=f"Message to {title}")
        self.send_button = self.panel.get_by_role("button", name="Send", exact=True)
        self.progress = page.locator(".reflect-progress")
        #: The connection status line in the header (role=status).
        self.status = page.locator(".reflect-header [role=status]")
        self.typing = page.locator(".reflect-typing")
        self.forget_button = page.get_by_role("button", name="Forget this conversation")
        #: The confirmation step of "Forget this conversation".
        self.confirmation = page.get_by_role("group", name="Forget this conversation?")
        self.start_new = page.get_by_role("button", name="Start a new conversation")
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self) -> None:
        """Open the panel with the launcher, unless it is already open (it stays open on reload)."""
        expect(self.launcher.or_(self.panel)).to_be_visible()
        if self.launcher.is_visible():
            self.launcher.click()
        expect(self.panel).to_be_visible()

    def bot_messages(self) -> Locator:
        return self.log.locator(".reflect-msg--bot")

    def user_messages(self) -> Locator:
        return self.log.locator(".reflect-msg--user")

    def wait_for_bot(self, text: str) -> Locator:
        """The newest bot message containing ``text``, once it is there."""
        message = self.bot_messages().filter(has_text=text).last
        expect(message).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        return message

    def wait_until_idle(self) -> None:
        """The reply is complete (turn_complete hid the typing indicator) and input is open."""
        expect(self.typing).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
        expect(self.input).not_to_have_attribute("readonly", "", timeout=REPLY_TIMEOUT_MS)

    def say(self, text: str) -> None:
        """Type into the message box and press Enter, as a user would."""
        self.wait_until_idle()
        self.input.click()
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.user_messages().last).to_contain_text(text.strip()[:40])

    def choose(self, title: str) -> None:
        """Click a reply button of the newest message that offers it."""
        self.wait_until_idle()
        button = self.log.get_by_role("button", name=title, exact=True).last
        expect(button).to_be_enabled(timeout=REPLY_TIMEOUT_MS)
        button.click()
        expect(self.user_messages().last).to_have_text(f"You said: {title}")

    def expect_point(self, number: int, total: int = 4) -> None:
        """The bot showed the point and the progress indicator says so."""
        self.wait_for_bot(f"Point {number} of {total}")
        expect(self.progress).to_have_text(f"Point {number} of {total}")

    def session_token(self) -> str | None:
        """The token of this tab's session (sessionStorage: gone when the browser closes)."""
        token = self.page.evaluate(f"sessionStorage.getItem({SESSION_KEY!r})")
        return str(token) if token is not None else None

    def remembered_token(self) -> str | None:
        """A token kept across browser restarts (localStorage): only with data-remember="true"."""
        token = self.page.evaluate(f"localStorage.getItem({SESSION_KEY!r})")
        return str(token) if token is not None else None


#: An init script that keeps a handle on the widget's socket (window.__reflectSocket) when
#: socket.io's bundle defines window.io, so a test can emit what the widget itself never sends.
SOCKET_SPY = """
(() => {
  let real;
  Object.defineProperty(window, 'io', {
    configurable: true,
    get() { return real; },
    set(io) {
      real = function (...args) {
        const socket = io(...args);
        window.__reflectSocket = socket;
        return socket;
      };
    },
  });
})();
"""


def focus_outline(page: Page) -> dict[str, Any]:
    """The focused element's description and computed outline (for visible-focus checks)."""
    return dict(
        page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {
                    tag: el.tagName.toLowerCase(),
                    text: (el.getAttribute('aria-label') || el.textContent || '').trim(),
                    className: el.className,
                    outlineStyle: style.outlineStyle,
                    outlineWidth: parseFloat(style.outlineWidth),
                    outlineColor: style.outlineColor,
                    focusVisible: el.matches(':focus-visible'),
                };
            }"""
        )
    )


def tab_until(
    page: Page,
    predicate: Callable[[dict[str, Any]], bool],
    *,
    backwards: bool = False,
    limit: int = 60,
) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until ``predicate(focus_outline(page))`` holds; fail after limit."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = focus_outline(page)
        seen.append(f"{focused['tag']}:{focused['text'][:30]}")
        if predicate(focused):
            return focused
    raise AssertionError(f"never reached the element; tab order was: {seen}")


def horizontal_overflow(page: Page) -> dict[str, int]:
    """How far the page, the panel and the log scroll sideways (0 everywhere is the goal)."""
    return dict(
        page.evaluate(
            """() => {
                const over = (el) => el ? Math.max(0, el.scrollWidth - el.clientWidth) : -1;
                return {
                    page: over(document.scrollingElement),
                    panel: over(document.querySelector('.reflect-panel')),
                    log: over(document.querySelector('.reflect-log')),
                    form: over(document.querySelector('.reflect-form')),
                };
            }"""
        )
    )


def axe_summary(results: dict[str, Any]) -> dict[str, Any]:
    """Violations by impact, each with its rule id, help and how many nodes it hit."""
    violations = results.get("violations", [])
    return {
        "counts": dict(Counter(v.get("impact") or "unknown" for v in violations)),
        "violations": [
            {
                "id": v["id"],
                "impact": v.get("impact"),
                "help": v.get("help"),
                "nodes": len(v.get("nodes", [])),
                "targets": [n.get("target") for n in v.get("nodes", [])][:5],
            }
            for v in violations
        ],
        "passes": len(results.get("passes", [])),
        "incomplete": [v["id"] for v in results.get("incomplete", [])],
    }


def write_result(name: str, data: Any) -> Path:
    """A JSON artefact under results/browser/ (git-ignored)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / name
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path
