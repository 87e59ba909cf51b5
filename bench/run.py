"""``make bench``: Reflect's config against Rasa's stock config, measured in one run.

For both configs (``config.yml`` and ``bench/configs/stock.yml``): training time, model load
time, held-out macro-F1, then the real stack (Rasa server + action server + SQLite, then
PostgreSQL) under a closed-loop load of 1, 10 and 50 concurrent conversations over the REST
channel. Also the anonymiser (and Presidio, in its own venv), the lead's export of 100,000
reflections as CSV and XLSX, and a group session's minutes as DOCX and PDF. Prints a table with
ours / stock ratios and the issue's targets, and writes everything to
``bench/results/bench-<timestamp>.json`` and ``latest.json``.

Run from the repo root with the project's venv::

    PYTHONPATH=. .venv/bin/python -m bench.run            # the full run (~20-25 min)
    PYTHONPATH=. .venv/bin/python -m bench.run --quick    # a few minutes, for development
    PYTHONPATH=. .venv/bin/python -m bench.run --long     # only the long conversation (~6 min)
    PYTHONPATH=. .venv/bin/python -m bench.run --cluster  # only HAProxy + replicas (~10 min)

See bench/README.md for what each figure means and how it is measured.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from bench import (
    anonymiser_bench,
    cluster_bench,
    export_bench,
    long_conversation,
    minutes_bench,
    portal_bench,
    stack_bench,
    train,
)
from bench.stats import DATABASES, LEVELS, check_targets, compute_ratios, render_report
from bot.run import RASA_SERVER_MODULE
from bot.settings.config import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"
CONFIGS: dict[str, Path] = {
    "stock": PROJECT_ROOT / "bench" / "configs" / "stock.yml",
    "ours": PROJECT_ROOT / "config.yml",
}
STEPS = ("train", "nlu", "load", "long", "anonymiser", "export", "minutes", "portal", "cluster")
T = TypeVar("T")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short levels (6 s after 2 s warm-up), 20,000-row export, fewer "
        "repeats: for development, not for the figures",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="measured seconds per load level (default 25; --quick 6)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="unmeasured seconds before each level (default 8; --quick 2)",
    )
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS))
    parser.add_argument(
        "--portal",
        action="store_true",
        help="only the lead portal: dashboard at 1,000,000 reflections, exports (~10 min)",
    )
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES))
    parser.add_argument(
        "--skip",
        nargs="+",
        choices=STEPS,
        default=[],
        help="leave steps out (their figures show as not measured)",
    )
    parser.add_argument(
        "--retrain-stock",
        action="store_true",
        help="train the stock model even if the bench cache has it",
    )
    parser.add_argument("--stock-model", type=Path, help="use this stock model (no training)")
    parser.add_argument("--ours-model", type=Path, help="use this model of ours (no training)")
    parser.add_argument(
        "--export-rows",
        type=int,
        default=None,
        help="reflections to export (default 100000; --quick 20000)",
    )
    parser.add_argument("--no-presidio", action="store_true", help="do not build/run Presidio")
    parser.add_argument(
        "--ours-workers",
        type=int,
        default=2,
        help="Rasa server workers for ours (RASA_WORKERS; above 1 uses Redis locks); default 2",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/3",
        help="Redis for ours' lock store when --ours-workers > 1",
    )
    parser.add_argument(
        "--long",
        action="store_true",
        help="only the long conversation (bench/long_conversation.py), both configs: models "
        "trained or taken from the cache, no load levels, NLU, anonymiser or export",
    )
    parser.add_argument(
        "--long-messages",
        type=int,
        default=long_conversation.MESSAGES,
        help=f"messages in the long conversation (default {long_conversation.MESSAGES})",
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="only the cluster (bench/cluster_bench.py): 500 practitioners with ~10 s think "
        "time through HAProxy to two replicas, and throughput at saturation with one replica "
        "against two; our model from scripts/train.sh's cache unless --ours-model",
    )
    parser.add_argument(
        "--cluster-practitioners",
        type=int,
        default=cluster_bench.PRACTITIONERS,
        help=f"simulated practitioners (default {cluster_bench.PRACTITIONERS})",
    )
    parser.add_argument(
        "--cluster-duration",
        type=float,
        default=None,
        help="measured seconds of the realistic run (default 120; --quick 30)",
    )
    parser.add_argument(
        "--cluster-redis-url",
        default=cluster_bench.REDIS_URL,
        help="Redis for the cluster's lock store",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="results directory")
    return parser


def _options(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parsed options; ``--long`` skips every step but training (or the cache) and itself."""
    args = _parser().parse_args(argv)
    if args.long:
        args.skip = sorted(set(STEPS) - {"train", "long"})
    if args.portal:
        args.skip = sorted(set(STEPS) - {"portal"})
    if args.cluster:
        args.skip = sorted(set(STEPS) - {"cluster"})
    return args


