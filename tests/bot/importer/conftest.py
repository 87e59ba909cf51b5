from __future__ import annotations

from pathlib import Path

import pytest

from scripts.briefing_fixtures import build_fixtures

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample DOCX and PDF, generated once per run from their text sources."""
    out = tmp_path_factory.mktemp("briefings")
    return {path.name: path for path in build_fixtures(SAMPLES, out)}
