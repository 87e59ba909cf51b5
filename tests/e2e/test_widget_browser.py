"""The web widget in a real browser against the real stack: Rasa, the action server, the web app.

Debian's chromium, driven by Playwright's sync API, opens the demo page the web app serves and
talks to the bot the way a practitioner would: buttons, typing, reloads, keyboard only, a phone
and 400% zoom. axe-core checks the page and the open widget mid-conversation.

Artefacts (git-ignored): results/browser/axe.json, widget-desktop.png, widget-360.png.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from bot.reflections.receipts import sender_hash
from bot.run import Stack, start_stack
from tests.e2e.browser import (
    REPLY_TIMEOUT_MS,
    RESULTS_DIR,
    SESSION_KEY,
    SOCKET_SPY,
    Widget,
    axe_summary,
    focus_outline,
    horizontal_overflow,
    launch,
    launch_profile,
    tab_until,
    write_result,
)
from tests.e2e.conftest import stack_on_free_ports

pytestmark = pytest.mark.slow

GREETING = "Hello, I'm Reflect"
PROCEDURE_LINK = re.compile("Sussex Child Protection and Safeguarding Procedures Manual")
# axe-core leaves WCAG 2.2's target-size rule off by default; we want it.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}

expect.set_options(timeout=REPLY_TIMEOUT_MS)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[Stack]:
    """One stack (actions, Rasa, web app) for the whole module."""
    with stack_on_free_ports(tmp_path_factory.mktemp("widget") / "var", model_path) as running:
        yield running


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
    """A fresh profile per test (so a fresh localStorage: a new visitor)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    try:
        yield ctx
    finally:
        ctx.close()


def open_demo(context: BrowserContext, stack: Stack) -> Widget:
    page = context.new_page()
    page.goto(stack.settings.web_url + "/")
    return Widget(page)


def start_conversation(widget: Widget) -> None:
    widget.open()
    widget.wait_for_bot(GREETING)
    widget.wait_for_bot("Your privacy")
    widget.wait_until_idle()


def has_visible_focus(focused: dict[str, Any]) -> bool:
    return bool(
        focused["focusVisible"]
        and focused["outlineStyle"] not in ("none", "")
        and focused["outlineWidth"] >= 2
    )


def events_of(stack: Stack, token: str) -> int:
    """How many events the tracker store keeps for the conversation of a widget token."""
    sender = sender_hash(token, secret=stack.settings.secret, channel="socketio")
    path = stack.settings.tracker_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        query = "select count(*) from events where sender_id = ?"
        return int(db.execute(query, (sender,)).fetchone()[0])


def test_demo_page_is_a_plain_accessible_page(context: BrowserContext, stack: Stack) -> None:
    widget = open_demo(context, stack)
    page = widget.page
    expect(page).to_have_title(re.compile("Reflect — practice review learning briefings"))
    assert page.get_attribute("html", "lang") == "en-GB"
    expect(page.get_by_role("main")).to_be_visible()
    snippet = page.locator("pre").inner_text()
    assert "/widget.js" in snippet and stack.settings.socket_url in snippet
    assert "__REFLECT_" not in page.content()
    # The widget connects only when opened: a page view alone starts no conversation.
    expect(widget.launcher).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    expect(widget.panel).to_be_hidden()
    assert widget.session_token() is None
    assert widget.errors == []