class Run:
    """One benchmark run: options, the growing report, and a log of what happened."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.started = time.monotonic()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.stamp = stamp
        # Our freshly trained model and NLU outputs live here until the run ends.
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-run-")
        self.work = Path(self._tmp.name)
        self.log_dir: Path = args.out / f"logs-{stamp}"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.report: dict[str, Any] = {
            "schema": 1,
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": train.machine(),
            "options": {
                "quick": args.quick,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "levels": args.levels,
                "databases": args.databases,
                "skip": args.skip,
                "export_rows": args.export_rows,
                "ours_workers": args.ours_workers,
                "long_messages": args.long_messages,
            },
            "configs": {
                name: {"config": str(path.relative_to(PROJECT_ROOT))}
                for name, path in CONFIGS.items()
            },
            "notes": [],
        }

    def cleanup(self) -> None:
        """Remove the run's temporary files (the JSON and logs stay in ``--out``)."""
        self._tmp.cleanup()

    def say(self, message: str) -> None:
        """Progress on stderr, with the elapsed time, so the table on stdout stays clean."""
        elapsed = time.monotonic() - self.started
        print(f"[bench {elapsed:6.0f}s] {message}", file=sys.stderr, flush=True)

    def note(self, message: str) -> None:
        """Something the reader of the figures must know (printed under the table, in JSON)."""
        self.report["notes"].append(message)
        self.say(f"note: {message}")

    def attempt(self, what: str, fn: Callable[[], T]) -> T | None:
        """Run one step; a failure becomes a note and ``None``, never a lost run."""
        try:
            return fn()
        except Exception as exc:  # one broken step must not throw away 20 minutes of figures
            (self.log_dir / f"error-{what.replace(' ', '-')}.txt").write_text(
                traceback.format_exc()
            )
            self.note(f"{what} failed: {type(exc).__name__}: {exc}")
            return None


def step_models(run: Run) -> dict[str, Path]:
    """Train (or take) both models; record training and load times and held-out macro-F1."""
    args = run.args
    models: dict[str, Path] = {}
    work = run.work
    for name, config in CONFIGS.items():
        side = run.report["configs"][name]
        given = args.stock_model if name == "stock" else args.ours_model
        if given is not None:
            models[name] = given.resolve()
            side["train"] = {"model": str(given), "given": True}
            run.note(f"{name}: model given on the command line, training not measured")
        elif "train" in args.skip:
            run.note(f"{name}: training skipped")
        else:
            if name == "stock":
                run.say("training the stock config (DIET + TED; minutes unless cached)")
                trained = run.attempt(
                    "stock training",
                    functools.partial(
                        train.cached_training,
                        config,
                        "stock",
                        run.log_dir,
                        retrain=args.retrain_stock,
                    ),
                )
            else:
                run.say("training our config")
                trained = run.attempt(
                    "our training",
                    functools.partial(
                        train.train, config, work, "ours", run.log_dir / "train-ours.log"
                    ),
                )
            if trained is not None:
                models[name] = Path(trained.model)
                side["train"] = asdict(trained)
                if trained.from_cache:
                    extra = (trained.machine or {}).get("note", "")
                    run.note(
                        f"{name}: model and training time ({trained.seconds:.0f} s) from the "
                        f"bench cache, trained {trained.trained_at}"
                        + (f" ({extra})" if extra else "")
                        + "; --retrain-stock measures it again"
                    )
                cpu = f"{trained.cpu_seconds:.0f}" if trained.cpu_seconds is not None else "?"
                run.say(f"{name}: trained in {trained.seconds:.1f} s ({cpu} CPU s)")
        if name not in models or args.long or args.cluster:
            continue
        repeats = 1 if args.quick else 3
        run.say(f"{name}: timing the model load ({repeats}x, fresh processes)")
        loaded = run.attempt(
            f"{name} model load",
            functools.partial(
                train.measure_load,
                models[name],
                repeats=repeats,
                log=run.log_dir / f"load-{name}.log",
            ),
        )
        if loaded is not None:
            side["model_load"] = loaded
        if "nlu" not in args.skip:
            run.say(f"{name}: held-out NLU test")
            nlu = run.attempt(
                f"{name} NLU test",
                functools.partial(
                    train.heldout_macro_f1,
                    models[name],
                    work / f"nlu-{name}",
                    run.log_dir / f"nlu-{name}.log",
                ),
            )
            if nlu is not None:
                side["nlu"] = nlu
    return models


