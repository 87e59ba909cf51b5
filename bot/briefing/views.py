"""Turn a content pack into the messages the conversation sends.

Wording belongs to bot/content/messages.yml (scaffolding) and the pack (briefing text); this
module only picks the right pieces and lays out lists and links as Markdown, which every channel
renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.content.messages import Button, Message, render
from bot.content.schema import KeyLearning, Link, LinkKind, Pack, UrgentContact

_NUMBER_WORDS = {
    "one": 1,
    "first": 1,
    "1st": 1,
    "two": 2,
    "second": 2,
    "2nd": 2,
    "three": 3,
    "third": 3,
    "3rd": 3,
    "four": 4,
    "fourth": 4,
    "4th": 4,
    "five": 5,
    "fifth": 5,
    "5th": 5,
}
# "point 2", "learning #2", "number two", "no. 2" ("no one" is not "number one").
_NUMBER = re.compile(
    r"(?:\b(?:point|learning|number|no\.)|#)\s*(\d+|" + "|".join(_NUMBER_WORDS) + r")\b"
    r"|\b(" + "|".join(_NUMBER_WORDS) + r")\s+(?:learning|point|one)\b"
)


#: Digits of numbers that are the emergency services, not a partnership's front door.
_EMERGENCY_NUMBERS = frozenset({"999", "112"})


def long_date(day: date) -> str:
    """A date as people write it in a briefing: 27 November 2026."""
    return f"{day.day} {day:%B} {day.year}"


@dataclass(frozen=True)
class LinkAge:
    """When a link is old enough to say when it was last checked.

    ``today`` comes from the action (never read deep in a view), so tests choose the day; a
    link verified more than ``stale_days`` before it gets "(last checked on ...)".
    """

    today: date
    stale_days: int

    def note(self, link: Link) -> str:
        """The words after a stale link, "(last checked on 27 November 2026)"; else nothing."""
        if (self.today - link.last_verified).days <= self.stale_days:
            return ""
        return " " + render("link_last_checked", date=long_date(link.last_verified)).text


def markdown_link(link: Link) -> str:
    """A Markdown link, the one form Teams, the web widget and REST clients all render."""
    return f"[{link.title}]({link.url})"


def link_text(link: Link, age: LinkAge | None = None) -> str:
    """The Markdown link, with when it was last checked if that was long ago."""
    return markdown_link(link) + (age.note(link) if age else "")


def link_lines(links: Iterable[Link], *, describe: bool = True, age: LinkAge | None = None) -> str:
    """Links as a Markdown bullet list, each with its description when asked and it has one.

    With ``age``, a link not checked for longer than it allows says when it last was.
    """
    lines = []
    for link in links:
        line = f"- {markdown_link(link)}"
        if describe and link.description:
            line += f": {link.description}"
        lines.append(line + (age.note(link) if age else ""))
    return "\n".join(lines)


def is_emergency(contact: UrgentContact) -> bool:
    """Whether a contact is the emergency services (999), not a partnership's own number."""
    return re.sub(r"\D", "", contact.detail) in _EMERGENCY_NUMBERS


def front_door_contact(pack: Pack) -> UrgentContact | None:
    """The pack's front door: its first urgent contact that is not the emergency services."""
    return next((c for c in pack.urgent_help.contacts if not is_emergency(c)), None)


def front_door_phrase(packs: Sequence[Pack]) -> str:
    """Who to call in a sentence: "the Single Point of Advice (SPoA)", from the packs' contacts.

    Several different front doors (before a briefing is chosen) or none give the general words.
    """
    labels = list(dict.fromkeys(c.label for c in map(front_door_contact, packs) if c))
    if len(labels) != 1:
        return render("front_door_general").text
    label = labels[0]
    if label.lower().startswith("the "):
        return label
    return render("front_door_named", label=label).text


def _contains_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase.lower())}(?![a-z0-9])", text) is not None


def find_learning(pack: Pack, text: str) -> KeyLearning | None:
    """Which key learning point a message asks about: by number ("learning point 2") or alias.

    Matching lives here, driven by the pack's aliases, so a new briefing needs no retraining of
    entity extractors; the longest matching alias wins ("sharing information" over "information").
    """
    lowered = text.lower()
    match = _NUMBER.search(lowered)
    if match:
        token = match.group(1) or match.group(2)
        number = int(token) if token.isdigit() else _NUMBER_WORDS[token]
        if 1 <= number <= len(pack.key_learning):
            return pack.key_learning[number - 1]
    best: tuple[int, KeyLearning] | None = None
    for learning in pack.key_learning:
        for phrase in (learning.title, *learning.aliases):
            if _contains_phrase(lowered, phrase) and (best is None or len(phrase) > best[0]):
                best = (len(phrase), learning)
    return best[1] if best else None