def test_buttons_typing_links_and_a_reload_carry_on(context: BrowserContext, stack: Stack) -> None:
    widget = open_demo(context, stack)
    page = widget.page
    start_conversation(widget)
    expect(widget.input).to_be_focused()  # opening the panel puts you in the message box
    # The hidden /greet is not shown as a user message.
    expect(widget.user_messages()).to_have_count(0)

    # A button: its title is shown as my message, its payload goes to the bot.
    widget.choose("Discuss and reflect")
    expect(widget.input).to_be_focused()  # not lost to <body> when the buttons are disabled
    widget.expect_point(1)
    widget.wait_until_idle()

    # Typing.
    widget.say("next")
    widget.expect_point(2)
    widget.wait_until_idle()

    # Links in bot messages open in a new tab without handing over window.opener.
    link = widget.log.get_by_role("link", name=PROCEDURE_LINK).last
    expect(link).to_have_attribute("target", "_blank")
    rel = link.get_attribute("rel") or ""
    assert "noopener" in rel.split() and "noreferrer" in rel.split()
    assert (link.get_attribute("href") or "").startswith("https://")

    # Only the newest set of options is usable; older ones stay visible, disabled.
    groups = widget.log.get_by_role("group", name="Reply options")
    assert groups.count() >= 3
    expect(groups.last.get_by_role("button").first).to_be_enabled()
    expect(groups.first.get_by_role("button").first).to_be_disabled()

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "widget-desktop.png"))

    # Reload: the panel stays open, the conversation comes back from the server, not re-greeted.
    token = widget.session_token()
    assert token
    page.reload()
    widget = Widget(page)
    expect(widget.panel).to_be_visible()
    expect(widget.log.locator(".reflect-history .reflect-msg--user")).to_have_count(2)
    expect(widget.user_messages().first).to_have_text("You said: Discuss and reflect")
    expect(widget.user_messages().last).to_have_text("You said: next")
    expect(widget.progress).to_have_text("Point 2 of 4")
    expect(widget.status).to_have_text("Conversation restored.")
    widget.wait_until_idle()
    expect(widget.bot_messages().filter(has_text=GREETING)).to_have_count(1)
    assert widget.session_token() == token

    # ... and carries on where it was.
    widget.say("next")
    widget.expect_point(3)
    # After the reload too, the newest buttons work.
    widget.wait_until_idle()
    widget.choose("Back")
    widget.expect_point(2)
    assert widget.errors == [] and widget.dialogs == []


def test_html_in_messages_is_shown_as_text_never_run(context: BrowserContext, stack: Stack) -> None:
    widget = open_demo(context, stack)
    page = widget.page
    start_conversation(widget)
    attack = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>'
    widget.say(attack)
    widget.wait_until_idle()
    expect(widget.user_messages().last).to_have_text("You said: " + attack)

    # A bot message that repeats my words: the reflection preview quotes the text to be saved.
    # (Typed, not clicked: whatever the attack was taken for, its reply need not offer it.)
    widget.say("discuss and reflect")
    widget.expect_point(1)
    widget.choose("Add a reflection")
    widget.wait_until_idle()
    reflection = (
        "Our team should check the background of a new partner before we share information "
        "<b>with parents</b> <script>window.__xss=3</script> [click](javascript:steal)"
    )
    widget.say(reflection)
    preview = widget.wait_for_bot("<b>with parents</b>")
    expect(preview).to_contain_text("<script>window.__xss=3</script>")
    expect(preview).to_contain_text("[click](javascript:steal)")
    expect(preview.locator("blockquote")).to_contain_text("new partner")  # "> " quotes it
    widget.wait_until_idle()

    for tag in ("img", "script", "b", "iframe"):
        assert widget.log.locator(tag).count() == 0, tag
    assert widget.log.locator('a[href^="javascript:"]').count() == 0
    assert page.evaluate("window.__xss") is None
    assert widget.dialogs == []
    widget.choose("Discard")
    widget.wait_for_bot("Nothing was saved")

    # The same after a reload, where the text comes back from the server's history.
    page.reload()
    widget = Widget(page)
    expect(widget.log.locator(".reflect-history .reflect-msg").first).to_be_visible()
    for tag in ("img", "script", "b"):
        assert widget.log.locator(tag).count() == 0, tag
    assert page.evaluate("window.__xss") is None
    assert widget.dialogs == [] and widget.errors == []


