"""Reflect's Rasa server: ``python -m bot.rasa_ext.serve run ...`` is ``rasa run ...`` made faster.

`make run` (bot/run.py) starts the Rasa server through here rather than ``python -m rasa``:

- ``skops.io`` is imported first. It loads the logistic-regression classifier, and its import
  scans ``sys.modules`` once per trusted type, so importing it after Rasa and TensorFlow have
  loaded thousands of modules costs 5-10 s of start-up; first, about 1 s.
- :func:`bot.rasa_ext.speedups.install` removes Rasa's per-message overhead (see there).

Everything else is Rasa's own command line, unchanged.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Run Rasa's command line with ``argv`` (default: this process's arguments)."""
    import skops.io  # noqa: F401  (imported early on purpose: see the module docstring)

    from bot.rasa_ext import speedups

    speedups.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
