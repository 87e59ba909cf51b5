"""Issue 14, must-show 3: a deployment offering two briefings, on the real stack.

CONTENT_DIR is tests/data/packs (Child Z, the default, and the fictional Northmoor Child Q from
another partnership) and OFFERED_PACKS names both. Over the REST channel a practitioner sees the
two briefings, chooses the second, reads its learning on information sharing, discusses point 1
and saves a reflection: the reflections table has Child Q's pack id and version. An urgent
message then gets Northmoor's own front door and 999, never East Sussex's SPoA. The same
briefing is reached through the widget: the demo page's ?pack= puts it in data-pack, and the
greeting the widget then sends over socket.io starts the conversation on it.
"""

from __future__ import annotations

import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.content.loader import load_pack_file
from bot.run import Stack
from tests.bot.web.wire import CLIENTS, WidgetClient
from tests.conftest import SECOND_PACK_ID, SEVERAL_PACKS_DIR
from tests.e2e.conftest import Rest, stack_on_free_ports

pytestmark = pytest.mark.slow

CHILD_Q = load_pack_file(SEVERAL_PACKS_DIR / f"{SECOND_PACK_ID}.yml")
CHILD_Z_TITLE = "Child Z LCSPR learning briefing"
SPOA = "01323 464222"
NORTHMOOR_FRONT_DOOR = "0113 496 0000"
URGENT = "I'm worried a child is being hurt at home right now"
REFLECTION = (
    "When a child stops coming to nursery we should ask the family and the health visitor "
    "why within a week, not wait for the next review."
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[Stack]:
    """One stack offering both briefings, Child Z the default."""
    with stack_on_free_ports(
        tmp_path_factory.mktemp("several") / "var",
        model_path,
        content_dir=SEVERAL_PACKS_DIR,
        offered_packs=("esscp-child-z", SECOND_PACK_ID),
        default_pack_id="esscp-child-z",
    ) as running:
        yield running


def _payloads(replies: list[dict[str, Any]]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]


def _texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def _reflections(stack: Stack) -> list[tuple[str, str, str, str]]:
    path = stack.settings.reflections_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("select pack_id, pack_version, point_id, text from reflections")
        return [tuple(row) for row in rows]


def test_choose_the_second_briefing_reflect_on_it_and_get_its_own_front_door(
    stack: Stack,
) -> None:
    chat = Rest(stack.rasa_url, "several-briefings")

    hello = chat.say("hello")
    print("\n--- hello\n" + _texts(hello))
    assert "Reflect has 2 briefings:" in _texts(hello)
    assert CHILD_Z_TITLE in _texts(hello) and CHILD_Q.title in _texts(hello)
    assert f'/choose_pack{{"pack_id":"{SECOND_PACK_ID}"}}' in _payloads(hello)

    chosen = chat.text_of("I want the Child Q briefing")
    print("--- I want the Child Q briefing\n" + chosen)
    assert f"You're now on **{CHILD_Q.title}** ({CHILD_Q.partnership})." in chosen

    learning = chat.text_of("what is the learning on information sharing?")
    print("--- what is the learning on information sharing?\n" + learning)
    assert "Key learning 2 of 3: Sharing information early" in learning
    assert CHILD_Q.key_learning[1].summary in learning
    assert "(last checked on 14 March 2025)" in learning  # a link older than LINK_STALE_DAYS

    point = chat.text_of("discuss and reflect")
    print("--- discuss and reflect\n" + point)
    assert "Point 1 of 3" in point and CHILD_Q.discussion_points[0].question in point

    assert "Write your reflection" in chat.text_of("/add_reflection")
    assert "exactly what will be saved" in chat.text_of(REFLECTION)
    assert "Which kind of organisation" in chat.text_of("/save_reflection")
    saved = chat.text_of('/choose_agency{"agency":"health"}')
    print("--- saved\n" + saved)
    assert "receipt code" in saved

    assert _reflections(stack) == [
        (SECOND_PACK_ID, CHILD_Q.version, CHILD_Q.discussion_points[0].id, REFLECTION)
    ]
    print(f"--- reflections table: pack_id={SECOND_PACK_ID} pack_version={CHILD_Q.version}")

    urgent = chat.text_of(URGENT)
    print(f"--- {URGENT}\n" + urgent)
    assert NORTHMOOR_FRONT_DOOR in urgent and "999" in urgent
    assert SPOA not in urgent and "SPoA" not in urgent


def test_before_choosing_the_urgent_answer_gives_both_areas(stack: Stack) -> None:
    chat = Rest(stack.rasa_url, "several-urgent-first")

    urgent = chat.text_of(URGENT)

    assert "999" in urgent and SPOA in urgent and NORTHMOOR_FRONT_DOOR in urgent


def test_the_briefings_button_and_switching_back(stack: Stack) -> None:
    chat = Rest(stack.rasa_url, "several-buttons")
    chat.say("hi")

    chosen = chat.text_of(f'/choose_pack{{"pack_id":"{SECOND_PACK_ID}"}}')
    listing = chat.say("which briefings do you have?")
    back = chat.text_of('/choose_pack{"pack_id":"esscp-child-z"}')

    assert CHILD_Q.title in chosen
    assert "the one you're on" in _texts(listing).splitlines()[2]  # line 2: Child Q
    assert f"You're now on **{CHILD_Z_TITLE}**" in back
    assert SPOA in chat.text_of(URGENT)


def test_the_demo_page_passes_pack_to_the_widget(stack: Stack) -> None:
    def page(query: str) -> str:
        with urllib.request.urlopen(f"{stack.web_url}/{query}", timeout=10) as reply:
            return str(reply.read().decode("utf-8"))

    assert f'data-title="Reflect" data-pack="{SECOND_PACK_ID}" defer>' in page(
        f"?pack={SECOND_PACK_ID}"
    )
    assert 'data-title="Reflect" defer>' in page("?pack=no-such-pack")


@pytest.fixture
async def widget(stack: Stack) -> Any:
    client: WidgetClient = CLIENTS["polling"](stack.settings.socket_url)
    await client.connect(origin=stack.settings.web_url)
    yield client
    await client.close()


async def test_the_widgets_data_pack_greeting_starts_on_that_briefing(
    stack: Stack, widget: WidgetClient
) -> None:
    token = (await widget.session(None))["session_id"]

    # What widget.js sends for data-pack="northmoor-child-q" (tests/bot/web/test_widget_pack.py).
    greeting = _texts(await widget.turn(token, f'/greet{{"pack_id":"{SECOND_PACK_ID}"}}'))
    urgent = _texts(await widget.turn(token, URGENT))

    assert CHILD_Q.title in greeting and "Reflect has 2 briefings here" in greeting
    assert "call the Northmoor Children's Front Door or 999" in greeting
    assert NORTHMOOR_FRONT_DOOR in urgent and SPOA not in urgent
    assert widget.drain("error") == []


async def test_an_unknown_data_pack_greets_as_usual(stack: Stack, widget: WidgetClient) -> None:
    token = (await widget.session(None))["session_id"]

    greeting = _texts(await widget.turn(token, '/greet{"pack_id":"no-such-pack"}'))

    assert CHILD_Z_TITLE in greeting and "Reflect has 2 briefings:" in greeting
    assert widget.drain("error") == []
