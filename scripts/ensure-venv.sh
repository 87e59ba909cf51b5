#!/usr/bin/env bash
# Make .venv point at a Python 3.10 venv holding exactly the dependencies pinned in pyproject.toml.
#
# Installing Rasa takes minutes and 2.7 GB, so venvs are cached under $REFLECT_CACHE (default
# ~/.cache/reflect), keyed on the Python version and the dependency pins: a fresh clone on a
# machine that has built one before links to it in a second; a changed pin builds a new one.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${REFLECT_CACHE:-$HOME/.cache/reflect}"
py=$(scripts/find-python310.sh)
key=$( { "$py" --version; sed -n '/^dependencies = \[/,/^\[project.scripts\]/p' pyproject.toml; } \
  | sha256sum | cut -c1-16)
target="$cache/venvs/$key"
mkdir -p "$cache/venvs"

if [ ! -f "$target/.complete" ]; then
  exec 9>"$cache/venvs/$key.lock"
  flock 9
  if [ ! -f "$target/.complete" ]; then
    echo "==> Creating the Python 3.10 environment in $target (Rasa is large: a few minutes)"
    rm -rf "$target"
    "$py" -m venv "$target"
    "$target/bin/pip" install --quiet --disable-pip-version-check tomli
    mapfile -t deps < <("$target/bin/python" scripts/deps.py pyproject.toml)
    "$target/bin/pip" install --quiet --disable-pip-version-check "${deps[@]}" 2>&1 \
      | grep -v "is ignored: it is neither a file nor a directory" || true
    "$target/bin/python" -c "import rasa, rasa_sdk, sqlalchemy, dotenv, pytest" \
      || { echo "The environment in $target did not install completely" >&2; exit 1; }
    touch "$target/.complete"
  fi
fi
if [ -e .venv ] && [ ! -L .venv ]; then
  echo ".venv exists and is not the managed environment; move it away and run make again" >&2
  exit 1
fi
ln -sfn "$target" .venv
