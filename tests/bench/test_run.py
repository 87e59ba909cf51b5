from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench import run as bench_run


def test_finish_writes_timestamped_and_latest_json_with_ratios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = bench_run._parser().parse_args(["--quick", "--out", str(tmp_path)])
    run = bench_run.Run(args)
    run.report["anonymiser"] = {"typical_median_ms": math.nan, "vs_presidio": None}
    run.note("nothing was measured")

    path = bench_run.finish(run)
    run.cleanup()

    latest = json.loads((tmp_path / "latest.json").read_text())
    assert json.loads(path.read_text()) == latest
    assert path.name.startswith("bench-") and path.suffix == ".json"
    assert {
        "throughput_50",
        "p95_1",
        "p95_50",
        "train_time",
        "load_time",
        "rss",
        "macro_f1",
    } <= set(latest["ratios"])
    assert latest["anonymiser"]["typical_median_ms"] is None  # NaN is written as null
    assert [t["passed"] for t in latest["targets"]] == [None] * len(latest["targets"])
    assert latest["notes"] == ["nothing was measured"]
    assert "not measured" in capsys.readouterr().out


def test_a_failing_step_becomes_a_note_not_a_crash(tmp_path: Path) -> None:
    run = bench_run.Run(bench_run._parser().parse_args(["--out", str(tmp_path)]))

    def broken() -> None:
        raise RuntimeError("boom")

    assert run.attempt("broken step", broken) is None
    run.cleanup()
    assert run.report["notes"] == ["broken step failed: RuntimeError: boom"]
    assert (run.log_dir / "error-broken-step.txt").exists()


def test_cluster_runs_only_the_cluster_step() -> None:
    args = bench_run._options(["--cluster"])

    assert set(bench_run.STEPS) - set(args.skip) == {"cluster"}
    assert "cluster" not in bench_run._options([]).skip


def test_without_postgres_or_redis_the_cluster_step_is_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = bench_run.Run(bench_run._options(["--cluster", "--out", str(tmp_path)]))
    monkeypatch.setattr(bench_run.stack_bench, "postgres_available", lambda: None)
    monkeypatch.setattr(
        bench_run.stack_bench, "redis_available", lambda url: f"Redis not reachable at {url}"
    )

    bench_run.step_cluster(run, {})
    run.cleanup()

    assert "cluster" not in run.report
    assert run.report["notes"] == [
        "Redis not reachable at redis://127.0.0.1:6379/6; cluster bench skipped "
        "(it needs PostgreSQL and Redis)"
    ]