def test_keyboard_only(context: BrowserContext, stack: Stack) -> None:
    widget = open_demo(context, stack)
    page = widget.page

    launcher = tab_until(page, lambda f: f["text"] == "Open Reflect chat")
    assert has_visible_focus(launcher), launcher
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
    widget.wait_for_bot(GREETING)
    widget.wait_until_idle()

    # Back from the message box into the conversation's options.
    button = tab_until(page, lambda f: f["text"] == "Discuss and reflect", backwards=True)
    assert button["tag"] == "button" and has_visible_focus(button), button
    page.keyboard.press("Enter")
    widget.expect_point(1)
    expect(widget.input).to_be_focused()
    widget.wait_until_idle()

    # Everything in the panel is reachable, each with a visible focus indicator: Send, Close,
    # the conversation log (scrollable by keyboard), links and the current options.
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = focus_outline(page)
        if focused["tag"] == "body":
            continue  # past the end of the page, before it wraps round
        assert has_visible_focus(focused), focused
        reached.append(f"{focused['tag']}:{focused['text'][:40]}")
        if focused["className"] == "reflect-input" and len(reached) > 1:
            break
    assert "button:Send" in reached and "button:Close Reflect chat" in reached, reached
    assert "div:Conversation with Reflect" in reached, reached
    assert any(item.startswith("a:") for item in reached), reached
    assert "button:Next point" in reached, reached
    # Options of older messages are disabled, so out of the tab order.
    assert "button:Discuss and reflect" not in reached, reached

    # Typing and Enter, then Escape closes the panel and focus goes back to the launcher.
    page.keyboard.type("next")
    page.keyboard.press("Enter")
    widget.expect_point(2)
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    assert has_visible_focus(focus_outline(page))
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    expect(widget.progress).to_have_text("Point 2 of 4")


def test_axe_core_finds_no_violations(context: BrowserContext, stack: Stack) -> None:
    widget = open_demo(context, stack)
    page = widget.page
    axe = Axe()
    closed = axe.run(page, options=AXE_OPTIONS).response
    start_conversation(widget)
    widget.choose("Discuss and reflect")
    widget.expect_point(1)
    widget.wait_until_idle()
    widget.say("next")
    widget.expect_point(2)
    widget.wait_until_idle()
    opened = axe.run(page, options=AXE_OPTIONS).response

    widget.forget_button.click()
    expect(widget.confirmation).to_be_visible()
    confirming = axe.run(page, options=AXE_OPTIONS).response
    widget.confirmation.get_by_role("button", name="Yes, forget it").click()
    expect(widget.start_new).to_be_visible()
    forgotten = axe.run(page, options=AXE_OPTIONS).response
    widget.start_new.click()
    widget.wait_for_bot(GREETING)
    widget.wait_until_idle()

    page.set_viewport_size({"width": 360, "height": 740})
    phone = axe.run(page, options=AXE_OPTIONS).response
    widget.forget_button.click()
    expect(widget.confirmation).to_be_visible()
    phone_confirming = axe.run(page, options=AXE_OPTIONS).response

    report = {
        "axe_version": opened.get("testEngine", {}).get("version"),
        "url": opened.get("url"),
        "page_only": axe_summary(closed),
        "widget_open_mid_conversation": axe_summary(opened),
        "forget_confirmation": axe_summary(confirming),
        "forgotten": axe_summary(forgotten),
        "widget_open_360px": axe_summary(phone),
        "forget_confirmation_360px": axe_summary(phone_confirming),
    }
    write_result("axe.json", report)
    states = [key for key in report if key not in ("axe_version", "url")]
    assert len(states) == 6
    for state in states:
        # None at all, whatever the impact (the widget has none; keep it that way).
        assert report[state]["violations"] == [], state


@pytest.mark.parametrize(
    ("name", "viewport"),
    [
        ("phone-360", {"width": 360, "height": 740}),
        # 1280x1024 at 400% zoom is 320x256 CSS px (WCAG 1.4.10 Reflow).
        ("zoom-400", {"width": 320, "height": 256}),
    ],
)
def test_small_screens_reflow_without_horizontal_scrolling(
    browser: Browser, stack: Stack, name: str, viewport: ViewportSize
) -> None:
    context = browser.new_context(viewport=viewport, locale="en-GB", has_touch=True)
    try:
        widget = open_demo(context, stack)
        page = widget.page
        start_conversation(widget)
        # Full screen: the panel covers the viewport.
        box = widget.panel.bounding_box()
        assert box is not None
        assert box["width"] == pytest.approx(viewport["width"], abs=1)
        assert box["height"] == pytest.approx(viewport["height"], abs=1)
        widget.choose("Discuss and reflect")
        widget.expect_point(1)
        widget.wait_until_idle()
        assert horizontal_overflow(page) == {"page": 0, "panel": 0, "log": 0, "form": 0}

        # The message box and Send are on screen, at least 24x24, and work.
        for control in (
            widget.input,
            widget.send_button,
            widget.panel.get_by_role("button", name="Close Reflect chat"),
        ):
            rect = control.bounding_box()
            assert rect is not None
            assert rect["width"] >= 24 and rect["height"] >= 24, rect
            assert 0 <= rect["x"] and rect["x"] + rect["width"] <= viewport["width"] + 0.5, rect
            assert 0 <= rect["y"] and rect["y"] + rect["height"] <= viewport["height"] + 0.5, rect
        widget.say("next")
        widget.expect_point(2)
        widget.wait_until_idle()
        assert horizontal_overflow(page) == {"page": 0, "panel": 0, "log": 0, "form": 0}
        if name == "phone-360":
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(RESULTS_DIR / "widget-360.png"))
    finally:
        context.close()


