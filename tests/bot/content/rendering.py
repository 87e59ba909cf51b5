"""What every rendered message must be: no placeholder left, every button a payload."""

from __future__ import annotations

from bot.content.messages import Message


def assert_fully_rendered(message: Message) -> None:
    """No {placeholder} left in the text or a button title, and every button has a payload."""
    assert message.text.strip()
    assert "{" not in message.text and "}" not in message.text
    for button in message.buttons:
        assert "{" not in button["title"]
        assert button["payload"].startswith("/")
