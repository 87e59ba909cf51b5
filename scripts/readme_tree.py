"""Draw README's "How it is built" tree from the packages themselves.

Usage: ``python scripts/readme_tree.py`` prints the tree; ``--write`` puts it into README.md
between the ``<!-- tree:start -->`` and ``<!-- tree:end -->`` markers. Each package's line is the
first paragraph of its ``__init__`` docstring and each top-level module's line its own, so the
README cannot drift from the code: tests/test_consistency.py fails when the two disagree.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- tree:start -->", "<!-- tree:end -->"
COLUMN = 22
WIDTH = 100
# Top-level folders that are not Python packages, so have no docstring to read.
FOLDERS = {
    "data": "Rasa training data: nlu/, rules/ and stories/, one file per feature",
    "scripts": "shell and Python helpers behind the Makefile (venv, training, chromium, docs)",
    "stubs": "type stubs for the parts of rasa_sdk that actions/ uses (mypy strict on actions/)",
}
PACKAGES = ("bot", "actions", "bench", "tests")


def summary(path: Path) -> str:
    """The first paragraph of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _line(name: str, depth: int, text: str) -> list[str]:
    label = "  " * depth + name
    lead = label.ljust(COLUMN) if len(label) < COLUMN else label + " "
    return textwrap.wrap(
        text, WIDTH, initial_indent=lead, subsequent_indent=" " * COLUMN, break_on_hyphens=False
    )


def _contents(package: Path) -> str:
    """The modules and folders of a package, as a reading list: "(core, names, …; data/)"."""
    modules = sorted(p.stem for p in package.glob("*.py") if p.stem not in ("__init__",))
    folders = sorted(
        f"{p.name}/" for p in package.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))
    )
    return "(" + "; ".join(part for part in (", ".join(modules), ", ".join(folders)) if part) + ")"


def tree(root: Path = ROOT) -> str:
    """The tree: bot/ with one line per package (and its contents), then the other folders."""
    lines: list[str] = []
    for top in (*PACKAGES, *sorted(FOLDERS)):
        folder = root / top
        if top in FOLDERS:
            lines += _line(f"{top}/", 0, FOLDERS[top])
            continue
        lines += _line(f"{top}/", 0, summary(folder / "__init__.py") or top)
        if top != "bot":
            continue
        # Packages first, then the entry points (bot/run.py, bot/cli.py).
        for child in sorted(folder.iterdir(), key=lambda p: (p.is_file(), p.name)):
            if child.is_dir() and (child / "__init__.py").exists():
                text = f"{summary(child / '__init__.py')} {_contents(child)}"
                lines += _line(f"{child.name}/", 1, text)
            elif child.suffix == ".py" and child.stem != "__init__":
                lines += _line(child.name, 1, summary(child))
    return "\n".join(["```text", *lines, "```"])


def readme_block(readme: str) -> str:
    """What README.md holds between the markers."""
    if START not in readme or END not in readme:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    return readme.split(START, 1)[1].split(END, 1)[0].strip("\n")


def main(argv: list[str]) -> int:
    """Print the tree, or write it into README.md with ``--write``."""
    drawn = tree()
    if "--write" not in argv:
        print(drawn)
        return 0
    text = README.read_text(encoding="utf-8")
    old = readme_block(text)
    README.write_text(text.replace(old, drawn, 1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
