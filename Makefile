# Reflect: `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
# The project is imported from this clone (the cached venv holds dependencies only).
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup lint typecheck unit validate train test-dialogue test-nlu test-e2e test run shell \
	migrate purge export settings-docs teams-package browser fonts bench blind clean import-table \
	haproxy run-cluster lock tools-lock audit tools fuzz

help:
	@echo "make run    install what is missing, train if needed, start Reflect (SQLite) and print the URLs"
	@echo "make run-cluster  the same as replicas behind HAProxy on PostgreSQL and Redis (docs/deploy.md)"
	@echo "make test   install what is missing, then lint, type-check, audit, unit tests, validate, train,"
	@echo "            dialogue tests, held-out NLU test and end-to-end tests"
	@echo "make lock   regenerate requirements.lock (hashed pins) from pyproject.toml"
	@echo "make audit  pip-audit over requirements.lock (docs/supply-chain.md)"

$(VENV)/.complete: requirements.lock scripts/ensure-venv.sh
	@scripts/ensure-venv.sh

setup: $(VENV)/.complete

# Supply chain (docs/supply-chain.md). requirements.lock: every package pinned with its hashes,
# generated from pyproject.toml's pins; ARGS go to pip-compile, e.g. ARGS="--upgrade-package
# aiohttp". The tools (pip-tools, pip-audit) live in their own hashed venv, never in .venv.
lock:
	@scripts/lock.sh $(ARGS)

tools-lock:
	@scripts/lock.sh --tools

# pip-audit over requirements.lock; the ids it may ignore are read from docs/supply-chain.md.
# Under CI=true an audit that reached no vulnerability data fails instead of passing empty.
audit:
	@echo "==> pip-audit (requirements.lock)"
	@tools="$$(scripts/ensure-tools-venv.sh supply scripts/tools/supply.lock)"; \
	  "$$tools/bin/python" scripts/audit.py $(if $(filter true,$(CI)),--ci) --report results/audit.json

# The same checks run before each commit with `pre-commit install` (.pre-commit-config.yaml).
lint: setup
	@echo "==> ruff check, ruff format --check"
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: setup
	@echo "==> mypy bot/ actions/"
	@$(VENV)/bin/mypy

# The minutes' PDF needs Debian's DejaVu fonts and Pango (installed with apt-get if missing).
fonts:
	@scripts/ensure-fonts.sh

unit: setup fonts haproxy
	@echo "==> pytest (unit)"
	@$(PY) -m pytest -q -m "not slow"

validate: setup
	@echo "==> rasa data validate"
	@$(RASA) data validate --fail-on-warnings --quiet

train: setup
	@scripts/train.sh >/dev/null

# --e2e: the stories' user texts go through NLU and the safety net, not just their intent labels.
test-dialogue: train
	@echo "==> rasa test (stories, end to end, --fail-on-prediction-errors)"
	@$(RASA) test core --stories tests/stories --model "$$(scripts/train.sh 2>/dev/null)" \
	  --e2e --fail-on-prediction-errors --out results/core --quiet

test-nlu: train
	@echo "==> rasa test nlu (held-out split in tests/nlu)"
	@$(RASA) test nlu --nlu tests/nlu/heldout.yml --model "$$(scripts/train.sh 2>/dev/null)" \
	  --out results/nlu --quiet
	@$(PY) -m bench.nlu_report results/nlu/intent_report.json --min-macro-f1 0.85

browser:
	@scripts/ensure-chromium.sh

# Debian's haproxy, for make run-cluster and the cluster's end-to-end tests (apt-get if missing).
haproxy:
	@scripts/ensure-haproxy.sh

# Test tools kept out of the Rasa venv (schemathesis), in their own cached, hashed venv (scripts/tools/fuzz.lock).
tools:
	@scripts/ensure-tools-venv.sh fuzz scripts/tools/fuzz.lock >/dev/null

test-e2e: train browser fonts haproxy tools
	@echo "==> pytest (slow: real servers over REST, socket.io, Teams' fake connector, chromium)"
	@REFLECT_MODEL="$$(scripts/train.sh 2>/dev/null)" $(PY) -m pytest -q -m slow

# Issue 15's fuzzing on its own (make test runs it too, in test-e2e: all slow): bad input on every
# endpoint of a real stack, schemathesis on the portal API (>= 10,000 requests, 0 5xx) and the
# Unicode property tests of the door, anonymiser and exports (>= 10,000 inputs).
FUZZ_TESTS := tests/e2e/test_bad_input.py tests/e2e/test_portal_schemathesis.py \
	tests/bot/channels/test_door_unicode.py tests/bot/anonymise/test_unicode.py \
	tests/bot/reports/test_export_unicode.py tests/bot/portal/test_downloads_unicode.py