#: Turns the demo page's embed into data-mode="inline" before widget.js (deferred) runs. (A page
#: of our own via page.route would not do: chromium's Local Network Access checks block a
#: Playwright-fulfilled page from reaching the loopback Rasa server.)
MAKE_INLINE = """
new MutationObserver((changes, observer) => {
  const tag = document.querySelector('script[data-server]');
  if (tag) { tag.setAttribute('data-mode', 'inline'); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});
"""


def test_inline_mode_renders_in_place_without_a_launcher(
    context: BrowserContext, stack: Stack
) -> None:
    """data-mode="inline": the chat sits where the snippet is and connects at once."""
    context.add_init_script(MAKE_INLINE)
    widget = open_demo(context, stack)
    page = widget.page
    expect(widget.panel).to_be_visible()
    expect(page.get_by_role("button", name="Open Reflect chat")).to_have_count(0)
    expect(page.get_by_role("button", name="Close Reflect chat")).to_have_count(0)
    # Where the script tag is: the widget's root comes right before it.
    assert page.evaluate(
        """() => document.querySelector('script[data-server]').previousElementSibling
            .classList.contains('reflect-widget--inline')"""
    )
    widget.wait_for_bot(GREETING)
    widget.choose("Discuss and reflect")
    widget.expect_point(1)
    widget.wait_until_idle()
    page.keyboard.press("Escape")  # nothing to close inline
    expect(widget.panel).to_be_visible()
    results = Axe().run(page, options=AXE_OPTIONS).response
    write_result("axe-inline.json", axe_summary(results))
    assert [v["id"] for v in results["violations"]] == []


def test_reduced_motion_is_respected(browser: Browser, stack: Stack) -> None:
    context = browser.new_context(reduced_motion="reduce")
    try:
        widget = open_demo(context, stack)
        widget.open()
        animations = widget.page.evaluate(
            """() => [...document.querySelectorAll('.reflect-widget, .reflect-widget *')]
                .map((el) => getComputedStyle(el))
                .filter((s) => s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0)
                .length"""
        )
        assert animations == 0
    finally:
        context.close()


def test_a_forged_or_altered_token_starts_a_new_conversation(
    browser: Browser, stack: Stack
) -> None:
    # Someone's real conversation, at point 2.
    owner = browser.new_context()
    stranger = browser.new_context()
    try:
        victim = open_demo(owner, stack)
        start_conversation(victim)
        victim.choose("Discuss and reflect")
        victim.expect_point(1)
        victim.wait_until_idle()
        victim.say("next")
        victim.expect_point(2)
        real = victim.session_token()
        assert real

        # Garbage; the same id with another signature; another id under the real signature.
        flip = {"A": "B"}
        resigned = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
        other_id = real[:10] + flip.get(real[10], "A") + real[11:]
        for forged in ("garbage", resigned, other_id, real + "x"):
            widget = open_demo(stranger, stack)
            page = widget.page
            page.evaluate(f"sessionStorage.setItem({SESSION_KEY!r}, {forged!r})")
            page.reload()
            widget = Widget(page)
            start_conversation(widget)
            # A new conversation: greeted, no history, no progress, a new server-issued token.
            expect(widget.log.locator(".reflect-history .reflect-msg")).to_have_count(0)
            expect(widget.progress).to_be_hidden()
            assert not re.search(r"Point \d of 4", widget.log.inner_text())
            token = widget.session_token()
            assert token and token not in (forged, real)
            page.evaluate(f"sessionStorage.removeItem({SESSION_KEY!r})")
            page.close()
    finally:
        owner.close()
        stranger.close()