def learning_buttons(pack: Pack, *, exclude: str | None = None) -> list[Button]:
    """One button per key learning point, carrying its id so no NLU guess is needed."""
    return [
        {
            "title": f"{learning.number}. {learning.title}",
            "payload": f'/ask_key_learning{{"learning_id":"{learning.id}"}}',
        }
        for learning in pack.key_learning
        if learning.id != exclude
    ]


def choose_button(pack: Pack) -> Button:
    """A button that moves the conversation to this briefing, by id (no NLU guess needed)."""
    return {"title": pack.short_title, "payload": f'/choose_pack{{"pack_id":"{pack.id}"}}'}


def _paragraphs(*parts: str) -> str:
    """Non-empty parts as Markdown paragraphs (a pack may leave some sections out)."""
    return "\n\n".join(part for part in parts if part.strip())


def about_view(pack: Pack) -> dict[str, str]:
    """Values for about_review, or about_review_summary when the pack has no what-is text."""
    return {
        "briefing_title": pack.title,
        "about_review": _paragraphs(pack.about.what_is_a_review, pack.about.purpose),
        "case_summary": pack.about.case_summary,
        "about_summary": _paragraphs(pack.about.purpose, pack.about.case_summary),
    }


def learning_list_view(pack: Pack) -> dict[str, str]:
    """Values for utter_key_learning_list."""
    return {
        "learning_total": str(len(pack.key_learning)),
        "learning_titles": "\n".join(
            f"{item.number}. **{item.title}**" for item in pack.key_learning
        ),
    }


def learning_view(
    pack: Pack, learning: KeyLearning, *, age: LinkAge | None = None
) -> dict[str, str]:
    """Values for utter_key_learning."""
    return {
        "learning_number": str(learning.number),
        "learning_total": str(len(pack.key_learning)),
        "learning_title": learning.title,
        "learning_summary": learning.summary,
        "learning_links": link_lines(learning.links, age=age),
    }


def recommendations_view(pack: Pack) -> dict[str, str]:
    """Values for utter_recommendations."""
    blocks = []
    for rec in pack.recommendations:
        block = f"**{rec.title}**\n{rec.text}"
        if rec.bullets:
            block += "\n" + "\n".join(f"- {bullet}" for bullet in rec.bullets)
        blocks.append(block)
    return {
        "recommendations_intro": pack.recommendations_intro,
        "recommendations": "\n\n".join(blocks),
    }


def action_taken_view(pack: Pack, *, age: LinkAge | None = None) -> dict[str, str]:
    """Values for utter_action_taken."""
    items = []
    for item in pack.action_taken:
        text = f"- {item.text}"
        if item.links:
            text += "\n" + "\n".join(f"  {link_text(link, age)}" for link in item.links)
        items.append(text)
    return {"action_taken_intro": pack.action_taken_intro, "action_taken": "\n".join(items)}


#: The procedures answer's sections, in order: the kind of link and its heading's message.
_PROCEDURE_SECTIONS = (
    (LinkKind.PROCEDURE, "links_heading_procedures"),
    (LinkKind.CONTACT, "links_heading_contacts"),
    (LinkKind.TRAINING, "links_heading_training"),
    (LinkKind.SITE, "links_heading_partnership"),
    (LinkKind.REVIEW, "links_heading_other_reviews"),
)


def procedures_view(
    pack: Pack, *, front_doors: Sequence[Pack] = (), age: LinkAge | None = None
) -> dict[str, str]:
    """Values for the procedures answer: links grouped by kind, in pack order.

    A kind the pack has no link of is left out, heading and all. ``front_doors`` are the packs
    whose front door the last line names (the pack itself when not given).
    """
    sections = []
    for kind, heading in _PROCEDURE_SECTIONS:
        links = pack.links_of_kind(kind)
        if links:
            sections.append(f"**{render(heading).text}**\n{link_lines(links, age=age)}")
    return {
        "link_sections": "\n\n".join(sections),
        "front_door": front_door_phrase(front_doors or (pack,)),
    }


def other_reviews_view(
    pack: Pack, packs: Iterable[Pack], *, age: LinkAge | None = None
) -> dict[str, str]:
    """Values for the answer about other reviews: the briefings here, then where others are."""
    titles = [pack.title, *(other.title for other in packs if other.id != pack.id)]
    briefings = ", ".join(f"the **{title}**" for title in titles)
    return {
        "briefings": briefings,
        "review_links": link_lines(pack.links_of_kind(LinkKind.REVIEW), age=age),
        "local_links": link_lines(pack.links_of_kind(LinkKind.SITE), describe=False, age=age),
    }


