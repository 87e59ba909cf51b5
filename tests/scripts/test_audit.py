from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from scripts.audit import (
    DOC,
    LOCK,
    Accepted,
    accepted_findings,
    audit,
    locked_releases,
    pip_audit_command,
    render,
)

HASH_A = "a" * 64
HASH_B = "b" * 64
LOCK_TEXT = f"""#
#    make lock
#
aiohttp==3.9.5 \\
    --hash=sha256:{HASH_A}
    # via rasa
Jinja2==3.1.6 \\
    --hash=sha256:{HASH_B}
"""
TABLE = """# Supply chain
<!-- accepted-findings:start -->
| ID | Package | Why it is not fixed | What mitigates it |
| --- | --- | --- | --- |
{rows}
<!-- accepted-findings:end -->
"""


def doc(*rows: str) -> str:
    return TABLE.format(rows="\n".join(rows))


def project(version: str, latest: str, digest: str, vulns: list[dict[str, Any]]) -> dict[str, Any]:
    files = [{"digests": {"sha256": digest}, "yanked": False, "yanked_reason": None}]
    return {"info": {"version": latest}, "releases": {version: files}, "vulnerabilities": vulns}


VULN = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1"], "fixed_in": [], "withdrawn": None}


def unreachable(service: str, ignores: Iterable[str]) -> tuple[dict[str, Any] | None, str]:
    """pip-audit as it behaves here: OSV unresolvable, PyPI's per-release JSON 404 for all."""
    if service == "osv":
        return None, "ConnectionError: Failed to resolve 'api.osv.dev'"
    skipped = [
        {"name": n, "skip_reason": "Dependency not found on PyPI"} for n in ("aiohttp", "jinja2")
    ]
    return {"dependencies": skipped, "fixes": []}, ""


def test_the_repo_doc_explains_every_accepted_finding() -> None:
    accepted = accepted_findings(DOC.read_text(encoding="utf-8"))
    for entry in accepted.values():
        assert len(entry.why) > 20 and len(entry.mitigation) > 20, entry.id


def test_pip_audit_ignores_exactly_the_ids_the_doc_explains() -> None:
    accepted = accepted_findings(DOC.read_text(encoding="utf-8"))
    command = pip_audit_command("osv", accepted, Path("out.json"))
    ignored = {command[i + 1] for i, arg in enumerate(command) if arg == "--ignore-vuln"}
    assert ignored == set(accepted)
    assert command[command.index("--requirement") + 1] == str(LOCK)
    assert {"--require-hashes", "--disable-pip"} <= set(command)


def test_pip_audit_ignores_nothing_when_the_doc_explains_nothing() -> None:
    assert "--ignore-vuln" not in pip_audit_command("osv", accepted_findings(doc()), Path("o"))


@pytest.mark.parametrize(
    "row",
    [
        "| PYSEC-2099-1 | aiohttp 3.9.5 |  | mitigated by the proxy |",
        "| PYSEC-2099-1 | aiohttp 3.9.5 | pinned by Rasa 3.6 |",
        "| not-an-id | aiohttp 3.9.5 | pinned by Rasa 3.6 | mitigated by the proxy |",
    ],
)
def test_an_accepted_finding_without_its_reasons_is_refused(row: str) -> None:
    with pytest.raises(ValueError):
        accepted_findings(doc(row))


def test_an_id_listed_twice_or_a_doc_without_the_table_is_refused() -> None:
    row = "| GHSA-aaaa-bbbb-cccc | aiohttp | pinned by Rasa 3.6 | proxy in front |"
    with pytest.raises(ValueError, match="twice"):
        accepted_findings(doc(row, row))
    with pytest.raises(ValueError, match="markers"):
        accepted_findings("# Supply chain\n")


def test_the_lock_is_read_with_normalised_names_and_every_hash() -> None:
    assert locked_releases(LOCK_TEXT) == {
        "aiohttp": ("3.9.5", {HASH_A}),
        "jinja2": ("3.1.6", {HASH_B}),
    }


