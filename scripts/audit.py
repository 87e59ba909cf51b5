"""Audit requirements.lock for known vulnerabilities with pip-audit (``make audit``).

Usage: ``python scripts/audit.py [--ci] [--report PATH]``, run by the supply tools venv's Python
(scripts/ensure-tools-venv.sh), which holds pip-audit.

pip-audit reads the lock with ``--require-hashes --disable-pip``: the exact files the venv is built
from, nothing resolved. Every finding must be fixed (a pin moved in pyproject.toml, ``make lock``)
or explained in docs/supply-chain.md's table of accepted findings; the ids in that table, and only
those, are passed to pip-audit as ``--ignore-vuln``, so the explanation and the ignore cannot drift.

Where the vulnerability services pip-audit asks (OSV; PyPI's per-release JSON) cannot be reached,
pip-audit skips every package and would report "no known vulnerabilities": that is not a pass.
This script then asks PyPI's per-project JSON, which carries the vulnerabilities of the latest
release only: a locked release that is the latest is audited from it, any other is listed as NOT
AUDITED, loudly. Every locked release is also checked against PyPI's file list: not yanked, and
each hash in the lock is a file PyPI serves for it. The run fails on an unexplained finding, a
yanked release, an unknown hash, and (with ``--ci``) when nothing at all could be audited; a
partial audit passes with its coverage printed (docs/supply-chain.md says why).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
DOC = ROOT / "docs" / "supply-chain.md"
START, END = "<!-- accepted-findings:start -->", "<!-- accepted-findings:end -->"
PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
_ID = re.compile(r"^[A-Z][A-Z0-9]*-[A-Za-z0-9-]+$")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


@dataclass(frozen=True)
class Accepted:
    """One row of docs/supply-chain.md's accepted findings: an id nobody may ignore silently."""

    id: str
    package: str
    why: str
    mitigation: str


@dataclass(frozen=True)
class Finding:
    """A known vulnerability of a locked release."""

    id: str
    package: str
    version: str
    aliases: tuple[str, ...] = ()
    fixed_in: tuple[str, ...] = ()

    def ids(self) -> set[str]:
        """The id and its aliases: the doc may name any of them (PYSEC, GHSA or CVE)."""
        return {self.id, *self.aliases}


@dataclass
class Outcome:
    """What the audit found, package by package; decides the exit status."""

    locked: dict[str, str]
    audited: dict[str, str] = field(default_factory=dict)  # package -> how it was audited
    not_audited: dict[str, str] = field(default_factory=dict)  # package -> why not
    findings: list[Finding] = field(default_factory=list)  # unexplained only
    explained: list[Finding] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)  # yanked releases, unknown hashes
    notes: list[str] = field(default_factory=list)

    def failures(self, *, ci: bool) -> list[str]:
        """Why the run fails (empty: it passes)."""
        problems = [
            f"{f.package} {f.version}: {f.id} ({', '.join(f.aliases) or 'no aliases'}); "
            f"fixed in {', '.join(f.fixed_in) or 'no release yet'}"
            for f in self.findings
        ] + self.integrity
        if ci and not self.audited:
            problems.append("no locked package could be audited: no vulnerability data reached")
        return problems


def accepted_findings(doc: str) -> dict[str, Accepted]:
    """The accepted findings table of docs/supply-chain.md, by id; malformed rows raise.

    A row needs an id (PYSEC-…, GHSA-…, CVE-…), the package, why it is not fixed and what
    mitigates it: an empty cell is an ignore without a reason, which is what the table prevents.
    """
    if START not in doc or END not in doc:
        raise ValueError(f"{DOC.name} lacks the {START} … {END} markers")
    table = doc.split(START, 1)[1].split(END, 1)[0]
    rows = [line.strip() for line in table.splitlines() if line.strip().startswith("|")]
    accepted: dict[str, Accepted] = {}
    for row in rows[2:]:  # header and --- line
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if len(cells) != 4 or not all(cells):
            raise ValueError(f"accepted finding needs id | package | why | mitigation: {row}")
        vuln_id = cells[0].strip("`")
        if not _ID.match(vuln_id):
            raise ValueError(f"not a vulnerability id: {cells[0]}")
        if vuln_id in accepted:
            raise ValueError(f"{vuln_id} is listed twice")
        accepted[vuln_id] = Accepted(vuln_id, cells[1], cells[2], cells[3])
    return accepted


