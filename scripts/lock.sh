#!/usr/bin/env bash
# Usage: scripts/lock.sh [pip-compile options, e.g. --upgrade-package aiohttp]   (make lock)
#        scripts/lock.sh --tools                                                (make tools-lock)
#
# Regenerates requirements.lock from pyproject.toml (runtime + dev): every package the venv holds,
# pinned with == and with the sha256 of every file PyPI serves for that release, so
# scripts/ensure-venv.sh installs with --require-hashes and nothing is resolved at install time.
# pip-compile keeps the existing lock's pins where pyproject still allows them, so rerunning it
# changes nothing until a pin in pyproject moves (or --upgrade/--upgrade-package is passed).
# With --tools it regenerates each scripts/tools/NAME.lock from NAME.in the same way (the tool
# venvs of scripts/ensure-tools-venv.sh). Index URLs come from pip's own configuration and are
# left out of the locks (they are the machine's, not the project's). pip-compile runs from the
# tools venv under Python 3.10, the interpreter the locks are for: markers are evaluated against
# the running Python.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(scripts/ensure-tools-venv.sh supply scripts/tools/supply.lock)
common=(--quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url
  --no-emit-find-links)
quiet() { { grep -v "is ignored: it is neither a file nor a directory" || true; } >&2; }

if [ "${1:-}" = "--tools" ]; then
  for in_file in scripts/tools/*.in; do
    echo "==> pip-compile $in_file -> ${in_file%.in}.lock" >&2
    CUSTOM_COMPILE_COMMAND="make tools-lock" "$tools/bin/pip-compile" "${common[@]}" \
      --output-file "${in_file%.in}.lock" "$in_file" 2>&1 | quiet
  done
  exit 0
fi
echo "==> pip-compile pyproject.toml (runtime + dev) -> requirements.lock (minutes the first time)" >&2
CUSTOM_COMPILE_COMMAND="make lock" "$tools/bin/pip-compile" "${common[@]}" --extra dev \
  --output-file requirements.lock "$@" pyproject.toml 2>&1 | quiet
