#!/usr/bin/env bash
# Usage: scripts/ensure-tools-venv.sh NAME REQUIREMENTS-LOCK
# Prints the path of a Python 3.10 venv holding exactly the tools pinned (with hashes) in
# REQUIREMENTS-LOCK, building it first if needed.
#
# Tools (pip-tools, pip-audit, ...) live apart from the project's .venv: they must not change what
# the project resolves to, and the project's venv must not decide which auditor runs. Like
# ensure-venv.sh, each venv is cached under $REFLECT_CACHE (default ~/.cache/reflect), keyed on
# the Python version and the lock's contents, so an edited lock builds a new one and never
# mutates one in use. Installation is `--require-hashes --no-deps`: nothing is resolved at
# install time, every file is checked against the lock. Progress goes to stderr; stdout carries
# only the path, for `tools=$(scripts/ensure-tools-venv.sh supply scripts/tools/supply.lock)`.
set -euo pipefail
if [ $# -ne 2 ] || [ ! -f "$2" ]; then
  echo "usage: $0 NAME REQUIREMENTS-LOCK (a file pinned with --hash)" >&2
  exit 2
fi
name=$1
lock=$2
cd "$(dirname "$0")/.."
cache="${REFLECT_CACHE:-$HOME/.cache/reflect}"
py=$(scripts/find-python310.sh)
key=$( { "$py" --version; cat "$lock"; } | sha256sum | cut -c1-16)
target="$cache/tools/$name-$key"
mkdir -p "$cache/tools"

if [ ! -f "$target/.complete" ]; then
  exec 9>"$cache/tools/$name-$key.lock"
  flock 9
  if [ ! -f "$target/.complete" ]; then
    echo "==> Creating the $name tools environment in $target from $lock" >&2
    rm -rf "$target"
    "$py" -m venv "$target"
    if ! "$target/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
      --no-deps -r "$lock" >"$target/install.log" 2>&1; then
      grep -v "is ignored: it is neither a file nor a directory" "$target/install.log" >&2
      echo "Installing $lock into $target failed" >&2
      exit 1
    fi
    "$target/bin/python" -m pip check >&2 \
      || { echo "The $name tools environment in $target is incomplete" >&2; exit 1; }
    touch "$target/.complete"
  fi
fi
echo "$target"
