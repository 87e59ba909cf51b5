"""Turn a content pack into the messages the conversation sends.

Wording belongs to bot/content/messages.yml (scaffolding) and the pack (briefing text); this
module only picks the right pieces and lays out lists and links as Markdown, which every channel
renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.content.messages import Button, Message, render
from bot.content.schema import KeyLearning, Link, LinkKind, Pack

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


def markdown_link(link: Link) -> str:
    """A Markdown link, the one form Teams, the web widget and REST clients all render."""
    return f"[{link.title}]({link.url})"


def link_lines(links: Iterable[Link], *, describe: bool = True) -> str:
    """Links as a Markdown bullet list, each with its description when asked and it has one."""
    lines = []
    for link in links:
        line = f"- {markdown_link(link)}"
        if describe and link.description:
            line += f": {link.description}"
        lines.append(line)
    return "\n".join(lines)


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


def about_view(pack: Pack) -> dict[str, str]:
    """Values for utter_about_review."""
    return {
        "briefing_title": pack.title,
        "what_is_a_review": pack.about.what_is_a_review,
        "purpose": pack.about.purpose,
        "case_summary": pack.about.case_summary,
    }


def learning_list_view(pack: Pack) -> dict[str, str]:
    """Values for utter_key_learning_list."""
    return {
        "learning_total": str(len(pack.key_learning)),
        "learning_titles": "\n".join(
            f"{item.number}. **{item.title}**" for item in pack.key_learning
        ),
    }


def learning_view(pack: Pack, learning: KeyLearning) -> dict[str, str]:
    """Values for utter_key_learning."""
    return {
        "learning_number": str(learning.number),
        "learning_total": str(len(pack.key_learning)),
        "learning_title": learning.title,
        "learning_summary": learning.summary,
        "learning_links": link_lines(learning.links),
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


def action_taken_view(pack: Pack) -> dict[str, str]:
    """Values for utter_action_taken."""
    items = []
    for item in pack.action_taken:
        text = f"- {item.text}"
        if item.links:
            text += "\n" + "\n".join(f"  {markdown_link(link)}" for link in item.links)
        items.append(text)
    return {"action_taken_intro": pack.action_taken_intro, "action_taken": "\n".join(items)}


def procedures_view(pack: Pack) -> dict[str, str]:
    """Values for utter_procedures: links grouped by kind, in pack order."""
    return {
        "procedure_links": link_lines(pack.links_of_kind(LinkKind.PROCEDURE)),
        "contact_links": link_lines(pack.links_of_kind(LinkKind.CONTACT)),
        "training_links": link_lines(pack.links_of_kind(LinkKind.TRAINING)),
        "site_links": link_lines(pack.links_of_kind(LinkKind.SITE)),
        "review_links": link_lines(pack.links_of_kind(LinkKind.REVIEW)),
    }


def other_reviews_view(pack: Pack, packs: Iterable[Pack]) -> dict[str, str]:
    """Values for the answer about other reviews: the briefings here, then where others are."""
    titles = [pack.title, *(other.title for other in packs if other.id != pack.id)]
    briefings = ", ".join(f"the **{title}**" for title in titles)
    return {
        "briefings": briefings,
        "review_links": link_lines(pack.links_of_kind(LinkKind.REVIEW)),
        "local_links": link_lines(pack.links_of_kind(LinkKind.SITE), describe=False),
    }


def greeting_messages(pack: Pack) -> list[Message]:
    """The greeting and the privacy notice (the menu follows from domain.yml)."""
    return [
        render("greet", briefing_title=pack.title, partnership=pack.partnership),
        render("privacy_notice"),
    ]


def about_message(pack: Pack) -> Message:
    """What a review is and what happened."""
    return render("about_review", **about_view(pack))


def key_learning_message(pack: Pack, *, learning_id: str | None, text: str) -> Message:
    """One learning point when the message names one (button id, number or topic), else the list."""
    learning = pack.learning_by_id(learning_id) if learning_id else find_learning(pack, text)
    if learning is None:
        listing = render("key_learning_list", **learning_list_view(pack))
        return Message(listing.text, (*listing.buttons, *learning_buttons(pack)))
    shown = render("key_learning", **learning_view(pack, learning))
    return Message(shown.text, (*learning_buttons(pack, exclude=learning.id), *shown.buttons))


def recommendations_message(pack: Pack) -> Message:
    """The review's recommendations."""
    return render("recommendations", **recommendations_view(pack))


def action_taken_message(pack: Pack) -> Message:
    """What has been done since the review."""
    return render("action_taken", **action_taken_view(pack))


def procedures_message(pack: Pack) -> Message:
    """Procedures, contacts, training and the partnership, grouped."""
    return render("procedures", **procedures_view(pack))


def other_reviews_message(pack: Pack, packs: Iterable[Pack]) -> Message:
    """Which briefings Reflect covers here, and where other (national, local) reviews are."""
    return render("other_reviews", **other_reviews_view(pack, packs))
