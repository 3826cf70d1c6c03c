# BIN Relay — the two commands: `make up` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# uv from PATH, else as a module of python3 (installed from PyPI by the venv step when missing).
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif

help:
	@echo "make up     start Kafka, Redis and every service under a supervisor (local, no Docker)"
	@echo "make status every process of the stack and its state"
	@echo "make down   stop everything make up started"
	@echo "make test   install what is needed and run the whole test suite"
	@echo "make lint   ruff + mypy"
	@echo "make bench  run the benchmarks in bench/"
	@echo "make chaos  the fault suite: 20,000 reports through a 3-node cluster while things break (bench/chaos.py)"

# --- installation: everything the project needs, idempotent -------------------------------------
.venv/.synced: pyproject.toml uv.lock shared/pyproject.toml $(wildcard services/*/pyproject.toml) deploy/devservers/pyproject.toml
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --all-packages
	touch $@

venv: .venv/.synced

sysdeps:
	@deploy/local/sysdeps.sh

# --- the main job ------------------------------------------------------------------------------
up: venv sysdeps
	deploy/local/stack.sh up

down:
	deploy/local/stack.sh down

status:
	deploy/local/stack.sh status

# --- tests -------------------------------------------------------------------------------------
lint: venv
	.venv/bin/ruff check .
	.venv/bin/mypy

test: venv sysdeps lint
	.venv/bin/pytest -p no:cacheprovider; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; exit 1; fi; exit $$rc

# The #18 figures: production configuration (TLS+SASL, transactions) and plain side by side, the
# provider latency, the 10,000-member alarm, memory, the targets table (bench/run.py; README
# "Benchmarks"). BENCH_ARGS=--short for a run of a few minutes.
bench: venv sysdeps
	.venv/bin/python bench/run.py $(BENCH_ARGS)

# The fault suite (not part of `make test`; its short version is tests/integration/test_chaos.py):
# CHAOS_ARGS="--reports 500 --rate 20" for a quick run.
chaos: venv sysdeps
	.venv/bin/python bench/chaos.py $(CHAOS_ARGS)

.PHONY: help venv sysdeps up down status lint test bench chaos
