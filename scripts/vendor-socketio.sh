#!/usr/bin/env bash
# Vendor socket.io-client's browser build into bot/web/static/vendor/ (committed, served by the
# web app as /vendor/socket.io.min.js), so the widget needs no CDN and no build step.
#
# Why 4.8.x: Rasa 3.6's socketio channel runs python-socketio 5 (Engine.IO protocol 4), which
# needs a 3.x or 4.x JS client; the 2.x client bundled by old rasa-webchat fails with "unsupported
# version of the Socket.IO or Engine.IO protocols". npm checks the tarball against the registry's
# integrity hash; the file is copied byte for byte and its sha256 recorded in the README beside it.
#
# Usage: scripts/vendor-socketio.sh [version]     (default 4.8.1; re-run to upgrade, then commit)
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-4.8.1}"
case "$version" in
  4.8.*) ;;
  *) echo "socket.io-client $version: the widget is written and tested against 4.8.x" >&2; exit 1 ;;
esac
out=bot/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> npm pack socket.io-client@$version"
# --ignore-scripts: we only unpack the tarball, nothing from it is run here.
(cd "$work" && npm pack --silent --ignore-scripts "socket.io-client@$version" >/dev/null)
tarball=$(ls "$work"/socket.io-client-*.tgz)
integrity=$(cd "$work" && npm view "socket.io-client@$version" dist.integrity)
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
[ "$actual" = "$integrity" ] || { echo "tarball integrity $actual != registry $integrity" >&2; exit 1; }
tar xzf "$tarball" -C "$work"
got=$(node -p "require('$work/package/package.json').version")
[ "$got" = "$version" ] || { echo "expected $version, unpacked $got" >&2; exit 1; }

mkdir -p "$out"
cp "$work/package/dist/socket.io.min.js" "$out/socket.io.min.js"
cp "$work/package/LICENSE" "$out/LICENSE-socket.io-client"
sha=$(sha256sum "$out/socket.io.min.js" | cut -d' ' -f1)
tarsha=$(sha256sum "$tarball" | cut -d' ' -f1)

cat >"$out/README.md" <<EOF
# Vendored browser libraries

Written by \`scripts/vendor-socketio.sh\`; do not edit by hand (re-run the script to upgrade).

| file | package | version | licence | sha256 |
| --- | --- | --- | --- | --- |
| socket.io.min.js | socket.io-client (\`dist/socket.io.min.js\`, unmodified) | $version | MIT, see LICENSE-socket.io-client | \`$sha\` |

- npm tarball: socket.io-client-$version.tgz, sha256 \`$tarsha\`, registry integrity \`$integrity\`.
- The minified bundle includes engine.io-client, engine.io-parser, socket.io-parser and
  @socket.io/component-emitter (all MIT, same authors); it does not include \`debug\`.
- Why this client: Rasa 3.6's socketio channel is python-socketio 5 (Engine.IO 4), which needs
  a 3.x/4.x client; see docs/widget-protocol.md.
- The file ends with a \`sourceMappingURL\` comment; the map is not vendored (devtools only).
EOF
echo "==> $out/socket.io.min.js  socket.io-client $version  sha256 $sha"