def test_without_vulnerability_services_only_latest_releases_count_as_audited() -> None:
    projects = {
        "aiohttp": project("3.9.5", "3.14.5", HASH_A, []),
        "jinja2": project("3.1.6", "3.1.6", HASH_B, []),
    }
    outcome = audit(LOCK_TEXT, {}, unreachable, projects.get)
    assert set(outcome.audited) == {"jinja2"}
    assert "latest 3.14.5" in outcome.not_audited["aiohttp"]
    assert outcome.failures(ci=True) == []
    assert "NOT AUDITED: 1 of 2" in render(outcome, {})


def test_a_finding_on_a_latest_release_fails_unless_the_doc_explains_it() -> None:
    projects = {
        "aiohttp": project("3.9.5", "3.14.5", HASH_A, []),
        "jinja2": project("3.1.6", "3.1.6", HASH_B, [VULN]),
    }
    failing = audit(LOCK_TEXT, {}, unreachable, projects.get)
    assert [f.id for f in failing.findings] == ["PYSEC-2099-1"]
    assert failing.failures(ci=False)

    by_alias = {"CVE-2099-1": Accepted("CVE-2099-1", "jinja2", "why", "mitigation")}
    explained = audit(LOCK_TEXT, by_alias, unreachable, projects.get)
    assert explained.findings == [] and explained.failures(ci=True) == []
    assert "explained: jinja2 3.1.6 PYSEC-2099-1 -> CVE-2099-1" in render(explained, by_alias)


def test_one_advisory_under_two_ids_is_one_finding() -> None:
    twin = {"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2099-1", "PYSEC-2099-1"]}
    projects = {
        "aiohttp": project("3.9.5", "3.14.5", HASH_A, []),
        "jinja2": project("3.1.6", "3.1.6", HASH_B, [VULN, twin]),
    }
    assert len(audit(LOCK_TEXT, {}, unreachable, projects.get).findings) == 1


def test_a_withdrawn_advisory_is_no_finding() -> None:
    projects = {
        "aiohttp": project("3.9.5", "3.9.5", HASH_A, [{**VULN, "withdrawn": "2099-01-01"}]),
        "jinja2": project("3.1.6", "3.1.6", HASH_B, []),
    }
    assert audit(LOCK_TEXT, {}, unreachable, projects.get).failures(ci=True) == []


def test_an_audit_that_reached_nothing_fails_in_ci_but_says_so_locally() -> None:
    outcome = audit(LOCK_TEXT, {}, unreachable, lambda name: None)
    assert outcome.audited == {}
    assert outcome.failures(ci=False) == []
    assert outcome.failures(ci=True) == [
        "no locked package could be audited: no vulnerability data reached"
    ]


def test_a_yanked_release_or_a_hash_pypi_does_not_serve_fails() -> None:
    yanked = project("3.9.5", "3.14.5", HASH_A, [])
    yanked["releases"]["3.9.5"][0].update(yanked=True, yanked_reason="broken wheel")
    projects = {"aiohttp": yanked, "jinja2": project("3.1.6", "3.1.6", "c" * 64, [])}
    failures = audit(LOCK_TEXT, {}, unreachable, projects.get).failures(ci=False)
    assert failures == [
        "aiohttp 3.9.5 is yanked on PyPI: broken wheel",
        "jinja2 3.1.6: 1 hash(es) PyPI does not serve",
    ]


def test_pip_audit_findings_fail_and_its_verdict_is_kept_where_it_answered() -> None:
    def osv(service: str, ignores: Iterable[str]) -> tuple[dict[str, Any] | None, str]:
        deps = [
            {"name": "aiohttp", "version": "3.9.5", "vulns": [
                {"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2099-2"], "fix_versions": ["3.10"]}
            ]},
            {"name": "jinja2", "version": "3.1.6", "vulns": []},
        ]  # fmt: skip
        return {"dependencies": deps, "fixes": []}, ""

    projects = {
        "aiohttp": project("3.9.5", "3.14.5", HASH_A, []),
        "jinja2": project("3.1.6", "3.1.6", HASH_B, [VULN]),
    }
    outcome = audit(LOCK_TEXT, {}, osv, projects.get)
    assert outcome.audited == {"aiohttp": "pip-audit (osv)", "jinja2": "pip-audit (osv)"}
    assert outcome.not_audited == {}
    assert outcome.failures(ci=False) == [
        "aiohttp 3.9.5: GHSA-aaaa-bbbb-cccc (CVE-2099-2); fixed in 3.10"
    ]
