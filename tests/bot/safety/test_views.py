from __future__ import annotations

import dataclasses

from bot.briefing import views as briefing
from bot.content.schema import Pack
from bot.safety import views as safety_views
from tests.bot.content.rendering import assert_fully_rendered


def test_urgent_contacts_message(pack: Pack) -> None:
    message = safety_views.urgent_contacts_message(pack)

    assert_fully_rendered(message)
    assert "**Police: 999**" in message.text
    assert "01323 464222" in message.text
    assert "01273 335906" in message.text
    assert pack.urgent_help.note in message.text


# --- safety: the front door, staff support, other reviews ----------------------------------


def test_front_door_message_has_the_urgent_numbers_and_the_contact_page(pack: Pack) -> None:
    message = safety_views.front_door_message(pack)

    assert_fully_rendered(message)
    assert "safeguarding lead" in message.text
    for contact in pack.urgent_help.contacts:
        assert contact.detail in message.text
    for link in pack.links_of_kind(briefing.LinkKind.CONTACT):
        assert briefing.markdown_link(link) in message.text
    # The urgent note ("nothing you just wrote has been kept") belongs to the urgent answer only.
    assert pack.urgent_help.note not in message.text


def test_staff_support_message_lists_the_items_and_link(pack: Pack) -> None:
    message = safety_views.staff_support_message(pack)

    assert message is not None
    assert_fully_rendered(message)
    assert pack.staff_support is not None
    for item in pack.staff_support.items:
        assert f"- {item}" in message.text
    assert pack.partnership_short in message.text


def test_no_staff_support_message_without_the_section(pack: Pack) -> None:
    assert safety_views.staff_support_message(dataclasses.replace(pack, staff_support=None)) is None


# --- each pack's own front door (issue 14) ---------------------------------------------------


def test_urgent_contacts_of_the_second_pack_are_its_own(second_pack: Pack) -> None:
    message = safety_views.urgent_contacts_message(second_pack)

    assert_fully_rendered(message)
    assert "**Northmoor Children's Front Door: 0113 496 0000" in message.text
    assert "**Police: 999**" in message.text
    assert "01323 464222" not in message.text and "SPoA" not in message.text


def test_before_a_choice_the_other_areas_front_doors_follow(pack: Pack, second_pack: Pack) -> None:
    message = safety_views.urgent_contacts_message(pack, [second_pack])

    assert_fully_rendered(message)
    assert message.text.index("01323 464222") < message.text.index(
        "**If you work in the Northmoor Safeguarding Children Partnership area:**"
    )
    assert "0113 496 0000" in message.text and "0113 496 0999" in message.text
    assert message.text.count("**Police: 999**") == 1  # 999 once, from the first area


def test_the_front_door_answer_adds_the_other_areas_too(pack: Pack, second_pack: Pack) -> None:
    message = safety_views.front_door_message(pack, [second_pack])

    assert_fully_rendered(message)
    assert "01323 464222" in message.text and "0113 496 0000" in message.text