def test_message_limit_is_shown_and_enforced_before_sending(
    context: BrowserContext, stack: Stack
) -> None:
    widget = open_demo(context, stack)
    start_conversation(widget)
    widget.input.fill("a" * 5001)
    counter = widget.panel.locator(".reflect-counter")
    expect(counter).to_have_text(re.compile("5,001 characters; the limit is 5,000"))
    expect(widget.input).to_have_attribute("aria-invalid", "true")
    expect(widget.send_button).to_have_attribute("aria-disabled", "true")
    widget.input.press("Enter")
    widget.send_button.click(force=True)  # aria-disabled: Playwright too sees it as disabled
    expect(widget.user_messages()).to_have_count(0)
    expect(widget.panel.locator(".reflect-form [role=status]")).to_have_text(
        re.compile("^Not sent. Your message is 5,001 characters")
    )
    assert counter.get_attribute("id") in (widget.input.get_attribute("aria-describedby") or "")
    widget.input.fill("a" * 4600)
    expect(counter).to_have_text("400 characters left.")
    expect(widget.send_button).to_have_attribute("aria-disabled", "false")


def test_a_refused_message_is_shown_as_a_notice(context: BrowserContext, stack: Stack) -> None:
    """What the server refuses (here: over 5,000 characters, sent past the widget's own check)
    comes back as an ``error`` event: a polite notice in the log, and the typing indicator ends."""
    context.add_init_script(SOCKET_SPY)
    widget = open_demo(context, stack)
    start_conversation(widget)
    widget.page.evaluate(
        """() => window.__reflectSocket.emit('user_uttered', {
            message: 'a'.repeat(5001),
            session_id: sessionStorage.getItem('reflect.session'),
        })"""
    )
    notice = widget.log.locator(".reflect-notice")
    expect(notice).to_have_count(1)
    expect(notice).not_to_be_empty()
    widget.wait_until_idle()
    # Nothing was processed, and the conversation carries on.
    widget.choose("Discuss and reflect")
    widget.expect_point(1)


def embed_with(attribute: str, value: str) -> str:
    """An init script setting an attribute on the demo page's embed before widget.js runs."""
    return MAKE_INLINE.replace("'data-mode', 'inline'", f"{attribute!r}, {value!r}")


def test_the_session_is_kept_for_this_tab_only_by_default(
    browser: Browser, playwright: Playwright, stack: Stack, tmp_path: Path
) -> None:
    """A shared council PC: the next person to open the browser does not get my conversation."""
    # Someone's conversation, whose token an older widget would have left in localStorage.
    earlier = browser.new_context()
    try:
        previous = open_demo(earlier, stack)
        start_conversation(previous)
        previous.choose("Discuss and reflect")
        previous.expect_point(1)
        left_behind = previous.page.evaluate(
            f"sessionStorage.getItem({SESSION_KEY!r}) || localStorage.getItem({SESSION_KEY!r})"
        )
        assert left_behind
    finally:
        earlier.close()

    profile = tmp_path / "shared-pc"
    context = launch_profile(playwright, profile)
    try:
        widget = open_demo(context, stack)
        page = widget.page
        page.evaluate(f"localStorage.setItem({SESSION_KEY!r}, {left_behind!r})")
        page.reload()
        widget = Widget(page)
        # The old widget's token is removed on load and not used.
        start_conversation(widget)
        assert widget.remembered_token() is None
        expect(widget.log.locator(".reflect-history .reflect-msg")).to_have_count(0)
        expect(widget.progress).to_be_hidden()

        # My own conversation: its token is in sessionStorage only.
        widget.choose("Discuss and reflect")
        widget.expect_point(1)
        widget.wait_until_idle()
        mine = widget.session_token()
        assert mine and mine != left_behind
        assert widget.remembered_token() is None
        assert page.evaluate("Object.keys(localStorage)") == []

        # A reload in the same tab carries on.
        page.reload()
        widget = Widget(page)
        expect(widget.status).to_have_text("Conversation restored.")
        expect(widget.progress).to_have_text("Point 1 of 4")
        assert widget.session_token() == mine
    finally:
        context.close()

    # The browser is closed and opened again on the same profile: the next person.
    context = launch_profile(playwright, profile)
    try:
        widget = open_demo(context, stack)
        assert widget.session_token() is None and widget.remembered_token() is None
        start_conversation(widget)
        expect(widget.log.locator(".reflect-history .reflect-msg")).to_have_count(0)
        expect(widget.progress).to_be_hidden()
        assert "Point 1 of 4" not in widget.log.inner_text()
        assert widget.session_token() not in (None, mine)
        assert widget.errors == []
    finally:
        context.close()


