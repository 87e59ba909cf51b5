#!/usr/bin/env bash
# Make .venv point at a Python 3.10 venv holding exactly the packages of requirements.lock.
#
# requirements.lock (generated from pyproject.toml by `make lock`, scripts/lock.sh) pins every
# package with == and the sha256 of each file PyPI serves for it: the install below resolves
# nothing and refuses any file whose hash is not in the lock. Installing Rasa takes minutes and
# 2.7 GB, so venvs are cached under $REFLECT_CACHE (default ~/.cache/reflect), keyed on the Python
# version and the lock's contents: a fresh clone on a machine that has built one before links to
# it in a second; a changed lock builds a new one and never mutates a venv in use.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${REFLECT_CACHE:-$HOME/.cache/reflect}"
py=$(scripts/find-python310.sh)
key=$( { "$py" --version; cat requirements.lock; } | sha256sum | cut -c1-16)
target="$cache/venvs/$key"
mkdir -p "$cache/venvs"

if [ ! -f "$target/.complete" ]; then
  exec 9>"$cache/venvs/$key.lock"
  flock 9
  if [ ! -f "$target/.complete" ]; then
    echo "==> Creating the Python 3.10 environment in $target (Rasa is large: a few minutes)"
    rm -rf "$target"
    "$py" -m venv "$target"
    if ! "$target/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
      --no-deps -r requirements.lock >"$target/install.log" 2>&1; then
      grep -v "is ignored: it is neither a file nor a directory" "$target/install.log" >&2
      echo "Installing requirements.lock into $target failed (log: $target/install.log)" >&2
      exit 1
    fi
    "$target/bin/python" -m pip check >/dev/null \
      || { "$target/bin/python" -m pip check >&2; echo "requirements.lock is incomplete" >&2; exit 1; }
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