def step_load(run: Run, models: dict[str, Path]) -> None:
    """Both configs on each database, alternating, so drifting background load hits both."""
    args = run.args
    duration = args.duration or (6.0 if args.quick else 25.0)
    warmup = args.warmup if args.warmup is not None else (2.0 if args.quick else 8.0)
    run.report["options"].update(duration_s=duration, warmup_s=warmup)
    databases = list(args.databases)
    if "postgresql" in databases:
        problem = stack_bench.postgres_available()
        if problem:
            run.note(f"{problem}; PostgreSQL runs skipped")
            databases.remove("postgresql")
    ours_overrides = _ours_overrides(run)
    if ours_overrides:
        run.note(
            f"ours: {args.ours_workers} Rasa workers with Redis locks (RASA_WORKERS, "
            "REDIS_URL), as deployed; stock: Rasa's own server, one process, as shipped"
        )
    order = ["stock", "ours"]
    for db in databases:
        for name in order:
            if name not in models:
                continue
            run.say(
                f"{name} on {db}: starting the stack, levels {args.levels}, "
                f"{warmup:g}+{duration:g} s each"
            )
            result = run.attempt(
                f"{name} load on {db}",
                functools.partial(
                    stack_bench.drive,
                    models[name],
                    db,
                    levels=args.levels,
                    duration=duration,
                    warmup=warmup,
                    log_dir=run.log_dir,
                    label=f"{name}-{db}",
                    # Stock Rasa is Rasa's own server; ours is what `make run` starts.
                    rasa_module="rasa" if name == "stock" else RASA_SERVER_MODULE,
                    settings_overrides=ours_overrides if name == "ours" else None,
                ),
            )
            if result is None:
                continue
            side = run.report["configs"][name]
            side.setdefault("load", {})[db] = result
            side.setdefault("ready_seconds", result["ready_seconds"])
            for users, level in result["levels"].items():
                run.say(
                    f"  {name}/{db} {users:>2} users: {level['throughput_msg_s']} msg/s, "
                    f"p95 {level['latency']['p95_ms']} ms, errors {level['errors']}"
                )
            if result["warm_journey"]["errors"]:
                run.note(
                    f"{name} on {db}: the warm-up journey failed at "
                    f"{result['warm_journey']['errors'][0]}"
                )
        order.reverse()


def _ours_overrides(run: Run) -> dict[str, Any]:
    """Ours as deployed: ``--ours-workers`` Rasa workers sharing Redis locks, if Redis answers."""
    args = run.args
    if args.ours_workers <= 1:
        return {}
    problem = stack_bench.redis_available(args.redis_url)
    if problem:
        run.note(f"{problem}; ours runs with one Rasa worker")
        return {}
    return {"rasa_workers": args.ours_workers, "redis_url": args.redis_url}