fuzz: train tools fonts
	@echo "==> fuzz: bad input on every endpoint, schemathesis, hypothesis"
	@REFLECT_MODEL="$$(scripts/train.sh 2>/dev/null)" $(PY) -m pytest -q -s $(FUZZ_TESTS)

test: lint typecheck audit unit validate test-dialogue test-nlu test-e2e
	@echo "==> all checks passed"

run: train fonts
	@$(PY) -m bot.run --model "$$(scripts/train.sh 2>/dev/null)"

# The production topology on loopback: HAProxy in front of Rasa replicas and action servers, on
# PostgreSQL and Redis (this machine's when DATABASE_URL / REDIS_URL are unset). docs/deploy.md.
run-cluster: train fonts haproxy
	@$(PY) -m bot.cluster --model "$$(scripts/train.sh 2>/dev/null)"

shell: train
	@$(PY) -m bot.run --model "$$(scripts/train.sh 2>/dev/null)" --shell

migrate: setup
	@$(PY) -m bot.cli migrate

purge: setup
	@$(PY) -m bot.cli purge

export: setup
	@$(PY) -m bot.cli export --format csv --out reflections.csv

# The blind sets (tests/data/blind/README.md), each through the door as in production: figures
# only, no floor, not part of make test (they were written blind; their first runs are recorded).
blind: train
	@mkdir -p results/blind
	@for f in tests/data/blind/anonymisation_blind_*.txt; do echo "==> anonymiser: $$f"; \
	  $(PY) -m bench.evaluate_anonymiser $$f | grep -E "^(overall recall|texts fully|over-red)"; done
	@for f in tests/data/blind/anonymisation_conversations_*.txt; do \
	  echo "==> anonymiser, later messages of conversations: $$f"; \
	  $(PY) -m bench.evaluate_anonymiser $$f --conversations | grep -E "^(overall recall|texts fully|over-red)"; done
	@model="$$(scripts/train.sh 2>/dev/null)"; for f in tests/data/blind/nlu_blind_*.yml; do \
	  n="$$(basename $$f .yml | sed 's/nlu_blind_//')"; echo "==> NLU: nlu_blind_$$n"; \
	  $(PY) scripts/door_nlu.py tests/data/blind/nlu_blind_$$n.yml results/blind/nlu_blind_$$n.yml; \
	  $(RASA) test nlu --nlu results/blind/nlu_blind_$$n.yml --model "$$model" \
	    --out results/blind/nlu_$$n --quiet >/dev/null 2>&1; \
	  $(PY) -m bench.nlu_report results/blind/nlu_$$n/intent_report.json | tail -1; done
	@model="$$(scripts/train.sh 2>/dev/null)"; for f in tests/data/blind/safety_blind_*.tsv; do \
	  echo "==> safety net: $$f"; $(PY) -m bench.evaluate_safety $$f --model "$$model" 2>/dev/null; done

# Stock Rasa (DIET + TED) against Reflect on the same data and real stack; ratios in one run.
# ARGS go to bench.run, e.g. `make bench ARGS=--long` (only the long conversation).
bench: setup fonts haproxy
	@$(PY) -m bench.run $(ARGS)

# The soak (bench/soak.py): CONVERSATIONS practitioners at once for MINUTES over REST, socket.io
# and Teams (the fake connector) on PostgreSQL and Redis, then the reflections stored against the
# receipts the practitioners were shown. Exits non-zero if one is lost, doubled, or a reply is a
# 5xx. `make soak MINUTES=2 CONVERSATIONS=20`; ARGS go to bench.soak, e.g. ARGS="--target stack".
.PHONY: soak
MINUTES ?= 10
CONVERSATIONS ?= 50
soak: train fonts haproxy
	@$(PY) -m bench.soak --model "$$(scripts/train.sh 2>/dev/null)" --minutes $(MINUTES) \
	  --conversations $(CONVERSATIONS) $(ARGS)

# What `reflect import` recovers from each fixture briefing (and the seed), and PDF time per page.
import-table: setup
	@$(PY) -m bench.evaluate_importer tests/data/briefings

# The settings section of .env.example and README's table, from the one settings table.
settings-docs: setup
	@$(PY) -m bot.settings.table --write

teams-package: setup
	@$(PY) -m bot.cli teams-package

clean:
	rm -rf models results bench/results .pytest_cache .mypy_cache .ruff_cache