def briefing_list_view(offered: Sequence[Pack], current: Pack) -> dict[str, str]:
    """Values for briefing_list: every offered briefing, numbered, the current one marked."""
    lines = []
    for number, pack in enumerate(offered, start=1):
        key = "briefing_list_line_current" if pack.id == current.id else "briefing_list_line"
        lines.append(
            render(key, number=str(number), title=pack.title, partnership=pack.partnership).text
        )
    return {"briefing_total": str(len(offered)), "briefing_lines": "\n".join(lines)}


def offers_choice(offered: Sequence[Pack], *, chosen: bool) -> bool:
    """Whether the greeting ends with the list of briefings instead of the menu.

    Only when there is a choice and the conversation has not made one (nor been sent straight
    to a briefing by a link or the widget's ``data-pack``).
    """
    return len(offered) > 1 and not chosen


def greeting_messages(
    pack: Pack,
    offered: Sequence[Pack] = (),
    *,
    chosen: bool = False,
    front_doors: Sequence[Pack] = (),
) -> list[Message]:
    """The greeting and the privacy notice (the menu follows from domain.yml).

    With one briefing offered, exactly the single-briefing greeting. With several, a chosen
    briefing's greeting says how to switch; before any choice, the list of briefings follows
    the privacy notice, with a button for each (:func:`offers_choice`). ``front_doors`` are the
    packs whose front door the privacy notice names (the pack itself when not given).
    """
    greeting = render("greet", briefing_title=pack.title, partnership=pack.partnership)
    if len(offered) > 1 and chosen:
        hint = render("greet_other_briefings", briefing_total=str(len(offered)))
        greeting = Message(_paragraphs(greeting.text, hint.text), greeting.buttons)
    privacy = render("privacy_notice", front_door=front_door_phrase(front_doors or (pack,)))
    said = [greeting, privacy]
    if offers_choice(offered, chosen=chosen):
        said.append(briefing_list_message(offered, pack))
    return said


def briefing_list_message(offered: Sequence[Pack], current: Pack) -> Message:
    """The offered briefings, numbered, with a button for each (choosing one switches to it)."""
    listing = render("briefing_list", **briefing_list_view(offered, current))
    return Message(listing.text, (*(choose_button(p) for p in offered), *listing.buttons))


def pack_chosen_message(pack: Pack, *, already: bool = False) -> Message:
    """The briefing the conversation is now on, with the menu's first steps as buttons."""
    key = "pack_already_chosen" if already else "pack_chosen"
    return render(key, briefing_title=pack.title, partnership=pack.partnership)


def about_message(pack: Pack) -> Message:
    """What a review is and what happened (only what happened, if the pack says no more)."""
    key = "about_review" if pack.about.what_is_a_review else "about_review_summary"
    return render(key, **about_view(pack))


def key_learning_message(
    pack: Pack, *, learning_id: str | None, text: str, age: LinkAge | None = None
) -> Message:
    """One learning point when the message names one (button id, number or topic), else the list.

    A ``learning_id`` this pack does not have (a button from another briefing) is ignored.
    """
    learning = pack.learning_by_id(learning_id) if learning_id else None
    if learning is None:
        learning = find_learning(pack, text)
    if learning is None:
        listing = render("key_learning_list", **learning_list_view(pack))
        return Message(listing.text, (*listing.buttons, *learning_buttons(pack)))
    shown = render("key_learning", **learning_view(pack, learning, age=age))
    return Message(shown.text, (*learning_buttons(pack, exclude=learning.id), *shown.buttons))


def recommendations_message(pack: Pack) -> Message:
    """The review's recommendations, or that the briefing makes none."""
    if not pack.recommendations:
        return render("recommendations_none")
    return render("recommendations", **recommendations_view(pack))


def action_taken_message(pack: Pack, *, age: LinkAge | None = None) -> Message:
    """What has been done since the review, or that the briefing does not say."""
    if not pack.action_taken:
        return render("action_taken_none")
    return render("action_taken", **action_taken_view(pack, age=age))


def procedures_message(
    pack: Pack, *, front_doors: Sequence[Pack] = (), age: LinkAge | None = None
) -> Message:
    """Procedures, contacts, training and the partnership, grouped."""
    return render("procedures", **procedures_view(pack, front_doors=front_doors, age=age))


def other_reviews_message(
    pack: Pack, packs: Iterable[Pack], *, age: LinkAge | None = None
) -> Message:
    """Which briefings Reflect covers here, and where other (national, local) reviews are.

    With several briefings here, each of the others has a button that switches to it.
    """
    offered = list(packs)
    shown = render("other_reviews", **other_reviews_view(pack, offered, age=age))
    switch = [choose_button(other) for other in offered if other.id != pack.id]
    return Message(shown.text, (*switch, *shown.buttons))
