#!/usr/bin/env bash
# `make run-cluster` puts Debian's haproxy package in front of the Rasa replicas (an existing
# engine, never a home-made proxy). Install it with apt-get when it is missing. The package's own
# system service is never started or enabled here: bot/cluster runs its own haproxy process with
# its own generated config on loopback ports, and a system-wide one on :80 is not wanted.
set -euo pipefail
if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then
  exit 0
fi
echo "==> Installing Debian's haproxy for make run-cluster (apt-get)"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    echo "haproxy is missing and this user cannot run apt-get: install the 'haproxy' package" >&2
    exit 1
  fi
else
  sudo=()
fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d exit 101 is Debian's documented way to say "do not start services" during install
# (in containers without systemd the postinst would otherwise try to start haproxy on :80).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends haproxy >/dev/null
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || {
  echo "haproxy did not install" >&2
  exit 1
}
