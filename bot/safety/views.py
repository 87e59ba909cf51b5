"""The partnership's urgent numbers, front door and staff support, filled from the pack.

The static 999 answer is in domain.yml (it names no partnership, so it is right whichever
briefing is chosen); these follow it with the pack's own contacts. Before a practitioner has
chosen among several briefings, the other partnerships' front doors follow the first's, so
nobody is given another area's number alone. Wording belongs to bot/content/messages.yml and
the pack.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.briefing.views import LinkAge, is_emergency, link_lines, link_text
from bot.content.messages import Message, render
from bot.content.schema import LinkKind, Pack, UrgentContact


def _contact_line(contact: UrgentContact) -> str:
    return f"- **{contact.label}: {contact.detail}**. {contact.when}"


def _contact_lines(pack: Pack) -> str:
    return "\n".join(_contact_line(contact) for contact in pack.urgent_help.contacts)


def _other_areas(others: Sequence[Pack]) -> str:
    """Each other partnership's own numbers (not 999 again), under its name."""
    blocks = []
    for pack in others:
        lines = [
            _contact_line(contact)
            for contact in pack.urgent_help.contacts
            if not is_emergency(contact)
        ]
        if lines:
            heading = render("urgent_contacts_other_area", partnership=pack.partnership).text
            blocks.append("\n".join([heading, *lines]))
    return "\n\n".join(blocks)


def _with_other_areas(message: Message, others: Sequence[Pack]) -> Message:
    extra = _other_areas(others)
    return Message(f"{message.text}\n\n{extra}" if extra else message.text, message.buttons)


def urgent_help_view(pack: Pack) -> dict[str, str]:
    """Values for utter_urgent_contacts: the partnership's own numbers."""
    return {"urgent_contacts": _contact_lines(pack), "urgent_note": pack.urgent_help.note}


def front_door_view(pack: Pack, *, age: LinkAge | None = None) -> dict[str, str]:
    """Values for the front-door answer: the same numbers, and the contact pages to read."""
    return {
        "urgent_contacts": _contact_lines(pack),
        "contact_links": link_lines(pack.links_of_kind(LinkKind.CONTACT), describe=False, age=age),
    }


def staff_support_view(pack: Pack, *, age: LinkAge | None = None) -> dict[str, str] | None:
    """Values for the partnership's staff support, or None when the pack names none."""
    support = pack.staff_support
    if support is None:
        return None
    return {
        "partnership_short": pack.partnership_short,
        "support_items": "\n".join(f"- {item}" for item in support.items),
        "support_link": f"- {link_text(support.link, age)}" if support.link else "",
    }


def urgent_contacts_message(pack: Pack, others: Sequence[Pack] = ()) -> Message:
    """The partnership's urgent numbers, after the static 999 response.

    ``others`` are further partnerships whose front doors follow (before a briefing is chosen,
    one pack per other partnership offered: :meth:`bot.content.catalogue.Catalogue.front_doors`).
    """
    return _with_other_areas(render("urgent_contacts", **urgent_help_view(pack)), others)


def front_door_message(
    pack: Pack, others: Sequence[Pack] = (), *, age: LinkAge | None = None
) -> Message:
    """How to refer a child or ask for advice: safeguarding lead first, then the front door.

    The same numbers as the urgent answer, because a "how do I refer?" question may be about a
    child at risk now; answering with them is right either way.
    """
    message = render("front_door", **front_door_view(pack, age=age))
    return _with_other_areas(message, others)


def staff_support_message(pack: Pack, *, age: LinkAge | None = None) -> Message | None:
    """The partnership's own support for practitioners, when the pack has any."""
    values = staff_support_view(pack, age=age)
    return None if values is None else render("staff_support", **values)