def step_long(run: Run, models: dict[str, Path]) -> None:
    """One long conversation per config and database: p50 at message ~10 against ~500."""
    args = run.args
    databases = list(args.databases)
    if "postgresql" in databases:
        problem = stack_bench.postgres_available()
        if problem:
            run.note(f"{problem}; long conversation on PostgreSQL skipped")
            databases.remove("postgresql")
    overrides = _ours_overrides(run)
    early, late = long_conversation.windows(args.long_messages)
    for db in databases:
        for name in ("stock", "ours"):
            if name not in models:
                continue
            run.say(f"{name} on {db}: one conversation of {args.long_messages} messages")
            result = run.attempt(
                f"{name} long conversation on {db}",
                functools.partial(
                    stack_bench.drive_long,
                    models[name],
                    db,
                    messages=args.long_messages,
                    log_dir=run.log_dir,
                    label=f"{name}-{db}-long",
                    rasa_module="rasa" if name == "stock" else RASA_SERVER_MODULE,
                    settings_overrides=overrides if name == "ours" else None,
                ),
            )
            if result is None:
                continue
            run.report["configs"][name].setdefault("long", {})[db] = result
            run.say(
                f"  {name}/{db}: p50 {result['early_p50_ms']} ms at messages "
                f"{early[0]}-{early[1]}, {result['late_p50_ms']} ms at {late[0]}-{late[1]}; "
                f"ratio {result['ratio']}; errors {result['errors']}"
            )


def step_anonymiser(run: Run) -> None:
    """Our anonymiser per message and per 1,000 messages; Presidio where it can be built."""
    run.say("anonymiser timings" + ("" if run.args.no_presidio else " (and Presidio)"))
    result = run.attempt(
        "anonymiser timing",
        lambda: anonymiser_bench.run(
            repeat=5 if run.args.quick else 20, presidio=not run.args.no_presidio
        ),
    )
    if result is not None:
        run.report["anonymiser"] = result
        if result.get("presidio") and result["presidio"].get("error"):
            run.note(f"Presidio not measured: {result['presidio']['error']}")


def step_export(run: Run) -> None:
    """The lead's export of 100,000 reflections from SQLite and PostgreSQL, CSV and XLSX."""
    rows = run.args.export_rows or (20_000 if run.args.quick else 100_000)
    run.say(f"export of {rows:,} reflections (CSV and XLSX)")

    def go() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="bench-export-db-") as tmp:
            urls = {"sqlite": f"sqlite:///{tmp}/reflect.db"}
            if "postgresql" in run.args.databases and stack_bench.postgres_available() is None:
                with stack_bench.postgres_database() as pg:
                    urls["postgresql"] = pg
                    return export_bench.run(urls, count=rows)
            return export_bench.run(urls, count=rows)

    result = run.attempt("export timing", go)
    if result is not None:
        run.report["export"] = result
        if rows != 100_000:
            run.note(f"export measured on {rows:,} reflections, not 100,000")


def step_minutes(run: Run) -> None:
    """A realistic session's minutes as DOCX and PDF: warm medians and a fresh process's first."""
    repeat = 5 if run.args.quick else 20
    run.say(f"group minutes: DOCX and PDF ({repeat} renders each, and a fresh process)")
    result = run.attempt("minutes timing", lambda: minutes_bench.run(repeat=repeat))
    if result is not None:
        run.report["minutes"] = result


def step_portal(run: Run) -> None:
    """The lead portal: dashboard p95 at 1,000,000 reflections, and its exports of 100,000."""
    rows = 100_000 if run.args.quick else 1_000_000
    exported = 20_000 if run.args.quick else 100_000
    run.say(f"lead portal: dashboard on {rows:,} reflections, exports of {exported:,}")

    def go() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="bench-portal-db-") as tmp:
            dashboards = {"sqlite": f"sqlite:///{tmp}/dashboard.db"}
            exports = {"sqlite": f"sqlite:///{tmp}/exports.db"}
            if "postgresql" in run.args.databases and stack_bench.postgres_available() is None:
                with stack_bench.postgres_database() as one, stack_bench.postgres_database() as two:
                    dashboards["postgresql"], exports["postgresql"] = one, two
                    return portal_bench.run(
                        dashboards, exports, reflections=rows, export_reflections=exported
                    )
            return portal_bench.run(
                dashboards, exports, reflections=rows, export_reflections=exported
            )

    result = run.attempt("portal timing", go)
    if result is not None:
        run.report["portal"] = result
        if rows != 1_000_000:
            run.note(f"portal dashboard measured on {rows:,} reflections, not 1,000,000")


