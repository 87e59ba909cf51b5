#!/usr/bin/env bash
# The browser tests drive Debian's chromium package (never a downloaded browser). Install it with
# apt-get when it is missing; the tests find it with shutil.which("chromium").
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "==> Installing Debian's chromium for the browser tests (apt-get)"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    echo "chromium is missing and this user cannot run apt-get: install the 'chromium' package" >&2
    exit 1
  fi
else
  sudo=()
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null || { echo "chromium did not install" >&2; exit 1; }
