"""draft_yaml: a complete, deterministic pack whose [CHECK] marks are the only thing between
the draft and a valid pack."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.content.loader import parse_pack
from bot.importer.draft import (
    Contact,
    Draft,
    LearningItem,
    LinkItem,
    Question,
    RecommendationItem,
    aliases_for,
    draft_yaml,
    short_title,
    slug,
)
from bot.importer.read import read_briefing
from bot.importer.recognise import recognise
from scripts.briefing_fixtures import build_fixtures

BRIEFINGS = Path(__file__).resolve().parents[2] / "data" / "briefings"
TODAY = date(2026, 12, 7)


def unmarked(text: str) -> object:
    # Resolving the marks: a link found without an address gets the one the reviewer looks up.
    resolved = re.sub(r"\[CHECK\] https://(?=[\"'\n])", "https://www.example.org/found", text)
    return yaml.safe_load(resolved.replace("[CHECK] ", ""))


def full_draft() -> Draft:
    return Draft(
        title="Child Q: learning from a rapid review",
        partnership="Northmoor Safeguarding Children Partnership",
        what_is_a_review="A review is...",
        case_summary="Child Q was seen.\n\nThen again.",
        learning=(LearningItem("Professional curiosity", "Ask more."), LearningItem(None, "Text.")),
        recommendations=(
            RecommendationItem(None, "Partners should meet.", ("monthly", "with notes")),
        ),
        action_taken=("A new protocol.",),
        questions=(Question("How do you ask?", 0), Question("Who else lives there?", None)),
        links=(LinkItem("Manual", "http://procedures.example.org/", 0), LinkItem("Toolkit", None)),
        contacts=(Contact("Children's Front Door", "0113 496 0000", "Mon to Fri"),),
        unsure={"learning[1].title": "no title", "links[1].url": "no address"},
    )


def test_a_full_draft_parses_once_marks_are_removed() -> None:
    text = draft_yaml(full_draft(), pack_id="child-q", source_name="child-q.pdf", today=TODAY)
    pack = parse_pack(unmarked(text), file="child-q.yml")
    assert pack.short_title == "Child Q"
    assert pack.key_learning[0].links[0].url == "https://procedures.example.org/"
    assert pack.discussion_points[0].learning[0].id == pack.key_learning[0].id
    assert pack.recommendations[0].bullets == ("monthly", "with notes")
    assert pack.urgent_help.contacts[0].detail == "999"
    assert pack.urgent_help.contacts[1].label == "Children's Front Door"
    assert pack.review_by == date(2027, 6, 7)
    assert pack.about.case_summary == "Child Q was seen.\n\nThen again."


def test_every_mark_has_a_comment_above_it() -> None:
    text = draft_yaml(full_draft(), pack_id="child-q", source_name="child-q.pdf", today=TODAY)
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if "[CHECK]" in line and not line.lstrip().startswith("#") and "verified_from" not in line:
            above = lines[index - 1].strip()
            assert above.startswith("# CHECK:") or "[CHECK]" in above or above.endswith(">-"), line
    assert text.startswith("# Draft content pack")
    assert "packs validate" in text


def test_output_is_deterministic() -> None:
    first = draft_yaml(full_draft(), pack_id="child-q", source_name="x.pdf", today=TODAY)
    assert first == draft_yaml(full_draft(), pack_id="child-q", source_name="x.pdf", today=TODAY)


def test_an_empty_draft_still_makes_a_complete_pack() -> None:
    text = draft_yaml(
        Draft(title="Briefing", partnership="Westvale Safeguarding Partnership"),
        pack_id="westvale",
        source_name="w.txt",
        today=TODAY,
    )
    pack = parse_pack(unmarked(text), file="westvale.yml")
    assert pack.recommendations == ()
    assert pack.action_taken == ()
    assert len(pack.urgent_help.contacts) == 2  # 999 and the front door placeholder


def test_slugs_aliases_and_short_titles() -> None:
    assert slug("The legacy of domestic abuse!") == "legacy-domestic-abuse"
    assert "domestic abuse" in aliases_for("The legacy of domestic abuse")
    assert aliases_for("Information sharing") == ["information sharing"]
    assert short_title("7 Minute Briefing: Baby R – Safe Sleep") == "Baby R"
    assert (
        short_title("Escalation and challenge: a learning briefing") == "Escalation and challenge"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("briefings")
    build_fixtures(BRIEFINGS, out)
    return out


def _fixtures() -> list[str]:
    return sorted(p.name.removesuffix(".expected.yml") for p in BRIEFINGS.glob("*.expected.yml"))


@pytest.mark.parametrize("name", _fixtures())
def test_every_fixture_draft_validates_once_marks_are_removed(name: str, built: Path) -> None:
    expected = yaml.safe_load((BRIEFINGS / f"{name}.expected.yml").read_text(encoding="utf-8"))
    fmt = expected["format"]
    path = built / f"{name}.{fmt}" if fmt in {"docx", "pdf"} else BRIEFINGS / expected["source"]
    draft = recognise(read_briefing(path))
    text = draft_yaml(draft, pack_id=name, source_name=path.name, today=TODAY)
    parse_pack(unmarked(text), file=f"{name}.yml")
