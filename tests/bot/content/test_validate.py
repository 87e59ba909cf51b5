"""`reflect packs validate`'s checks: every problem at once, each with its place and a fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.content.validate import FileReport, Finding, validate_file, validate_files
from bot.settings.config import DEFAULT_PACK_DIR

SOURCE = (DEFAULT_PACK_DIR / "esscp-child-z.yml").read_text(encoding="utf-8")
TODAY = date(2026, 12, 7)
STALE_DAYS = 180


def edited(tmp_path: Path, *edits: tuple[str, str], name: str = "esscp-child-z.yml") -> Path:
    """The Child Z pack with each (old, new) text edit made once, written to tmp_path/name."""
    text = SOURCE
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(path: Path, today: date = TODAY) -> FileReport:
    return validate_file(path, today=today, stale_days=STALE_DAYS)


def lines(report: FileReport) -> list[str]:
    return [finding.line() for finding in report.findings]


def test_the_real_pack_is_valid_with_nothing_to_say() -> None:
    report = check(DEFAULT_PACK_DIR / "esscp-child-z.yml")

    assert report.valid and report.findings == ()
    assert report.pack is not None and report.pack.id == "esscp-child-z"


def test_every_problem_is_reported_in_file_order_with_a_fix(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        ("title: Child Z LCSPR learning briefing", 'title: "[CHECK] Learning from Child Z"'),
        (
            "  - id: information-sharing\n    number: 2",
            '  - id: information-sharing\n    number: "2"',
        ),
        ("    summary: >-\n      It was established", "    sumary: >-\n      It was established"),
        (
            "      links: [sharing-information-family-members]\n      prompts:",
            "      links: [spoa-page]\n      prompts:",
        ),
        (
            "url: https://www.esscp.org.uk/\n    kind: training",
            "url: http://www.esscp.org.uk/\n    kind: training",
        ),
    )

    report = check(path)

    assert not report.valid
    assert lines(report) == [
        'esscp-child-z.yml: title: marked by the importer for review ("Learning from Child Z"). '
        "Fix: check the text against the briefing (the comment above it says what to check), "
        "then remove [CHECK].",
        "esscp-child-z.yml: key_learning[1].summary: is required but missing. "
        "Fix: add a `summary:` line to key_learning[1].",
        "esscp-child-z.yml: key_learning[1].number: must be a whole number, got '2'. "
        "Fix: write the number without quotes, e.g. `number: 2`.",
        "esscp-child-z.yml: key_learning[1].sumary: unknown field 'sumary' (did you mean "
        "'summary'?). Fix: rename it to `summary:`.",
        "esscp-child-z.yml: discussion.points[0].links[0]: unknown link id 'spoa-page' (known: "
        "esscp-site, esscp-training, national-review-panel, pan-sussex-procedures, "
        "sharing-information-family-members, spoa). Fix: use one of the ids under `links:`, or "
        "add a link with id 'spoa-page'.",
        "esscp-child-z.yml: links[3].url: must be an https:// address, got "
        "'http://www.esscp.org.uk/'. Fix: use the page's https:// address "
        "(https://www.esscp.org.uk/) and check that it opens.",
    ]


def test_a_syntax_error_gives_its_line_and_column(tmp_path: Path) -> None:
    path = edited(tmp_path, ("short_title: Child Z", 'short_title: "Child Z'))

    report = check(path)

    assert report.pack is None
    [finding] = report.findings
    assert finding.path.startswith("line ") and ", column " in finding.path
    assert finding.problem.startswith("not valid YAML: ")
    assert "double quotes" in finding.fix


def test_an_impossible_date_is_reported_where_it_is(tmp_path: Path) -> None:
    path = edited(tmp_path, ("review_by: 2027-05-31", "review_by: 2027-02-30"))

    assert lines(check(path)) == [
        "esscp-child-z.yml: review_by: must be a date like 2026-11-27, got '2027-02-30'. "
        "Fix: write a real date as YEAR-MONTH-DAY, e.g. 2026-11-27, without quotes."
    ]


def test_the_file_name_must_match_the_id(tmp_path: Path) -> None:
    path = edited(tmp_path, name="child-z.yml")

    assert lines(check(path)) == [
        "child-z.yml: id: must match the file name 'child-z', got 'esscp-child-z'. "
        "Fix: rename the file to esscp-child-z.yml, or set `id: child-z`."
    ]


def test_every_check_mark_is_a_problem(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        ("    title: Information sharing", '    title: "[CHECK] Information sharing"'),
        ("      detail: 01273 335906", '      detail: "[CHECK] 01273 335906'),
        ("or 01273 335905", 'or 01273 335905"'),
    )

    report = check(path)

    assert [(f.path, f.problem) for f in report.errors] == [
        ("key_learning[1].title", 'marked by the importer for review ("Information sharing")'),
        (
            "urgent_help.contacts[2].detail",
            'marked by the importer for review ("01273 335906 or 01273 335905")',
        ),
    ]


def test_dates_checked_in_the_future_are_errors(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        (
            "    last_verified: 2026-11-27\n    verified_from: stored copy of the public page",
            "    last_verified: 2026-12-25\n    verified_from: stored copy of the public page",
        ),
    )

    report = check(path)

    assert [(f.path, f.problem, f.warning) for f in report.findings] == [
        ("links[2].last_verified", "is in the future (2026-12-25)", False)
    ]
    assert "reflect links check" in report.findings[0].fix


def test_a_passed_review_date_and_stale_links_are_warnings(tmp_path: Path) -> None:
    path = DEFAULT_PACK_DIR / "esscp-child-z.yml"

    report = check(path, today=date(2027, 6, 30))

    assert report.valid and not report.errors
    assert [f.path for f in report.warnings] == [
        "review_by",
        *(f"links[{index}].last_verified" for index in range(6)),
    ]
    assert report.warnings[0].line() == (
        "esscp-child-z.yml: review_by: warning: the date to review this pack by (2027-05-31) "
        "has passed. Fix: check the pack against the briefing and the partnership's current "
        "procedures, then set a new review_by and bump version if the text changed."
    )
    assert report.warnings[1].problem == (
        "last checked on 2026-11-27, more than 180 days ago (LINK_STALE_DAYS)"
    )


def test_an_alias_on_two_learning_points_is_a_warning(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        ("    aliases: [background information,", "    aliases: [legacy, background information,"),
    )

    report = check(path)

    assert report.valid
    assert [(f.path, f.problem) for f in report.warnings] == [
        ("key_learning[2].aliases[0]", "'legacy' is also an alias of key_learning[0]")
    ]


def test_two_files_with_one_id_and_two_packs_with_one_alias(tmp_path: Path) -> None:
    aliases = ('published: "2021"', 'published: "2021"\naliases: [Child Z]')
    first = edited(tmp_path / "a", aliases)
    second = edited(tmp_path / "b", aliases)
    other = edited(
        tmp_path / "b",
        ("id: esscp-child-z", "id: other-pack"),
        aliases,
        name="other-pack.yml",
    )

    reports = validate_files([first, second, other], today=TODAY, stale_days=STALE_DAYS)

    assert reports[0].findings == ()
    assert [f.line() for f in reports[1].errors] == [
        f"esscp-child-z.yml: id: pack id 'esscp-child-z' is also the id of {first}. Fix: give "
        "each briefing its own id (and file name): reflections are stored against it."
    ]
    assert [(f.path, f.problem) for f in reports[2].warnings] == [
        ("aliases[0]", "'Child Z' is also an alias of the pack 'esscp-child-z'")
    ]


@pytest.mark.parametrize(
    ("finding", "line"),
    [
        (Finding("p.yml", "a.b", "wrong", "do this"), "p.yml: a.b: wrong. Fix: do this."),
        (Finding("p.yml", "", "odd?", "fix it."), "p.yml: odd? Fix: fix it."),
        (
            Finding("p.yml", "c", "due", "renew", warning=True),
            "p.yml: c: warning: due. Fix: renew.",
        ),
    ],
)
def test_a_finding_is_one_line(finding: Finding, line: str) -> None:
    assert finding.line() == line


# --- the documented example (docs/content-packs.md) ----------------------------------------

DOC = Path(__file__).resolve().parents[3] / "docs" / "content-packs.md"


def _documented_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- example:start -->", 1)[1].split("<!-- example:end -->", 1)[0]
    return block.strip().removeprefix("```yaml").removesuffix("```")


def _key_paths(value: object, path: str = "") -> set[str]:
    """Every key path, list indices as [] ("key_learning[].aliases")."""
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            found |= {child} | _key_paths(item, child)
        return found
    if isinstance(value, list):
        return set().union(*(_key_paths(item, f"{path}[]") for item in value))
    return set()


def test_the_documented_example_is_a_valid_pack(tmp_path: Path) -> None:
    path = tmp_path / "northmoor-child-q.yml"
    path.write_text(_documented_example(), encoding="utf-8")

    report = check(path)

    assert report.valid and report.findings == (), lines(report)


def test_the_documented_example_shows_every_field_the_real_pack_uses() -> None:
    example = _key_paths(yaml.safe_load(_documented_example()))
    real = _key_paths(yaml.safe_load(SOURCE))

    assert real - example == set()
    assert "aliases" in example  # the pack's own, which Child Z does not have