def test_data_remember_keeps_the_session_across_restarts_and_forget_reaches_every_tab(
    playwright: Playwright, stack: Stack, tmp_path: Path
) -> None:
    """data-remember="true": a site's own choice to keep the session in localStorage."""
    profile = tmp_path / "own-laptop"
    context = launch_profile(playwright, profile)
    context.add_init_script(embed_with("data-remember", "true"))
    try:
        widget = open_demo(context, stack)
        start_conversation(widget)
        widget.choose("Discuss and reflect")
        widget.expect_point(1)
        widget.wait_until_idle()
        token = widget.remembered_token()
        assert token and widget.session_token() is None
    finally:
        context.close()

    context = launch_profile(playwright, profile)
    context.add_init_script(embed_with("data-remember", "true"))
    try:
        first = open_demo(context, stack)
        first.open()
        expect(first.progress).to_have_text("Point 1 of 4")
        expect(first.status).to_have_text("Conversation restored.")
        second = open_demo(context, stack)
        second.open()
        expect(second.progress).to_have_text("Point 1 of 4")
        second.wait_until_idle()

        first.page.bring_to_front()
        first.wait_until_idle()
        first.forget_button.click()
        first.confirmation.get_by_role("button", name="Yes, forget it").click()
        expect(first.start_new).to_be_visible()
        # The other tab is told, and shows that the conversation is gone.
        ended = second.log.locator(".reflect-ended")
        expect(ended).to_contain_text("forgotten in another tab or window")
        expect(second.log.locator(".reflect-msg")).to_have_count(0)
        expect(second.progress).to_be_hidden()
        expect(second.input).to_have_attribute("readonly", "")
        assert first.remembered_token() is None and second.remembered_token() is None
        assert events_of(stack, token) == 0
        assert first.errors == [] and second.errors == []
    finally:
        context.close()


def test_forget_this_conversation_with_the_keyboard_only(
    context: BrowserContext, stack: Stack
) -> None:
    widget = open_demo(context, stack)
    page = widget.page
    tab_until(page, lambda f: f["text"] == "Open Reflect chat")
    page.keyboard.press("Enter")
    widget.wait_for_bot(GREETING)
    widget.wait_until_idle()
    page.keyboard.type("discuss and reflect")
    page.keyboard.press("Enter")
    widget.expect_point(1)
    widget.wait_until_idle()
    page.keyboard.type("next")
    page.keyboard.press("Enter")
    widget.expect_point(2)
    widget.wait_until_idle()
    token = widget.session_token()
    assert token and events_of(stack, token) > 0

    # The control is reachable, labelled and visibly focused; the first press only asks.
    control = tab_until(page, lambda f: f["text"] == "Forget this conversation")
    assert control["tag"] == "button" and has_visible_focus(control), control
    page.keyboard.press("Enter")
    expect(widget.confirmation).to_be_visible()
    expect(widget.confirmation).to_contain_text("Reflections you saved are kept")
    expect(widget.confirmation.locator(".reflect-confirm-question")).to_be_focused()
    expect(widget.forget_button).to_be_hidden()

    # Escape (or Cancel) steps back: nothing is forgotten, the panel stays open.
    page.keyboard.press("Escape")
    expect(widget.confirmation).to_be_hidden()
    expect(widget.forget_button).to_be_focused()
    expect(widget.panel).to_be_visible()
    page.keyboard.press("Enter")
    cancel = tab_until(page, lambda f: f["text"] == "Cancel")
    assert has_visible_focus(cancel), cancel
    page.keyboard.press("Enter")
    expect(widget.confirmation).to_be_hidden()
    expect(widget.forget_button).to_be_focused()
    assert widget.session_token() == token
    expect(widget.progress).to_have_text("Point 2 of 4")

    # Now for real.
    page.keyboard.press("Enter")
    yes = tab_until(page, lambda f: f["text"] == "Yes, forget it")
    assert has_visible_focus(yes), yes
    page.keyboard.press("Enter")
    ended = widget.log.locator(".reflect-ended")
    expect(ended).to_contain_text("This conversation has been forgotten")
    expect(ended).to_contain_text("Reflections you saved are kept")
    expect(widget.start_new).to_be_focused()
    expect(widget.log.locator(".reflect-msg")).to_have_count(0)
    expect(widget.progress).to_be_hidden()
    expect(widget.input).to_have_attribute("readonly", "")
    assert widget.session_token() is None and widget.remembered_token() is None
    assert events_of(stack, token) == 0

    # A fresh conversation only when asked for.
    page.keyboard.press("Enter")
    widget.wait_for_bot(GREETING)
    widget.wait_until_idle()
    expect(widget.input).to_be_focused()
    fresh = widget.session_token()
    assert fresh and fresh != token

    # After a reload, the forgotten conversation is gone for good.
    page.reload()
    widget = Widget(page)
    expect(widget.panel).to_be_visible()
    widget.wait_for_bot(GREETING)
    widget.wait_until_idle()
    expect(widget.user_messages()).to_have_count(0)
    expect(widget.progress).to_be_hidden()
    assert "Point 2 of 4" not in widget.log.inner_text()
    assert widget.session_token() == fresh
    assert events_of(stack, token) == 0
    assert widget.errors == [] and widget.dialogs == []


