"""Pure helpers for the benchmark: percentiles, ratios, target checks and the printed table.

Kept free of Rasa, servers and I/O so ``tests/bench`` can check the arithmetic in milliseconds:
a wrong percentile or an inverted ratio would make every figure in the report misleading.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The load levels (concurrent conversations) the issue asks for.
LEVELS: tuple[int, ...] = (1, 10, 50)
#: Databases each config is driven against.
DATABASES: tuple[str, ...] = ("sqlite", "postgresql")


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile by linear interpolation between closest ranks.

    The same definition as numpy's default (``method="linear"``), so figures can be checked
    against it; written out to keep the harness free of numpy. ``nan`` for no values, because
    "no measurements" must not read as "0 ms".
    """
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {pct}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def latency_summary(latencies_s: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean/max in milliseconds, rounded for the report."""
    if not latencies_s:
        return {
            "p50_ms": math.nan,
            "p95_ms": math.nan,
            "p99_ms": math.nan,
            "mean_ms": math.nan,
            "max_ms": math.nan,
        }
    return {
        "p50_ms": round(percentile(latencies_s, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies_s, 95) * 1000, 2),
        "p99_ms": round(percentile(latencies_s, 99) * 1000, 2),
        "mean_ms": round(sum(latencies_s) / len(latencies_s) * 1000, 2),
        "max_ms": round(max(latencies_s) * 1000, 2),
    }


def ratio(ours: float | None, stock: float | None) -> float | None:
    """``ours / stock``, or ``None`` when either side is missing, NaN or the stock side is 0.

    ``None`` rather than ``inf`` or ``0``: a ratio that could not be measured must show as
    missing, never as a passed target.
    """
    if ours is None or stock is None:
        return None
    if math.isnan(ours) or math.isnan(stock) or stock == 0:
        return None
    return round(ours / stock, 4)


@dataclass(frozen=True)
class Target:
    """One requirement from the issue: a figure, a comparison and a bound."""

    name: str
    description: str
    op: str  # "<=", ">=" or "<"
    bound: float

    def check(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the bound; ``None`` when it was not measured."""
        if value is None or math.isnan(value):
            return None
        if self.op == "<=":
            return value <= self.bound
        if self.op == ">=":
            return value >= self.bound
        if self.op == "<":
            return value < self.bound
        raise ValueError(f"unknown comparison {self.op!r}")


#: The targets of issue 5, in the order the table prints them. Ratios are ours / stock.
TARGETS: tuple[Target, ...] = (
    Target("throughput_50", "throughput at 50 users (ours / stock)", ">=", 5.0),
    Target("p95_1", "p95 latency at 1 user (ours / stock)", "<=", 0.5),
    Target("p95_50", "p95 latency at 50 users (ours / stock)", "<=", 0.2),
    Target("train_time", "training time (ours / stock)", "<=", 0.25),
    Target("load_time", "model load time (ours / stock)", "<=", 0.3),
    Target("rss", "Rasa server memory under load, PSS (ours / stock)", "<=", 0.6),
    Target("macro_f1_diff", "held-out macro-F1, ours minus stock", ">=", -0.01),
    Target("anonymiser_median_ms", "anonymiser median ms, messages <= 300 chars", "<", 5.0),
    Target("anonymiser_vs_presidio", "anonymiser throughput (ours / Presidio)", ">=", 10.0),
    Target("export_csv_s", "export 100,000 reflections as CSV, seconds", "<=", 5.0),
    Target("export_xlsx_s", "export 100,000 reflections as XLSX, seconds", "<=", 20.0),
    Target(
        "portal_p95_ms",
        "portal dashboard p95 ms, 1,000,000 reflections (SQL on every request)",
        "<=",
        500.0,
    ),
    Target(
        "long_ratio",
        "one long conversation: p50 at message ~500 / at ~10 (ours)",
        "<=",
        1.3,
    ),
    Target(
        "cluster_p95_ms",
        "cluster: 500 practitioners, ~10 s think time, through HAProxy: p95 ms",
        "<=",
        500.0,
    ),
    Target("cluster_errors", "cluster: 500 practitioners: failed messages", "<=", 0.0),
)

# Whether a higher value is better, per ratio: picks the least favourable database.
_HIGHER_IS_BETTER = {
    "throughput_50": True,
    "p95_1": False,
    "p95_50": False,
    "rss": False,
    "rss_sum_of_peaks": False,
}


def _get(data: Mapping[str, Any], *path: str | int) -> Any:
    """``data[path[0]][path[1]]...``, or ``None`` if any step is missing.

    Keys are compared as strings (load levels are ``"1"``, ``"10"``, ``"50"``), so the same
    lookups work on the in-memory report and on one read back from JSON.
    """
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(str(key))
        if node is None:
            return None
    return node


def load_ratios(ours: Mapping[str, Any], stock: Mapping[str, Any], database: str) -> dict[str, Any]:
    """The load-test ratios for one database (``ours`` / ``stock`` are config results)."""

    def run(side: Mapping[str, Any], level: int, key: str) -> Any:
        return _get(side, "load", database, "levels", level, key)

    return {
        "throughput_50": ratio(
            run(ours, 50, "throughput_msg_s"), run(stock, 50, "throughput_msg_s")
        ),
        "p95_1": ratio(
            _get(ours, "load", database, "levels", 1, "latency", "p95_ms"),
            _get(stock, "load", database, "levels", 1, "latency", "p95_ms"),
        ),
        "p95_50": ratio(
            _get(ours, "load", database, "levels", 50, "latency", "p95_ms"),
            _get(stock, "load", database, "levels", 50, "latency", "p95_ms"),
        ),
        # Memory under load with shared pages counted once (PSS), so a server forked into
        # workers is not charged for the pages they share; falls back to peak RSS.
        "rss": ratio(
            _get(ours, "load", database, "peak_pss_mb", "rasa")
            or _get(ours, "load", database, "peak_rss_mb", "rasa"),
            _get(stock, "load", database, "peak_pss_mb", "rasa")
            or _get(stock, "load", database, "peak_rss_mb", "rasa"),
        ),
        # Each process's own peak RSS summed (shared pages counted once per process).
        "rss_sum_of_peaks": ratio(
            _get(ours, "load", database, "peak_rss_mb", "rasa"),
            _get(stock, "load", database, "peak_rss_mb", "rasa"),
        ),
    }


def least_favourable(per_database: Mapping[str, Mapping[str, float | None]]) -> dict[str, Any]:
    """For each load ratio, the worst value over the databases measured.

    A target is only met if it is met on SQLite *and* PostgreSQL, so the headline uses the
    less favourable of the two rather than the better or an average.
    """
    out: dict[str, Any] = {}
    for name, higher_better in _HIGHER_IS_BETTER.items():
        values = [value for v in per_database.values() if (value := v.get(name)) is not None]
        if not values:
            out[name] = None
        else:
            out[name] = min(values) if higher_better else max(values)
    return out


def compute_ratios(report: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level ``ratios`` object: ours / stock for every compared figure.

    Also carries the absolute figures the non-ratio targets are about (anonymiser, export,
    macro-F1 difference), so one object answers every target.
    """
    ours = _get(report, "configs", "ours") or {}
    stock = _get(report, "configs", "stock") or {}
    by_db = {
        db: load_ratios(ours, stock, db)
        for db in DATABASES
        if _get(ours, "load", db) is not None and _get(stock, "load", db) is not None
    }
    ratios: dict[str, Any] = least_favourable(by_db)
    ratios["train_time"] = ratio(_get(ours, "train", "seconds"), _get(stock, "train", "seconds"))
    ratios["load_time"] = ratio(
        _get(ours, "model_load", "seconds"), _get(stock, "model_load", "seconds")
    )
    f1_ours = _get(ours, "nlu", "macro_f1")
    f1_stock = _get(stock, "nlu", "macro_f1")
    ratios["macro_f1"] = ratio(f1_ours, f1_stock)
    ratios["macro_f1_diff"] = (
        round(f1_ours - f1_stock, 4) if f1_ours is not None and f1_stock is not None else None
    )
    ratios["anonymiser_median_ms"] = _get(report, "anonymiser", "typical_median_ms")
    ratios["anonymiser_vs_presidio"] = _get(report, "anonymiser", "vs_presidio")
    ratios["export_csv_s"] = _get(report, "export", "csv", "seconds")
    ratios["export_xlsx_s"] = _get(report, "export", "xlsx", "seconds")
    ratios["portal_p95_ms"] = _get(report, "portal", "dashboard_p95_ms")
    ratios.update(long_ratios(ours, stock))
    ratios["cluster_p95_ms"] = _get(report, "cluster", "realistic", "latency_ok", "p95_ms")
    ratios["cluster_errors"] = _get(report, "cluster", "realistic", "errors")
    ratios["cluster_scaling"] = _get(report, "cluster", "scaling_2_over_1")
    ratios["by_database"] = by_db
    return ratios


def long_ratios(ours: Mapping[str, Any], stock: Mapping[str, Any]) -> dict[str, Any]:
    """The long conversation's figures (bench/long_conversation.py), worst database each.

    ``long_ratio`` is ours' p50 at message ~500 over its p50 at ~10 (the target),
    ``long_ratio_stock`` the same for stock, ``long_late_p50`` ours / stock at ~500.
    """

    def worst(side: Mapping[str, Any], key: str) -> float | None:
        values = [
            value
            for db in DATABASES
            if (value := _get(side, "long", db, key)) is not None and not math.isnan(value)
        ]
        return max(values) if values else None

    late = [
        ratio(_get(ours, "long", db, "late_p50_ms"), _get(stock, "long", db, "late_p50_ms"))
        for db in DATABASES
    ]
    known = [value for value in late if value is not None]
    return {
        "long_ratio": worst(ours, "ratio"),
        "long_ratio_stock": worst(stock, "ratio"),
        "long_late_p50": max(known) if known else None,
    }


def check_targets(ratios: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it passed (``None``: not measured)."""
    return [
        {
            "name": t.name,
            "description": t.description,
            "target": f"{t.op} {t.bound:g}",
            "value": ratios.get(t.name),
            "passed": t.check(ratios.get(t.name)),
        }
        for t in TARGETS
    ]


# --------------------------------------------------------------------------------------------
# The printed table
# --------------------------------------------------------------------------------------------
def fmt(value: Any, digits: int = 2) -> str:
    """A figure for the table: ``-`` when missing, fixed decimals otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def comparison_rows(report: Mapping[str, Any]) -> list[list[str]]:
    """Rows of ``metric | stock | ours | ours/stock`` for every compared figure."""
    ours = _get(report, "configs", "ours") or {}
    stock = _get(report, "configs", "stock") or {}
    rows: list[list[str]] = []

    def add(label: str, path: Sequence[str | int], digits: int = 2) -> None:
        a, b = _get(stock, *path), _get(ours, *path)
        numbers = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b)]
        r = ratio(b, a) if all(numbers) else None
        rows.append([label, fmt(a, digits), fmt(b, digits), fmt(r, 3)])

    add("training time, s", ("train", "seconds"), 1)
    add("model load time, s", ("model_load", "seconds"), 2)
    add("stack ready time, s", ("ready_seconds",), 1)
    add("held-out macro-F1", ("nlu", "macro_f1"), 3)
    for db in DATABASES:
        if _get(ours, "load", db) is None and _get(stock, "load", db) is None:
            continue
        for level in LEVELS:
            base: tuple[str | int, ...] = ("load", db, "levels", level)
            add(f"[{db}] {level:>2} users: msg/s", (*base, "throughput_msg_s"), 1)
            add(f"[{db}] {level:>2} users: p50 ms", (*base, "latency", "p50_ms"), 0)
            add(f"[{db}] {level:>2} users: p95 ms", (*base, "latency", "p95_ms"), 0)
            add(f"[{db}] {level:>2} users: p99 ms", (*base, "latency", "p99_ms"), 0)
            add(f"[{db}] {level:>2} users: errors", (*base, "errors"), 0)
            add(f"[{db}] {level:>2} users: Rasa CPU ms/msg", (*base, "cpu_ms_per_msg", "rasa"), 1)
        for proc in ("rasa", "actions"):
            add(f"[{db}] peak RSS {proc}, MB", ("load", db, "peak_rss_mb", proc), 0)
            add(f"[{db}] peak PSS {proc}, MB", ("load", db, "peak_pss_mb", proc), 0)
        add(f"[{db}] TensorFlow loaded by the Rasa server", ("load", db, "tensorflow_loaded"))
    for db in DATABASES:
        found = _get(ours, "long", db) or _get(stock, "long", db)
        if found is None:
            continue
        (a, b), (c, d) = found.get("early_window", ("?", "?")), found.get("late_window", ("?", "?"))
        label = f"[{db}] one conversation of {fmt(found.get('messages'))}"
        add(f"{label}: p50 ms, messages {a}-{b}", ("long", db, "early_p50_ms"), 1)
        add(f"{label}: p50 ms, messages {c}-{d}", ("long", db, "late_p50_ms"), 1)
        add(f"{label}: late / early", ("long", db, "ratio"), 2)
        add(f"{label}: errors", ("long", db, "errors"), 0)
        add(f"{label}: Rasa CPU ms/msg", ("long", db, "rasa_cpu_ms_per_msg"), 1)
    return rows


def render_table(rows: Iterable[Sequence[str]], head: Sequence[str]) -> str:
    """A fixed-width table, first column left-aligned, the rest right-aligned."""
    all_rows = [list(head), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(head))]
    lines = []
    for index, row in enumerate(all_rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def other_rows(report: Mapping[str, Any]) -> list[list[str]]:
    """Figures that belong to neither config: the anonymiser, the lead's export, the minutes."""
    rows: list[list[str]] = []
    anon = report.get("anonymiser") or {}
    if anon:
        rows.append(["anonymiser, median ms (<= 300 chars)", fmt(anon.get("typical_median_ms"), 3)])
        rows.append(["anonymiser, p95 ms (<= 300 chars)", fmt(anon.get("typical_p95_ms"), 3)])
        rows.append(["anonymiser, s per 1,000 messages", fmt(anon.get("per_1000_s"), 3)])
        rows.append(["anonymiser, median ms (dev set)", fmt(anon.get("devset_median_ms"), 3)])
        presidio = anon.get("presidio") or {}
        rows.append(["Presidio, median ms (dev set)", fmt(presidio.get("median_ms"), 3)])
        rows.append(["throughput ours / Presidio", fmt(anon.get("vs_presidio"), 1)])
    export = report.get("export") or {}
    for db, by_format in (export.get("by_database") or {}).items():
        for name, figures in by_format.items():
            label = f"export {export.get('reflections', 0):,} as {name.upper()} [{db}], s"
            detail = (
                f"{fmt(figures.get('seconds'), 2)} (query {fmt(figures.get('query_seconds'), 2)}"
                f" + write {fmt(figures.get('write_seconds'), 2)})"
            )
            rows.append([label, detail])
    rows += minutes_rows(report.get("minutes") or {})
    rows += portal_rows(report.get("portal") or {})
    rows += cluster_rows(report.get("cluster") or {})
    return rows


def cluster_rows(cluster: Mapping[str, Any]) -> list[list[str]]:
    """The cluster bench (bench/cluster_bench.py): realistic latency, saturation 1 vs 2 replicas."""
    if not cluster:
        return []
    real = cluster.get("realistic") or {}
    lat = real.get("latency_ok") or {}
    n = cluster.get("practitioners", 0)
    rows = [
        [
            f"cluster, {n:,} practitioners, think ~{fmt(cluster.get('think_mean_s'), 0)} s: "
            "p50 / p95 / p99 ms of right replies",
            f"{fmt(lat.get('p50_ms'), 0)} / {fmt(lat.get('p95_ms'), 0)} / "
            f"{fmt(lat.get('p99_ms'), 0)}",
        ],
        [
            f"cluster, {n:,} practitioners: msg/s achieved / offered; errors",
            f"{fmt(real.get('throughput_msg_s'), 1)} / {fmt(cluster.get('offered_msg_s'), 1)}; "
            f"{fmt(real.get('errors'))}",
        ],
    ]
    for replicas in ("1", "2"):
        level = (cluster.get("saturation") or {}).get(replicas) or {}
        rows.append(
            [
                f"cluster saturation, {replicas} replica(s), {cluster.get('saturation_users')} "
                "users: msg/s; p95 ms; errors",
                f"{fmt(level.get('throughput_msg_s'), 1)}; "
                f"{fmt((level.get('latency') or {}).get('p95_ms'), 0)}; "
                f"{fmt(level.get('errors'))}",
            ]
        )
    rows.append(
        [
            "cluster throughput at saturation, 2 replicas / 1",
            fmt(cluster.get("scaling_2_over_1"), 2),
        ]
    )
    return rows


def portal_rows(portal: Mapping[str, Any]) -> list[list[str]]:
    """The lead portal per database: dashboard typical and cold, the naive baseline, the exports."""
    rows: list[list[str]] = []
    for db, figures in (portal.get("by_database") or {}).items():
        board = figures.get("dashboard") or {}
        cold, typical = board.get("cold") or {}, board.get("typical") or {}
        n = board.get("reflections", 0)
        rows.append(
            [
                f"portal dashboard [{db}] {n:,}: cold p50 / p95 ms",
                f"{fmt(cold.get('p50_ms'), 1)} / {fmt(cold.get('p95_ms'), 1)}",
            ]
        )
        rows.append(
            [
                f"portal dashboard [{db}] {n:,}: typical p50 / p95 ms",
                f"{fmt(typical.get('p50_ms'), 1)} / {fmt(typical.get('p95_ms'), 1)}",
            ]
        )
        rows.append(
            [
                f"naive Python count [{db}] ms (baseline) / ours cold p50",
                f"{fmt(board.get('naive_count_ms'), 1)} "
                f"({fmt(board.get('naive_over_cold_p50'), 2)}x)",
            ]
        )
        rows.append([f"portal themes ready [{db}] s", fmt(board.get("themes_ready_s"), 1)])
        exports = figures.get("exports") or {}
        rows.append(
            [
                f"portal exports [{db}] {exports.get('reflections', 0):,}: CSV / XLSX / PDF s",
                f"{fmt(exports.get('csv_s'), 2)} / {fmt(exports.get('xlsx_s'), 2)} / "
                f"{fmt(exports.get('pdf_s'), 2)}",
            ]
        )
    return rows


def minutes_rows(minutes: Mapping[str, Any]) -> list[list[str]]:
    """A group session's minutes: warm medians, and what a fresh web-app process pays once."""
    if not minutes:
        return []
    cold = minutes.get("cold") or {}
    return [
        ["minutes DOCX, median ms", fmt(minutes.get("docx_median_ms"), 1)],
        ["minutes PDF/UA, median ms", fmt(minutes.get("pdf_median_ms"), 1)],
        ["minutes DOCX + PDF, median ms", fmt(minutes.get("docx_and_pdf_median_ms"), 1)],
        ["WeasyPrint import (fresh process), ms", fmt(cold.get("weasyprint_import_ms"), 1)],
        ["first PDF after the import, ms", fmt(cold.get("first_pdf_ms"), 1)],
    ]


def render_report(report: Mapping[str, Any]) -> str:
    """The comparison table, other figures, then every target with its value and verdict."""
    parts = [render_table(comparison_rows(report), ["", "stock", "ours", "ours/stock"]), ""]
    others = other_rows(report)
    if others:
        parts += [render_table(others, ["", "value"]), ""]
    target_rows = [
        [t["description"], t["target"], fmt(t["value"], 3), _verdict(t["passed"])]
        for t in report.get("targets", [])
    ]
    parts.append(render_table(target_rows, ["target", "bound", "value", "met"]))
    notes = report.get("notes") or []
    if notes:
        parts.append("")
        parts += [f"note: {n}" for n in notes]
    return "\n".join(parts)


def _verdict(passed: bool | None) -> str:
    return {True: "yes", False: "NO", None: "not measured"}[passed]
