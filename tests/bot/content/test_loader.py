"""Content packs load, and a broken edit fails with the file, the path and the problem."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.loader import (
    PackError,
    collect_problems,
    get_pack,
    load_pack_file,
    load_packs,
    parse_pack,
)
from bot.content.schema import LinkKind, Pack
from bot.settings.config import DEFAULT_PACK_DIR

PACK_FILE = DEFAULT_PACK_DIR / "esscp-child-z.yml"
FILE = "esscp-child-z.yml"

# The points for discussion exactly as the seed briefing words them
# (/work/shared/seed/child-z-learning-briefing.txt, "Points for discussion").
SEED_QUESTIONS = [
    "How do you manage situations where there are potential risks posed by other adults involved "
    "with the child/family?",
    "How do you consider the legacy of domestic abuse in your work with families?",
    "How do you consider fathers, partners and other significant adults in assessments addressing "
    "the needs and welfare of children?",
    "When was the last time you used the Pan Sussex Child Protection and Procedures Manual?",
]


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The real pack as plain YAML data; tests mutate deep copies of it."""
    data = yaml.safe_load(PACK_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def broken(raw: dict[str, Any], mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    mutate(data)
    return data


# --- every pack loads ---


@pytest.mark.parametrize("path", sorted(DEFAULT_PACK_DIR.glob("*.yml")), ids=lambda p: p.name)
def test_every_pack_loads(path: Path) -> None:
    pack = load_pack_file(path)

    assert pack.id == path.stem


def test_load_packs_keys_packs_by_id() -> None:
    packs = load_packs(DEFAULT_PACK_DIR)

    assert "esscp-child-z" in packs
    assert set(packs) == {path.stem for path in DEFAULT_PACK_DIR.glob("*.yml")}


def test_load_packs_rejects_a_directory_without_packs(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no content packs"):
        load_packs(tmp_path)


def test_get_pack_names_an_unknown_pack_id(tmp_path: Path) -> None:
    with pytest.raises(
        PackError, match=r"no-such-pack.yml: no content pack with id 'no-such-pack'"
    ):
        get_pack(tmp_path, "no-such-pack")


def test_the_raw_fixture_parses_unchanged(raw: dict[str, Any]) -> None:
    assert parse_pack(copy.deepcopy(raw), file=FILE) == load_pack_file(PACK_FILE)


# --- the Child Z pack says what the briefing says ---


def test_child_z_has_four_key_learning_points(pack: Pack) -> None:
    assert [item.number for item in pack.key_learning] == [1, 2, 3, 4]
    assert [item.title for item in pack.key_learning] == [
        "The legacy of relationships characterised by domestic abuse",
        "Information sharing",
        "The importance of assessing background information",
        "Assessing risk to children from risky adults outside of the family home",
    ]


def test_child_z_has_three_recommendations(pack: Pack) -> None:
    assert [rec.number for rec in pack.recommendations] == [1, 2, 3]
    assert all(rec.learning for rec in pack.recommendations)


def test_child_z_has_four_discussion_points(pack: Pack) -> None:
    assert [point.number for point in pack.discussion_points] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("index", "question"),
    [
        (0, SEED_QUESTIONS[0]),
        (1, SEED_QUESTIONS[1]),
        (2, SEED_QUESTIONS[2]),
        (3, SEED_QUESTIONS[3]),
    ],
)
def test_discussion_questions_are_the_seed_text(pack: Pack, index: int, question: str) -> None:
    assert pack.discussion_points[index].question == question


def test_every_link_is_https(pack: Pack) -> None:
    assert pack.links
    assert all(link.url.startswith("https://") for link in pack.links)


def test_every_link_reference_resolves_to_a_pack_link(pack: Pack) -> None:
    referenced = [
        *(link for item in pack.key_learning for link in item.links),
        *(link for item in pack.action_taken for link in item.links),
        *(link for point in pack.discussion_points for link in point.links),
    ]

    assert referenced
    assert all(link in pack.links for link in referenced)


def test_every_learning_reference_resolves_to_a_key_learning_point(pack: Pack) -> None:
    referenced = [
        *(item for rec in pack.recommendations for item in rec.learning),
        *(item for point in pack.discussion_points for item in point.learning),
    ]

    assert all(item in pack.key_learning for item in referenced)
    assert all(point.learning for point in pack.discussion_points)


def test_links_of_kind_groups_links_in_pack_order(pack: Pack) -> None:
    assert [link.id for link in pack.links_of_kind(LinkKind.PROCEDURE)] == [
        "pan-sussex-procedures",
        "sharing-information-family-members",
    ]
    assert [link.id for link in pack.links_of_kind(LinkKind.CONTACT)] == ["spoa"]


def test_learning_by_id(pack: Pack) -> None:
    learning = pack.learning_by_id("information-sharing")

    assert learning is not None
    assert learning.number == 2
    assert pack.learning_by_id("no-such-learning") is None


def test_dates_and_paragraphs_are_parsed(pack: Pack) -> None:
    assert pack.review_by == date(2027, 5, 31)
    assert pack.last_verified == date(2026, 11, 27)
    # Folded YAML paragraphs survive as Markdown paragraphs.
    assert "\n\n" in pack.about.case_summary
    assert "\n\n" in pack.key_learning[1].summary


def test_urgent_help_has_999_and_spoa(pack: Pack) -> None:
    details = [contact.detail for contact in pack.urgent_help.contacts]

    assert "999" in details
    assert any("01323 464222" in detail for detail in details)


# --- validation errors name the file, the path and the problem ---


def _del(*path: str | int) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _set(value: Any, *path: str | int) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _duplicate_link_id(data: dict[str, Any]) -> None:
    data["links"][1]["id"] = data["links"][0]["id"]


def _duplicate_point_id(data: dict[str, Any]) -> None:
    points = data["discussion"]["points"]
    points[2]["id"] = points[0]["id"]


def _swap_learning_numbers(data: dict[str, Any]) -> None:
    items = data["key_learning"]
    items[0]["number"], items[1]["number"] = 2, 1


# One mutation each, and the message the running bot's strict read raises.
INVALID = [
    pytest.param(
        _del("title"), r"^esscp-child-z.yml: title: is required but missing$", id="missing-top"
    ),
    pytest.param(
        _del("key_learning", 0, "summary"),
        r"^esscp-child-z.yml: key_learning\[0\].summary: is required but missing$",
        id="missing-nested",
    ),
    pytest.param(
        _del("discussion", "points", 1, "question"),
        r"^esscp-child-z.yml: discussion.points\[1\].question: is required but missing$",
        id="missing-question",
    ),
    pytest.param(
        _set("   ", "recommendations", "items", 0, "text"),
        r"^esscp-child-z.yml: recommendations.items\[0\].text: must be non-empty text$",
        id="blank-text",
    ),
    pytest.param(
        _set([], "key_learning"),
        r"^esscp-child-z.yml: key_learning: must not be empty$",
        id="empty-list",
    ),
    pytest.param(
        _set("http://sussexchildprotection.procedures.org.uk/", "links", 0, "url"),
        r"^esscp-child-z.yml: links\[0\].url: must be an https:// address, "
        r"got 'http://sussexchildprotection.procedures.org.uk/'$",
        id="http-url",
    ),
    pytest.param(
        _set("spoa-typo", "discussion", "points", 0, "links", 0),
        r"^esscp-child-z.yml: discussion.points\[0\].links\[0\]: unknown link id 'spoa-typo'",
        id="unknown-link-in-point",
    ),
    pytest.param(
        _set("sharing", "discussion", "points", 3, "learning", 0),
        r"^esscp-child-z.yml: discussion.points\[3\].learning\[0\]: "
        r"unknown key_learning id 'sharing'",
        id="unknown-learning-in-point",
    ),
    pytest.param(
        _set(["nope"], "key_learning", 2, "links"),
        r"^esscp-child-z.yml: key_learning\[2\].links\[0\]: unknown link id 'nope'",
        id="unknown-link-in-learning",
    ),
    pytest.param(
        _duplicate_link_id,
        r"^esscp-child-z.yml: links\[1\]: duplicate link id 'pan-sussex-procedures'$",
        id="duplicate-link-id",
    ),
    pytest.param(
        _duplicate_point_id,
        r"^esscp-child-z.yml: discussion.points\[2\]: "
        r"duplicate discussion point id 'risks-from-other-adults'$",
        id="duplicate-point-id",
    ),
    pytest.param(
        _swap_learning_numbers,
        r"^esscp-child-z.yml: key_learning: numbers must run 1, 2, 3... in order, "
        r"got \[2, 1, 3, 4\]$",
        id="numbers-out-of-order",
    ),
    pytest.param(
        _set(5, "discussion", "points", 3, "number"),
        r"^esscp-child-z.yml: discussion.points: numbers must run 1, 2, 3... in order, "
        r"got \[1, 2, 3, 5\]$",
        id="numbers-with-gap",
    ),
    pytest.param(
        _set("2", "recommendations", "items", 0, "number"),
        r"^esscp-child-z.yml: recommendations.items\[0\].number: must be a whole number, "
        r"got '2'$",
        id="number-as-text",
    ),
    pytest.param(
        _set("31/05/2027", "review_by"),
        r"^esscp-child-z.yml: review_by: must be a date like 2026-11-27, got '31/05/2027'$",
        id="bad-date",
    ),
    pytest.param(
        _set("2026-02-30", "links", 2, "last_verified"),
        r"^esscp-child-z.yml: links\[2\].last_verified: must be a date like 2026-11-27, "
        r"got '2026-02-30'$",
        id="impossible-date",
    ),
    pytest.param(
        _set(2, "schema_version"),
        r"^esscp-child-z.yml: schema_version: this version of Reflect reads schema 1, got 2$",
        id="schema-version",
    ),
    pytest.param(
        _del("schema_version"),
        r"^esscp-child-z.yml: schema_version: is required but missing$",
        id="schema-version-missing",
    ),
    pytest.param(
        _set("esscp-child-y", "id"),
        r"^esscp-child-z.yml: id: must match the file name 'esscp-child-z', "
        r"got 'esscp-child-y'$",
        id="id-not-file-name",
    ),
    pytest.param(
        _set("Information_Sharing", "key_learning", 1, "id"),
        r"^esscp-child-z.yml: key_learning\[1\].id: must be lower-case words joined by "
        r"hyphens, got 'Information_Sharing'$",
        id="bad-id",
    ),
    pytest.param(
        _set("policy", "links", 0, "kind"),
        r"^esscp-child-z.yml: links\[0\].kind: must be one of procedure, contact, training, "
        r"site, review, got 'policy'$",
        id="bad-kind",
    ),
    pytest.param(
        _set("nowhere", "staff_support", "link"),
        r"^esscp-child-z.yml: staff_support.link: unknown link id 'nowhere' \(known: ",
        id="staff-support-unknown-link",
    ),
    pytest.param(
        _set([], "staff_support", "items"),
        r"^esscp-child-z.yml: staff_support.items: must not be empty$",
        id="staff-support-no-items",
    ),
    pytest.param(
        _del("staff_support", "last_verified"),
        r"^esscp-child-z.yml: staff_support.last_verified: is required but missing$",
        id="staff-support-unverified",
    ),
    pytest.param(
        _set("not a mapping", "about"),
        r"^esscp-child-z.yml: about: expected a mapping$",
        id="not-a-mapping",
    ),
    pytest.param(
        _set("pan-sussex-procedures", "key_learning", 0, "links"),
        r"^esscp-child-z.yml: key_learning\[0\].links: must be a list$",
        id="not-a-list",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), INVALID)
def test_invalid_pack_is_reported_with_file_and_path(
    raw: dict[str, Any], mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(PackError, match=message):
        parse_pack(broken(raw, mutate), file=FILE)


def test_pack_must_be_a_mapping() -> None:
    with pytest.raises(PackError, match=r"^esscp-child-z.yml: a pack must be a YAML mapping$"):
        parse_pack(["not", "a", "pack"], file=FILE)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "esscp-child-z.yml"
    path.write_text("schema_version: 1\nid: [unclosed\ntitle: x\n", encoding="utf-8")

    with pytest.raises(PackError, match=r"(?s)^esscp-child-z.yml: not valid YAML: .*line \d+"):
        load_pack_file(path)


def test_unreadable_pack_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"^missing.yml: cannot be read"):
        load_pack_file(tmp_path / "missing.yml")


def test_broken_pack_in_a_directory_fails_load_packs(tmp_path: Path, raw: dict[str, Any]) -> None:
    data = broken(raw, _set("ftp://example.org/", "links", 3, "url"))
    (tmp_path / "esscp-child-z.yml").write_text(yaml.safe_dump(data), encoding="utf-8")

    with pytest.raises(PackError, match=r"^esscp-child-z.yml: links\[3\].url: must be an https"):
        load_packs(tmp_path)


# --- staff support (optional) ---


def test_staff_support_is_read_with_its_link_and_date(pack: Pack) -> None:
    support = pack.staff_support

    assert support is not None
    assert support.items
    assert support.link is not None and support.link.url == "https://www.esscp.org.uk/"
    assert isinstance(support.last_verified, date)
    # Not verified with the partnership yet, and the pack says so.
    assert "confirm" in support.verified_from


def test_staff_support_is_optional(raw: dict[str, Any]) -> None:
    assert parse_pack(broken(raw, _del("staff_support")), file=FILE).staff_support is None


def test_staff_support_link_is_optional(raw: dict[str, Any]) -> None:
    support = parse_pack(broken(raw, _del("staff_support", "link")), file=FILE).staff_support

    assert support is not None and support.link is None


def test_review_links_are_their_own_kind(pack: Pack) -> None:
    (panel,) = pack.links_of_kind(LinkKind.REVIEW)

    assert panel.url.startswith("https://www.gov.uk/")


# --- what a briefing may leave out (issue 14: any briefing, not just Child Z) ---


def test_a_briefing_without_recommendations_or_action_taken_loads(raw: dict[str, Any]) -> None:
    data = broken(raw, _set({"items": []}, "recommendations"))
    data["action_taken"] = {"items": []}

    pack = parse_pack(data, file=FILE)

    assert pack.recommendations == () and pack.recommendations_intro == ""
    assert pack.action_taken == () and pack.action_taken_intro == ""


def test_recommendations_with_items_still_need_their_intro(raw: dict[str, Any]) -> None:
    with pytest.raises(
        PackError, match=r"^esscp-child-z.yml: recommendations.intro: is required but missing$"
    ):
        parse_pack(broken(raw, _del("recommendations", "intro")), file=FILE)


def test_what_a_review_is_and_its_purpose_are_optional(raw: dict[str, Any]) -> None:
    data = broken(raw, _del("about", "what_is_a_review"))
    data["about"]["purpose"] = None

    about = parse_pack(data, file=FILE).about

    assert about.what_is_a_review == "" and about.purpose == ""
    assert about.case_summary


def test_pack_aliases_are_read_and_default_to_none(raw: dict[str, Any], pack: Pack) -> None:
    named = parse_pack(broken(raw, _set(["Child Z", "the Hailsham review"], "aliases")), file=FILE)

    assert named.aliases == ("Child Z", "the Hailsham review")
    assert pack.aliases == ()


def test_pack_aliases_must_be_text(raw: dict[str, Any]) -> None:
    with pytest.raises(
        PackError, match=r"^esscp-child-z.yml: aliases\[1\]: must be non-empty text"
    ):
        parse_pack(broken(raw, _set(["Child Z", ""], "aliases")), file=FILE)


# --- collecting every problem (reflect packs validate) with the same rules ---


def test_the_real_pack_has_no_problem_at_all(raw: dict[str, Any]) -> None:
    pack, problems = collect_problems(copy.deepcopy(raw), file=FILE)

    assert problems == []
    assert pack == load_pack_file(PACK_FILE)


@pytest.mark.parametrize(("mutate", "message"), INVALID)
def test_collecting_finds_what_the_strict_read_raises(
    raw: dict[str, Any], mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    """One source of truth: the collecting read reports exactly the strict read's problem."""
    _, problems = collect_problems(broken(raw, mutate), file=FILE)

    assert [str(problem) for problem in problems if re.match(message, str(problem))]
    assert all(problem.fix for problem in problems), [str(p) for p in problems if not p.fix]


def _many_problems(data: dict[str, Any]) -> None:
    data["key_learning"][0]["sumary"] = data["key_learning"][0].pop("summary")
    data["key_learning"][1]["number"] = "2"
    data["discussion"]["points"][2]["links"][0] = "spoa-page"
    data["discussion"]["points"][0]["number"] = 7
    data["links"][1]["url"] = "http://example.org/page"
    data["links"][1]["kind"] = "policy"
    data["urgent_help"]["contacts"][1] = "just a sentence"
    data["version"] = ""


def test_collecting_reports_every_problem_once_with_its_fix(raw: dict[str, Any]) -> None:
    _, problems = collect_problems(broken(raw, _many_problems), file=FILE)

    found = {problem.path: (problem.problem, problem.fix) for problem in problems}
    assert found == {
        "links[1].url": (
            "must be an https:// address, got 'http://example.org/page'",
            "use the page's https:// address (https://example.org/page) and check that it opens",
        ),
        "links[1].kind": (
            "must be one of procedure, contact, training, site, review, got 'policy'",
            "use one of procedure, contact, training, site, review",
        ),
        "key_learning[0].summary": (
            "is required but missing",
            "add a `summary:` line to key_learning[0]",
        ),
        "key_learning[1].number": (
            "must be a whole number, got '2'",
            "write the number without quotes, e.g. `number: 2`",
        ),
        "discussion.points[2].links[0]": (
            "unknown link id 'spoa-page' (known: esscp-site, esscp-training, "
            "national-review-panel, pan-sussex-procedures, sharing-information-family-members, "
            "spoa)",
            "use one of the ids under `links:`, or add a link with id 'spoa-page'",
        ),
        "discussion.points": (
            "numbers must run 1, 2, 3... in order, got [7, 2, 3, 4]",
            "number the items 1, 2, 3... in the order they appear in the file",
        ),
        "urgent_help.contacts[1]": (
            "expected a mapping",
            "write its fields on the lines below it, indented, one `name: value` a line",
        ),
        "version": ("must be non-empty text", "write the text: it must not be blank"),
        "key_learning[0].sumary": (
            "unknown field 'sumary' (did you mean 'summary'?)",
            "rename it to `summary:`",
        ),
    }
    assert len(problems) == len(found)


def test_a_number_that_failed_is_not_reported_again_as_out_of_order(raw: dict[str, Any]) -> None:
    _, problems = collect_problems(broken(raw, _set("two", "key_learning", 1, "number")), file=FILE)

    assert [problem.path for problem in problems] == ["key_learning[1].number"]


def test_an_unknown_field_without_a_near_name_lists_the_known_ones(raw: dict[str, Any]) -> None:
    _, problems = collect_problems(broken(raw, _set("x", "links", 0, "colour")), file=FILE)

    assert [str(problem) for problem in problems] == [
        "esscp-child-z.yml: links[0].colour: unknown field 'colour'"
    ]
    assert problems[0].fix == (
        "remove it, or use one of the fields here: description, id, kind, last_verified, title, "
        "url, verified_from"
    )


def test_the_strict_read_ignores_unknown_fields(raw: dict[str, Any]) -> None:
    assert parse_pack(broken(raw, _set("x", "links", 0, "colour")), file=FILE)


def test_collecting_a_non_mapping_gives_one_problem() -> None:
    pack, problems = collect_problems("just text", file=FILE)

    assert pack is None
    assert [str(problem) for problem in problems] == [
        "esscp-child-z.yml: a pack must be a YAML mapping"
    ]


# --- YAML a pack may not use (attack findings) ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: &a [*a]\n", "uses a YAML anchor or alias (&a)"),
        ("a: &x [1, 2]\nb: [*x, *x, *x]\n", "uses a YAML anchor or alias (&x)"),
        ("id: one\nid: two\n", "duplicate key 'id' (line 2)"),
        (
            "links:\n  - url: https://a.example/\n    url: https://b.example/\n",
            "duplicate key 'url'",
        ),
    ],
)
def test_aliases_and_duplicate_keys_are_refused_with_the_line(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "pack.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack_file(path)
    assert caught.value.problem.startswith(problem)
    assert caught.value.path.startswith("line ")
    assert caught.value.fix


def test_an_alias_bomb_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 30)]
    path = tmp_path / "bomb.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PackError, match="anchor or alias"):
        load_pack_file(path)


def test_a_file_that_is_not_utf8_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "binary.yml"
    path.write_bytes(b"\xff\xfe bad")
    with pytest.raises(PackError) as caught:
        load_pack_file(path)
    assert (caught.value.problem, caught.value.fix) == ("not UTF-8 text", "save it as UTF-8")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://", "has no host name after https://"),
        ("https:///path", "has no host name after https://"),
        ("https://example.org/a page", "is not an address: it contains a space"),
        ('https://example.org/"x"', "is not an address: it contains a space, quote"),
        ("https://example.org/\nx", "is not an address"),
        ("https://user:secret@example.org/", "must not contain a user name or password"),
    ],
)
def test_a_link_url_must_be_an_address(raw: dict[str, Any], url: str, problem: str) -> None:
    _, problems = collect_problems(broken(raw, _set(url, "links", 0, "url")), file=FILE)
    found = {error.path: error for error in problems}
    assert found["links[0].url"].problem.startswith(problem)
    assert "address bar" in found["links[0].url"].fix