def test_the_widget_reconnects_and_resumes_after_a_server_restart(
    context: BrowserContext, stack: Stack, model_path: Path
) -> None:
    """Last in the module: it restarts the module's stack (same ports, same database)."""
    widget = open_demo(context, stack)
    start_conversation(widget)
    widget.choose("Discuss and reflect")
    widget.expect_point(1)
    widget.wait_until_idle()

    stack.stop()
    expect(widget.status).to_have_text(re.compile("Reconnecting"))
    expect(widget.input).to_have_attribute("readonly", "")
    again = start_stack(stack.settings, model_path)
    stack.services[:] = again.services  # the module fixture stops whatever is running
    expect(widget.status).not_to_have_text(re.compile("Reconnecting"), timeout=60_000)
    widget.wait_until_idle()
    expect(widget.progress).to_have_text("Point 1 of 4")
    widget.say("next")
    widget.expect_point(2)
    assert widget.errors == []


def _database(stack: Stack) -> str:
    return stack.settings.reflections_url.removeprefix("sqlite:///")


def test_a_follow_up_is_asked_and_answered_on_a_later_visit(
    context: BrowserContext, stack: Stack
) -> None:
    """Opt in at the end of the points; months later, a new visit asks; the answer is kept."""
    widget = open_demo(context, stack)
    start_conversation(widget)
    widget.choose("Discuss and reflect")
    widget.expect_point(1)
    for number in (2, 3, 4):
        widget.say("next")
        widget.expect_point(number)
    widget.say("next")
    widget.wait_for_bot("That's all")
    widget.choose("Follow me up in 3 months")
    widget.wait_for_bot("I'll ask what has changed")
    widget.wait_until_idle()
    token = widget.page.evaluate("localStorage.getItem('reflect.followup')")
    assert isinstance(token, str) and re.fullmatch(r"[A-Za-z0-9_-]{32}", token)

    with sqlite3.connect(_database(stack)) as db:
        rows = db.execute("select channel, owner_key, reference from followups").fetchall()
        assert [(channel, reference) for channel, _, reference in rows] == [("widget", None)]
        assert token not in rows[0][1]  # only its keyed hash is kept
        # About three months pass.
        db.execute("update followups set due_on = date('now')")

    # A later visit from the same browser: a new tab is a new conversation (sessionStorage).
    later = Widget(context.new_page())
    later.page.goto(stack.settings.web_url + "/")
    later.open()
    later.wait_for_bot("About three months ago")
    later.choose("Answer now")
    later.wait_until_idle()
    later.say("I now ask who else lives in the household at every visit and write it down.")
    later.wait_for_bot("household")
    later.choose("Save")
    later.wait_for_bot("Which kind of organisation")
    later.choose("Health")
    later.wait_for_bot("Saved, thank you")

    with sqlite3.connect(_database(stack)) as db:
        kinds = db.execute("select kind, text from reflections where kind = 'followup'").fetchall()
        assert [text for _, text in kinds] == [
            "I now ask who else lives in the household at every visit and write it down."
        ]
        assert db.execute("select count(*) from followups").fetchone() == (0,)
    assert widget.errors == [] and later.errors == []
