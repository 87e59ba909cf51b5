"""The partnership's urgent numbers, front door and staff support, filled from the pack.

The static 999 / Single Point of Advice answer is in domain.yml; these follow it with the pack's
own contacts. Wording belongs to bot/content/messages.yml and the pack.
"""

from __future__ import annotations

from bot.briefing.views import link_lines, markdown_link
from bot.content.messages import Message, render
from bot.content.schema import LinkKind, Pack


def _contact_lines(pack: Pack) -> str:
    return "\n".join(
        f"- **{contact.label}: {contact.detail}**. {contact.when}"
        for contact in pack.urgent_help.contacts
    )


def urgent_help_view(pack: Pack) -> dict[str, str]:
    """Values for utter_urgent_contacts: the partnership's own numbers."""
    return {"urgent_contacts": _contact_lines(pack), "urgent_note": pack.urgent_help.note}


def front_door_view(pack: Pack) -> dict[str, str]:
    """Values for the front-door answer: the same numbers, and the contact pages to read."""
    return {
        "urgent_contacts": _contact_lines(pack),
        "contact_links": link_lines(pack.links_of_kind(LinkKind.CONTACT), describe=False),
    }


def staff_support_view(pack: Pack) -> dict[str, str] | None:
    """Values for the partnership's staff support, or None when the pack names none."""
    support = pack.staff_support
    if support is None:
        return None
    return {
        "partnership_short": pack.partnership_short,
        "support_items": "\n".join(f"- {item}" for item in support.items),
        "support_link": f"- {markdown_link(support.link)}" if support.link else "",
    }


def urgent_contacts_message(pack: Pack) -> Message:
    """The partnership's urgent numbers, after the static 999/SPoA response."""
    return render("urgent_contacts", **urgent_help_view(pack))


def front_door_message(pack: Pack) -> Message:
    """How to refer a child or ask for advice: safeguarding lead first, then the front door.

    The same numbers as the urgent answer, because a "how do I refer?" question may be about a
    child at risk now; answering with them is right either way.
    """
    return render("front_door", **front_door_view(pack))


def staff_support_message(pack: Pack) -> Message | None:
    """The partnership's own support for practitioners, when the pack has any."""
    values = staff_support_view(pack)
    return None if values is None else render("staff_support", **values)
