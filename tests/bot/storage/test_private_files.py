"""Owner-only files and directories, whatever the umask, and whatever was there before."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.storage.private_files import create_private_file, open_private, private_dir, private_umask
from tests.conftest import current_umask


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


@pytest.mark.usefixtures("keep_umask")
def test_private_umask_makes_new_files_and_directories_owner_only(tmp_path: Path) -> None:
    os.umask(0o022)

    private_umask()
    (tmp_path / "file").write_text("x")
    (tmp_path / "dir").mkdir()

    assert oct(current_umask()) == oct(0o077)
    assert (_mode(tmp_path / "file"), _mode(tmp_path / "dir")) == ("0o600", "0o700")


@pytest.mark.usefixtures("keep_umask")
def test_private_dir_creates_and_tightens(tmp_path: Path) -> None:
    os.umask(0)
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)

    assert private_dir(loose) == loose
    assert private_dir(tmp_path / "new" / "var") == tmp_path / "new" / "var"

    assert _mode(loose) == _mode(tmp_path / "new" / "var") == "0o700"


@pytest.mark.usefixtures("keep_umask")
def test_create_private_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    os.umask(0)
    path = tmp_path / "secret.key"

    assert create_private_file(path, "first") is True
    assert create_private_file(path, "second") is False

    assert path.read_text() == "first"
    assert _mode(path) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.key"]  # no temporary left


@pytest.mark.usefixtures("keep_umask")
def test_open_private_empties_and_tightens_an_existing_file(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "export.csv"
    path.write_text("an older, longer export")
    path.chmod(0o644)

    with os.fdopen(open_private(path), "w") as handle:
        handle.write("new")

    assert path.read_text() == "new"
    assert _mode(path) == "0o600"
