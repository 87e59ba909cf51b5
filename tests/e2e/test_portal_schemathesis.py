"""Schemathesis against the portal's JSON API, from the OpenAPI document the web app serves.

Issue 15, must-show 4: at least 10,000 generated requests, not one 5xx, every response
conforming to bot/portal/openapi.yml (status codes, content types, bodies, headers) and every
schema-violating request refused. One ``python -m bot.web`` on a free port over demo data, with
a lead and an API token made by ``reflect leads`` as an operator would.

Schemathesis 4 lives in its own small venv (scripts/ensure-tools-venv.sh, pinned with hashes in
scripts/tools/fuzz.lock), not in the Rasa venv; its CLI is run here and its NDJSON
report is read back to count the requests and their statuses.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.settings.config import PROJECT_ROOT
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.slow

LEAD = ("schema.lead", "a long schemathesis passphrase 3")
MIN_REQUESTS = 10_000
#: Hypothesis examples per operation; the briefings list has no parameters (a handful of
#: distinct requests), so nearly all the requests go to the dashboard with its six filters.
MAX_EXAMPLES = 10_000
CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"


@dataclass(frozen=True)
class Api:
    base_url: str
    token: str


def _env(var_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "APP_ENV": "development",
            "VAR_DIR": str(var_dir),
            "REFLECT_SECRET": "schemathesis-test-secret-not-for-production",
            "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(port),
            "PURGE_INTERVAL_HOURS": "0",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": "",  # SQLite in VAR_DIR, whatever a developer's .env says
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
            ),
        }
    )
    return env


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(PROJECT_ROOT / "bin" / "reflect"), *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, f"reflect {' '.join(args)}: {done.stderr or done.stdout}"
    return done.stdout


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the web app exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the web app never answered /healthz:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def tools_venv() -> Path:
    """The cached schemathesis venv (built on first use, in seconds from the pinned wheels)."""
    done = subprocess.run(
        [
            str(PROJECT_ROOT / "scripts" / "ensure-tools-venv.sh"),
            "fuzz",
            str(PROJECT_ROOT / "scripts" / "tools" / "fuzz.lock"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The web app on a free port over 300 demo reflections, with a lead's API token."""
    root = tmp_path_factory.mktemp("schemathesis")
    port = free_port()
    env = _env(root / "var", port)
    _cli(env, "demo-data", "--reflections", "300")
    add = ["leads", "add", LEAD[0], "--partnership", "ESSCP", "--password-stdin"]
    assert "Added portal" in _cli(env, *add, stdin=LEAD[1])
    token = re.search(
        r"rfl_[A-Za-z0-9_-]+", _cli(env, "leads", "token", "add", LEAD[0], "--label", "st")
    )
    assert token is not None
    log = root / "web.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.web"], cwd=PROJECT_ROOT, env=env, stdout=sink, stderr=sink
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, log)
        yield Api(base_url, token.group(0))
        assert process.poll() is None, "the web app died during the run"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _statuses(report_dir: Path) -> Counter[int | None]:
    """The status of every request schemathesis sent, from its NDJSON event stream."""
    statuses: Counter[int | None] = Counter()
    for path in report_dir.glob("*.ndjson"):
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            for interaction in finished.get("recorder", {}).get("interactions", {}).values():
                response = interaction.get("response")
                statuses[response["status_code"] if response else None] += 1
    return statuses


def test_schemathesis_finds_no_5xx_and_no_schema_violation(
    api: Api, tools_venv: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    command = [
        str(tools_venv / "bin" / "st"),
        "--config-file",
        str(CONFIG),
        "run",
        f"{api.base_url}/portal/api/openapi.json",
        "--checks",
        "all",
        # Why, in schemathesis.toml (the CLI's --checks all would switch it back on).
        "--exclude-checks",
        "positive_data_acceptance",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "2",
        "--seed",
        "15",
        "--continue-on-failure",
        "--generation-database",
        "none",
        "--header",
        f"Authorization: Bearer {api.token}",
        "--report",
        "ndjson",
        "--report-dir",
        str(reports),
        "--no-color",
    ]
    # In tmp_path: schemathesis keeps a cache (.schemathesis/) in its working directory.
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, cwd=tmp_path)
    statuses = _statuses(reports)
    total = sum(statuses.values())
    print(f"\nschemathesis requests: {total} by status {dict(sorted(statuses.items(), key=str))}")

    assert done.returncode == 0, done.stdout[-6000:]
    assert total >= MIN_REQUESTS, statuses
    assert None not in statuses, "some requests got no response at all"
    assert not [status for status in statuses if status is not None and status >= 500]
    assert statuses[200] > 0, "no request ever got through: the token or the fixture is broken"
