#!/usr/bin/env bash
# A short content hash of the given files and directories (paths and contents), for cache keys.
set -euo pipefail
find "$@" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z \
  | xargs -0 sha256sum | sha256sum | cut -c1-16
