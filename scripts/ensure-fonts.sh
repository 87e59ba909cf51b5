#!/usr/bin/env bash
# The minutes' PDF (bot/group/pdf.py, WeasyPrint) uses DejaVu Sans from Debian's fonts-dejavu-core,
# embedded in each file, and WeasyPrint needs Debian's Pango. Install whichever of these packages
# is missing with apt-get (one `apt-get update` first); nothing is downloaded from anywhere else.
set -euo pipefail
packages=(fonts-dejavu-core fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
echo "==> Installing Debian's ${missing[*]} for the minutes' PDF (apt-get)"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    echo "${missing[*]} missing and this user cannot run apt-get: install those packages" >&2
    exit 1
  fi
else
  sudo=()
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-list | grep -q "DejaVu Sans" || { echo "the DejaVu fonts did not install" >&2; exit 1; }
