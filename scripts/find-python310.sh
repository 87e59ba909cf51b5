#!/usr/bin/env bash
# Print the path of a working Python 3.10 (Rasa 3.6 refuses 3.11+), or explain and fail.
set -u
candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
candidates+=(python3.10)
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in "$pyenv_root"/versions/3.10*; do
  [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
done
candidates+=(/usr/local/bin/python3.10 /usr/bin/python3.10)
for candidate in "${candidates[@]}"; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  # pyenv shims exist for versions that are not selected; only accept one that really runs 3.10.
  version=$("$path" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
  if [ "$version" = "3.10" ]; then
    "$path" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "Reflect needs Python 3.10 (Rasa 3.6 does not run on 3.11 or later) and none was found." >&2
echo "Install it (e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv')," >&2
echo "or set PYTHON310=/path/to/python3.10." >&2
exit 1
