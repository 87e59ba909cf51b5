"""messages.yml parses, and rendering refuses to send a half-filled message."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.content.messages import (
    MESSAGES_FILE,
    Message,
    MessageError,
    Template,
    load_templates,
    parse_templates,
    render,
)


def test_messages_file_parses() -> None:
    templates = load_templates()

    assert templates
    assert set(templates) == set(yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8")))


# Buttons whose payload is the words themselves, read like a typed answer (the lead may type "half
# an hour" as often as press "30 minutes"): plain text passes the door and the anonymiser as any
# typed message does, and the group flow parses both the same way (bot/group/reading.py).
TYPED_PAYLOADS = {"group_ask_duration", "group_duration_unknown"}


@pytest.mark.parametrize("name", sorted(load_templates()))
def test_every_template_renders_with_its_placeholders(name: str) -> None:
    template = load_templates()[name]

    message = render(name, **{field: f"<{field}>" for field in template.placeholders})

    assert message.text
    assert "{" not in message.text and "}" not in message.text
    for field in template.placeholders:
        assert f"<{field}>" in message.text or any(
            f"<{field}>" in b["title"] for b in message.buttons
        )
    for button in message.buttons:
        assert button["title"]
        if name in TYPED_PAYLOADS:
            assert button["payload"] == button["title"]
        else:
            assert button["payload"].startswith("/")


def test_placeholders_come_from_text_and_button_titles() -> None:
    template = Template(
        "t", "Hello {name}, {name}!", ({"title": "Point {number}", "payload": "/x"},)
    )

    assert template.placeholders == frozenset({"name", "number"})


def test_render_fills_text_and_button_titles_but_not_payloads() -> None:
    templates = parse_templates(
        {"t": {"text": "At {n}", "buttons": [{"title": "Go {n}", "payload": "/go"}]}}, file="m.yml"
    )

    message = templates["t"].render({"n": "2", "unused": "ignored"})

    assert message == Message("At 2", ({"title": "Go 2", "payload": "/go"},))


def test_render_fails_on_a_missing_placeholder() -> None:
    with pytest.raises(MessageError, match=r"'greet' needs values for \['partnership'\]"):
        render("greet", briefing_title="Child Z LCSPR learning briefing")


def test_render_fails_on_an_unknown_name() -> None:
    with pytest.raises(MessageError, match=r"no message named 'no_such_message' in messages.yml"):
        render("no_such_message")


def test_as_kwargs_appends_extra_buttons() -> None:
    message = Message("Hi", ({"title": "A", "payload": "/a"},))

    kwargs = message.as_kwargs([{"title": "B", "payload": "/b"}])

    assert kwargs == {
        "text": "Hi",
        "buttons": [{"title": "A", "payload": "/a"}, {"title": "B", "payload": "/b"}],
    }
    assert message.as_kwargs() == {"text": "Hi", "buttons": [{"title": "A", "payload": "/a"}]}


def test_parse_templates_strips_text_and_stringifies_buttons() -> None:
    templates = parse_templates(
        {"t": {"text": "  Hi \n", "buttons": [{"title": 1, "payload": "/one"}]}}, file="m.yml"
    )

    assert templates["t"].text == "Hi"
    assert templates["t"].buttons == ({"title": "1", "payload": "/one"},)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (["not", "a", "mapping"], r"m.yml: expected a mapping of message names"),
        ({"t": {"buttons": []}}, r"m.yml: t: needs a text"),
        ({"t": "just a string"}, r"m.yml: t: needs a text"),
        ({"t": {"text": 3}}, r"m.yml: t: needs a text"),
        ({"t": None}, r"m.yml: t: needs a text"),
        (
            {"t": {"text": "Hi", "buttons": [{"title": "Menu"}]}},
            r"m.yml: t.buttons\[0\]: needs a title and a payload",
        ),
        (
            {"t": {"text": "Hi", "buttons": [{"title": "A", "payload": "/a"}, {"payload": "/b"}]}},
            r"m.yml: t.buttons\[1\]: needs a title and a payload",
        ),
        (
            {"t": {"text": "Hi", "buttons": ["/show_menu"]}},
            r"m.yml: t.buttons\[0\]: needs a title and a payload",
        ),
    ],
)
def test_parse_templates_rejects_malformed_entries(raw: Any, message: str) -> None:
    with pytest.raises(MessageError, match=message):
        parse_templates(raw, file="m.yml")


def test_the_widget_says_what_the_server_says_when_forgetting_fails() -> None:
    """widget.js shows the same apology when it cannot reach the server to forget at all."""
    widget = (MESSAGES_FILE.parents[1] / "web" / "static" / "widget.js").read_text(encoding="utf-8")

    assert f'notForgotten: "{render("widget_not_forgotten").text}",' in widget
