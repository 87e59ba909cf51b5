#!/usr/bin/env bash
# Make .tools-venv point at a Python 3.10 venv holding exactly scripts/tools-requirements.txt.
#
# Test tools that need not live beside Rasa (schemathesis for `make fuzz`) get their own small venv,
# cached under $REFLECT_CACHE like scripts/ensure-venv.sh's and keyed on the pins file, so the shared
# Rasa venv never changes for them and a changed pin builds a new one. Prints the venv's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${REFLECT_CACHE:-$HOME/.cache/reflect}"
py=$(scripts/find-python310.sh)
key=$( { "$py" --version; cat scripts/tools-requirements.txt; } | sha256sum | cut -c1-16)
target="$cache/tools-venvs/$key"
mkdir -p "$cache/tools-venvs"

if [ ! -f "$target/.complete" ]; then
  exec 9>"$cache/tools-venvs/$key.lock"
  flock 9
  if [ ! -f "$target/.complete" ]; then
    echo "==> Creating the test tools environment in $target" >&2
    rm -rf "$target"
    "$py" -m venv "$target"
    "$target/bin/pip" install --quiet --disable-pip-version-check --require-hashes --no-deps \
      -r scripts/tools-requirements.txt 2>&1 \
      | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
    "$target/bin/st" --version >/dev/null \
      || { echo "The tools environment in $target did not install completely" >&2; exit 1; }
    touch "$target/.complete"
  fi
fi
if [ -e .tools-venv ] && [ ! -L .tools-venv ]; then
  echo ".tools-venv exists and is not the managed environment; move it away and run make again" >&2
  exit 1
fi
ln -sfn "$target" .tools-venv
echo "$target"
