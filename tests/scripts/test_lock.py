"""requirements.lock and pyproject.toml agree, so nobody edits one without the other (make lock)."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.requirements import Requirement

from scripts.audit import locked_releases, normalise

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "scripts" / "tools"


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [
        Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    ]


def in_requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def assert_pins_agree(requirements: list[Requirement], lock_path: Path) -> None:
    lock = locked_releases(lock_path.read_text())
    for requirement in requirements:
        name = normalise(requirement.name)
        assert name in lock, f"{requirement} is not in {lock_path.name}: run make lock"
        version = lock[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock_path.name} holds {name}=={version}, pyproject asks {requirement}: run make lock"
        )


def test_every_pyproject_pin_is_what_the_lock_holds() -> None:
    assert_pins_agree(pyproject_requirements(), ROOT / "requirements.lock")


def test_every_locked_release_is_pinned_with_hashes() -> None:
    for lock_path in [ROOT / "requirements.lock", *TOOLS.glob("*.lock")]:
        releases = locked_releases(lock_path.read_text())
        assert len(releases) > 5
        for name, (version, hashes) in releases.items():
            assert hashes, f"{lock_path.name}: {name}=={version} has no --hash"


@pytest.mark.parametrize("in_file", sorted(TOOLS.glob("*.in")), ids=lambda p: p.name)
def test_each_tools_lock_holds_its_pins(in_file: Path) -> None:
    assert_pins_agree(in_requirements(in_file), in_file.with_suffix(".lock"))


def test_the_lock_names_no_machine_paths() -> None:
    # Index URLs and find-links are the machine's pip configuration, not the project's.
    for lock_path in [ROOT / "requirements.lock", *TOOLS.glob("*.lock")]:
        text = lock_path.read_text()
        assert "--index-url" not in text and "--find-links" not in text, lock_path.name
        assert "make lock" in text or "make tools-lock" in text, lock_path.name


def test_a_lock_that_disagrees_with_its_pins_fails(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    lock.write_text("rasa==3.6.20 \\\n    --hash=sha256:" + "a" * 64 + "\n")
    with pytest.raises(AssertionError, match="run make lock"):
        assert_pins_agree([Requirement("rasa==3.6.21")], lock)
    with pytest.raises(AssertionError, match=r"not in x\.lock"):
        assert_pins_agree([Requirement("sanic==21.12.2")], lock)
