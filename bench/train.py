"""Train a config, time it, time loading the model, and score it on the held-out NLU split.

Every measurement runs ``rasa`` in a child process, as a developer or a server would, so import
costs are counted where they are really paid and nothing stays warm between measurements.

Caching: Rasa keeps a training cache (``.rasa/cache``) that turns a retrain of unchanged inputs
into a near no-op; every timed training here gets an empty, size-0 cache of its own
(``RASA_CACHE_DIRECTORY``, ``RASA_MAX_CACHE_SIZE=0``) and ``--force``, so the time is a real
training. The stock model, which takes minutes, is additionally kept between benchmark runs under
``$REFLECT_CACHE/bench-models/`` named by the hash of ``data/``, ``domain.yml`` and its config
(as ``scripts/train.sh`` does), with the measured time of the run that trained it beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.settings.config import PROJECT_ROOT

HELDOUT = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"


class BenchError(RuntimeError):
    """A benchmark step failed; the message names the step and its log."""


def cache_dir() -> Path:
    """Where stock models and their training times are kept between runs."""
    root = Path(os.environ.get("REFLECT_CACHE", Path.home() / ".cache" / "reflect"))
    return root / "bench-models"


def inputs_key(config: Path) -> str:
    """The same short content hash ``scripts/train.sh`` uses, over data/, domain and config."""
    # Relative paths, as scripts/train.sh passes them: the hash covers paths as well as contents.
    relative = (PROJECT_ROOT / config).resolve().relative_to(PROJECT_ROOT)
    out = subprocess.run(
        [str(PROJECT_ROOT / "scripts" / "hash-inputs.sh"), "data", "domain.yml", str(relative)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def rasa_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a ``rasa`` child: project importable, no telemetry, quiet TF."""
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
            ),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Training:
    """One measured training: wall and CPU seconds, where the model is, and its provenance."""

    model: str
    seconds: float
    cpu_seconds: float | None
    from_cache: bool
    trained_at: str
    key: str
    config: str
    #: The machine (CPUs, load average) when it was trained: a cached time may be from a
    #: busier or quieter moment than the rest of the run.
    machine: dict[str, Any] | None = None


def train(config: Path, out_dir: Path, name: str, log: Path) -> Training:
    """Train ``config`` on the project's data into ``out_dir/name.tar.gz`` and time it.

    Raises:
        BenchError: if ``rasa train`` fails (its output is in ``log``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-rasa-cache-") as rasa_cache:
        env = rasa_environment({"RASA_CACHE_DIRECTORY": rasa_cache, "RASA_MAX_CACHE_SIZE": "0"})
        cmd = [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--config",
            str(config),
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(out_dir),
            "--fixed-model-name",
            name,
            "--force",
            "--quiet",
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with log.open("wb") as handle:
            proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=handle)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise BenchError(f"rasa train --config {config} failed; see {log}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    at_end = machine()  # load average over the last minute of training
    return Training(
        model=str(out_dir / f"{name}.tar.gz"),
        seconds=round(seconds, 2),
        cpu_seconds=round(cpu, 2),
        from_cache=False,
        trained_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        key=inputs_key(config),
        config=str(config.relative_to(PROJECT_ROOT) if config.is_absolute() else config),
        machine=at_end,
    )


def cached_training(config: Path, label: str, log_dir: Path, *, retrain: bool) -> Training:
    """The model for ``config`` from the bench cache, or train it now and cache it.

    The returned time is always that of a real training: this run's, or (``from_cache``) the
    run that trained the cached model, stored beside it in ``<label>-<key>.json``.
    """
    key = inputs_key(config)
    folder = cache_dir()
    model = folder / f"{label}-{key}.tar.gz"
    meta = folder / f"{label}-{key}.json"
    if not retrain and model.exists() and meta.exists():
        data = json.loads(meta.read_text())
        known = {f.name for f in fields(Training)}
        stored = {k: v for k, v in data.items() if k in known}
        return Training(**{**stored, "model": str(model), "from_cache": True})
    with tempfile.TemporaryDirectory(prefix=f"bench-train-{label}-") as tmp:
        result = train(config, Path(tmp), f"{label}-{key}", log_dir / f"train-{label}.log")
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{model.name}.tmp"
        shutil.copyfile(result.model, partial)
        partial.replace(model)
    result = Training(**{**asdict(result), "model": str(model)})
    meta.write_text(json.dumps(asdict(result), indent=2))
    return result


def machine() -> dict[str, Any]:
    """Enough about the machine to tell whether two runs are comparable."""
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_1m": round(load[0], 2),
    }


# --------------------------------------------------------------------------------------------
# Model load time
# --------------------------------------------------------------------------------------------
def _measure_load_here(model: Path) -> dict[str, float]:
    """Run in a fresh child: import Rasa's Agent, then time ``Agent.load`` of the model."""
    started = time.perf_counter()
    from rasa.core.agent import Agent

    imported = time.perf_counter()
    Agent.load(str(model))
    loaded = time.perf_counter()
    return {"import_s": round(imported - started, 3), "load_s": round(loaded - imported, 3)}


def measure_load(model: Path, *, repeats: int, log: Path) -> dict[str, Any]:
    """Median ``Agent.load`` time over ``repeats`` fresh processes (imports timed apart).

    The import of Rasa itself (the same for every config) is reported separately; the model
    load is what the config decides: unpacking, building the graph and, for DIET/TED,
    TensorFlow building and restoring the networks.
    """
    runs = []
    for _ in range(repeats):
        with log.open("ab") as handle:
            proc = subprocess.run(
                [sys.executable, "-m", "bench.train", "--measure-load", str(model)],
                cwd=PROJECT_ROOT,
                env=rasa_environment(),
                stdout=subprocess.PIPE,
                stderr=handle,
            )
        if proc.returncode != 0:
            raise BenchError(f"loading {model} failed; see {log}")
        runs.append(json.loads(proc.stdout.decode().strip().splitlines()[-1]))
    return {
        "seconds": round(statistics.median(r["load_s"] for r in runs), 3),
        "import_seconds": round(statistics.median(r["import_s"] for r in runs), 3),
        "runs": runs,
    }


# --------------------------------------------------------------------------------------------
# Held-out NLU accuracy
# --------------------------------------------------------------------------------------------
def heldout_macro_f1(model: Path, out_dir: Path, log: Path) -> dict[str, Any]:
    """``rasa test nlu`` on tests/nlu/heldout.yml, scored as ``make test-nlu`` scores it."""
    from bench.nlu_report import macro_f1

    with log.open("wb") as handle:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "rasa",
                "test",
                "nlu",
                "--nlu",
                str(HELDOUT),
                "--model",
                str(model),
                "--out",
                str(out_dir),
                "--quiet",
            ],
            cwd=PROJECT_ROOT,
            env=rasa_environment(),
            stdout=handle,
            stderr=handle,
        )
    report_file = out_dir / "intent_report.json"
    if proc.returncode != 0 or not report_file.exists():
        raise BenchError(f"rasa test nlu failed for {model}; see {log}")
    report = json.loads(report_file.read_text())
    return {
        "macro_f1": round(macro_f1(report), 4),
        "accuracy": round(float(report.get("accuracy", float("nan"))), 4),
        "heldout": str(HELDOUT.relative_to(PROJECT_ROOT)),
    }


def main(argv: list[str] | None = None) -> int:
    """Only the child side of :func:`measure_load` (``--measure-load MODEL``)."""
    parser = argparse.ArgumentParser(description="bench helper: time Agent.load in this process")
    parser.add_argument("--measure-load", type=Path, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(_measure_load_here(args.measure_load)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