def locked_releases(lock: str) -> dict[str, tuple[str, set[str]]]:
    """Package (normalised name) -> (version, sha256 hashes) from a pip-compile hashed lock."""
    releases: dict[str, tuple[str, set[str]]] = {}
    current = ""
    for line in lock.splitlines():
        if match := _PIN.match(line):
            current = normalise(match.group(1))
            releases[current] = (match.group(2), set())
        if current:
            releases[current][1].update(_HASH.findall(line.split("#", 1)[0]))
    return releases


def normalise(name: str) -> str:
    """PEP 503 normalised name: how PyPI, pip-audit and the lock may spell one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_audit_command(service: str, ignores: Iterable[str], output: Path) -> list[str]:
    """pip-audit over the lock: hashed, no resolution, JSON out, the doc's ids ignored."""
    command = [
        sys.executable, "-m", "pip_audit", "--requirement", str(LOCK), "--require-hashes",
        "--disable-pip", "--vulnerability-service", service, "--format", "json",
        "--output", str(output), "--progress-spinner", "off", "--aliases", "on",
    ]  # fmt: skip
    for vuln_id in sorted(ignores):
        command += ["--ignore-vuln", vuln_id]
    return command


def run_pip_audit(service: str, ignores: Iterable[str]) -> tuple[dict[str, Any] | None, str]:
    """pip-audit's JSON report, or None and its last words when the service could not be used."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "report.json"
        done = subprocess.run(
            pip_audit_command(service, ignores, output), capture_output=True, text=True, check=False
        )
        if not output.exists():
            words = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, words
        report: dict[str, Any] = json.loads(output.read_text())
        return report, ""


def apply_report(outcome: Outcome, service: str, report: dict[str, Any]) -> None:
    """Record pip-audit's verdict per package; skipped packages stay for the fallback."""
    for dep in report.get("dependencies", []):
        name = normalise(dep["name"])
        if name in outcome.audited:  # an earlier service answered for it
            continue
        if "skip_reason" in dep:
            outcome.not_audited[name] = dep["skip_reason"]
            continue
        outcome.audited[name] = f"pip-audit ({service})"
        outcome.not_audited.pop(name, None)
        for vuln in dep.get("vulns", []):
            fixed = vuln.get("fix_versions")
            outcome.findings.append(finding(vuln, name, dep["version"], fixed))


def finding(vuln: dict[str, Any], name: str, version: str, fixed: list[str] | None) -> Finding:
    """A Finding from pip-audit's JSON or PyPI's (same fields, fixes named differently)."""
    return Finding(vuln["id"], name, version, tuple(vuln.get("aliases") or ()), tuple(fixed or ()))


def fetch_project(name: str) -> dict[str, Any] | None:
    """PyPI's per-project JSON (releases, files, and the latest release's vulnerabilities)."""
    try:
        with urllib.request.urlopen(PROJECT_JSON.format(name=name), timeout=30) as response:
            data: dict[str, Any] = json.load(response)
            return data
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def check_project(
    outcome: Outcome,
    name: str,
    pin: tuple[str, set[str]],
    project: dict[str, Any] | None,
    accepted: dict[str, Accepted],
) -> None:
    """Integrity of one locked release from PyPI's file list, and its vulnerabilities if latest."""
    version, hashes = pin
    if project is None:
        outcome.notes.append(f"{name}: PyPI's project JSON did not answer")
        return
    files = project.get("releases", {}).get(version, [])
    served = {f.get("digests", {}).get("sha256") for f in files}
    if files and all(f.get("yanked") for f in files):
        reason = files[0].get("yanked_reason") or "no reason given"
        outcome.integrity.append(f"{name} {version} is yanked on PyPI: {reason}")
    if unknown := hashes - served:
        outcome.integrity.append(f"{name} {version}: {len(unknown)} hash(es) PyPI does not serve")
    if name in outcome.audited:
        return
    latest = project.get("info", {}).get("version")
    if latest != version:
        outcome.not_audited[name] = f"locked {version}, latest {latest}: no per-release data here"
        return
    outcome.not_audited.pop(name, None)
    outcome.audited[name] = "PyPI project JSON (latest release)"
    seen: set[str] = set()
    for vuln in project.get("vulnerabilities", []):
        found = finding(vuln, name, version, vuln.get("fixed_in"))
        if vuln.get("withdrawn") or found.ids() & seen:  # PyPI lists PYSEC and GHSA twins
            continue
        seen |= found.ids()
        (outcome.explained if found.ids() & accepted.keys() else outcome.findings).append(found)


