# Two commands: `make run` and `make test`. Both create/refresh .venv first.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: run test install system-deps ingest eval bench scale clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools
	# CPU build of torch first, pinned: an unpinned torch pulls gigabytes of CUDA packages.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[test,llm]"
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests use: a real browser and a real PostgreSQL server.
system-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)
	@(command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1) || \
		(apt-get update -qq && apt-get install -y -qq postgresql)

run: install
	$(BIN)/assistant ingest corpus
	$(BIN)/assistant serve

test: install system-deps
	$(BIN)/python -m pytest

ingest: install
	$(BIN)/assistant ingest corpus

eval: install
	$(BIN)/assistant eval

bench: install
	$(BIN)/python -m bench.run

scale: install
	$(BIN)/python -m bench.scale --factors 10

clean:
	rm -rf .assistant .pytest_cache