def step_cluster(run: Run, models: dict[str, Path]) -> None:
    """The production topology: 500 practitioners through HAProxy; 1 replica against 2."""
    args = run.args
    problem = stack_bench.postgres_available() or stack_bench.redis_available(
        args.cluster_redis_url
    )
    if problem:
        run.note(f"{problem}; cluster bench skipped (it needs PostgreSQL and Redis)")
        return
    model = models.get("ours") or _cached_model()
    duration = args.cluster_duration or (30.0 if args.quick else 120.0)
    run.say(
        f"cluster: {args.cluster_practitioners} practitioners through HAProxy "
        f"({duration:g} s), then saturation with 1 and 2 replicas"
    )
    result = run.attempt(
        "cluster bench",
        functools.partial(
            cluster_bench.run,
            model,
            log_dir=run.log_dir,
            practitioners=args.cluster_practitioners,
            duration=duration,
            warmup=10.0 if args.quick else 30.0,
            saturation_duration=10.0 if args.quick else 30.0,
            redis_url=args.cluster_redis_url,
            say=lambda message: run.say(f"  {message}"),
        ),
    )
    if result is None:
        return
    run.report["cluster"] = result
    run.note(
        "cluster: every simulated practitioner connects from 127.0.0.1, so HAProxy's "
        "per-address rate limit (CLUSTER_RATE_LIMIT) is off for the cluster bench; "
        f"load average {result['load_average']}"
    )


def _cached_model() -> Path:
    """Our model as `make run` gets it: scripts/train.sh (trains only if the data changed)."""
    out = subprocess.run(
        [str(PROJECT_ROOT / "scripts" / "train.sh")],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    return (PROJECT_ROOT / out.stdout.strip().splitlines()[-1]).resolve()


def finish(run: Run) -> Path:
    """Ratios, targets, the printed table and the JSON files."""
    run.report["duration_s"] = round(time.monotonic() - run.started, 1)
    run.report["machine_at_end"] = train.machine()
    run.report["ratios"] = compute_ratios(run.report)
    run.report["targets"] = check_targets(run.report["ratios"])
    run.args.out.mkdir(parents=True, exist_ok=True)
    out: Path = run.args.out
    path = out / f"bench-{run.stamp}.json"
    text = json.dumps(_finite(run.report), indent=2)
    path.write_text(text)
    (run.args.out / "latest.json").write_text(text)
    print(render_report(run.report))
    print(
        f"\nWritten {path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}"
        f" and latest.json; logs in {run.log_dir}"
    )
    return path


def _finite(value: Any) -> Any:
    """NaN is not JSON: unmeasured figures are written as null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run every step not skipped, then print and save the report. Exit 0 unless it crashed.

    Missed targets do not fail the command: the figures are the product, and a slow shared
    machine should not look like a broken build.
    """
    args = _options(argv)
    run = Run(args)
    run.say(f"results and logs under {args.out}; machine {run.report['machine']}")
    models: dict[str, Path] = {}
    try:
        if (
            not {"train", "nlu", "load", "long"} <= set(args.skip)
            or args.stock_model
            or args.ours_model
        ):
            models = step_models(run)
        if "anonymiser" not in args.skip:
            step_anonymiser(run)
        if "export" not in args.skip:
            step_export(run)
        if "minutes" not in args.skip:
            step_minutes(run)
        if "portal" not in args.skip:
            step_portal(run)
        if "load" not in args.skip:
            step_load(run, models)
        if "long" not in args.skip:
            step_long(run, models)
        if "cluster" not in args.skip:
            step_cluster(run, models)
        finish(run)
    finally:
        run.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