def audit(
    lock: str,
    accepted: dict[str, Accepted],
    pip_audit: Callable[[str, Iterable[str]], tuple[dict[str, Any] | None, str]] = run_pip_audit,
    fetch: Callable[[str], dict[str, Any] | None] = fetch_project,
) -> Outcome:
    """pip-audit against OSV, then PyPI; what neither covered, from PyPI's project JSON."""
    releases = locked_releases(lock)
    outcome = Outcome({name: pin[0] for name, pin in releases.items()})
    outcome.not_audited = dict.fromkeys(releases, "not reached by any service")
    for service in ("osv", "pypi"):
        report, words = pip_audit(service, accepted)
        if report is None:
            outcome.notes.append(f"pip-audit -s {service} could not run: {words}")
            continue
        apply_report(outcome, service, report)
        if not outcome.not_audited:
            break
        outcome.notes.append(
            f"pip-audit -s {service}: {len(outcome.not_audited)} package(s) skipped, e.g. "
            f"{next(iter(outcome.not_audited.values()))}"
        )
    names = sorted(releases)
    with ThreadPoolExecutor(max_workers=8) as pool:
        projects = dict(zip(names, pool.map(fetch, names), strict=True))
    for name in names:
        check_project(outcome, name, releases[name], projects[name], accepted)
    return outcome


def render(outcome: Outcome, accepted: dict[str, Accepted]) -> str:
    """The report printed by make audit: coverage first, then every finding and gap by name."""
    total = len(outcome.locked)
    lines = [*(f"  note: {note}" for note in outcome.notes)]
    lines.append(f"==> audited {len(outcome.audited)} of {total} locked releases")
    for finding in outcome.explained:
        entry = accepted[next(iter(sorted(finding.ids() & accepted.keys())))]
        lines.append(
            f"  explained: {finding.package} {finding.version} {finding.id} -> {entry.id} "
            "in docs/supply-chain.md"
        )
    if outcome.not_audited:
        lines.append(
            f"==> NOT AUDITED: {len(outcome.not_audited)} of {total} locked releases: no "
            "vulnerability data for them is reachable from this machine (docs/supply-chain.md)"
        )
        lines += [
            f"  {name} {outcome.locked.get(name, '?')}: {why}"
            for name, why in sorted(outcome.not_audited.items())
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the audit, print the report, write it as JSON if asked; exit 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ci", action="store_true", help="fail when nothing could be audited")
    parser.add_argument("--report", type=Path, help="also write the outcome as JSON here")
    args = parser.parse_args(argv)
    accepted = accepted_findings(DOC.read_text(encoding="utf-8"))
    outcome = audit(LOCK.read_text(encoding="utf-8"), accepted)
    print(render(outcome, accepted))
    failures = outcome.failures(ci=args.ci)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "audited": outcome.audited,
            "not_audited": outcome.not_audited,
            "explained": [f.__dict__ for f in outcome.explained],
            "failures": failures,
        }
        args.report.write_text(json.dumps(payload, indent=2, default=list) + "\n")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    if failures:
        print(
            "==> audit failed: fix each (move the pin in pyproject.toml, make lock) or explain "
            "it in docs/supply-chain.md's accepted findings",
            file=sys.stderr,
        )
        return 1
    print("==> audit passed" + (" (PARTIAL: see NOT AUDITED above)" if outcome.not_audited else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
