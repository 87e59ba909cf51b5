#!/usr/bin/env bash
# Train the model unless one for exactly this data/, config.yml and domain.yml already exists.
#
# Models are named by the hash of their inputs and cached under $REFLECT_CACHE, so an unchanged
# bot is never retrained, in this clone or any other on the machine. Prints the model path last.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${REFLECT_CACHE:-$HOME/.cache/reflect}/models"
key=$(scripts/hash-inputs.sh data config.yml domain.yml)
model="models/$key.tar.gz"
mkdir -p models "$cache"
if [ -f "$model" ]; then
  echo "==> Model is up to date: $model" >&2
elif [ -f "$cache/$key.tar.gz" ]; then
  cp "$cache/$key.tar.gz" "$model"
  echo "==> Model restored from the cache: $model" >&2
else
  echo "==> Training $model (inputs changed)" >&2
  start=$(date +%s%N)
  .venv/bin/rasa train --fixed-model-name "$key" --out models --quiet >&2
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  printf '==> Training took %d.%03d s\n' $((ms / 1000)) $((ms % 1000)) >&2
  cp "$model" "$cache/$key.tar.gz.tmp" && mv "$cache/$key.tar.gz.tmp" "$cache/$key.tar.gz"
fi
echo "$model"
