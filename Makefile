# Vangnet — the two commands in the README are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
export VANGNET_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install install-dev lint typecheck check-migrations pytest e2e bench messages vendor-css clean audit loadtest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: install, migrate, load the demo organisation, run worker + scheduler + web on $(PORT)
demo: install
	@PORT=$(PORT) BIN=$(BIN) sh scripts/demo.sh

## test: lint, type check, migrations check, the whole test suite (browser tests when Chromium exists)
test: install-dev lint typecheck check-migrations pytest

lint:
	$(BIN)/ruff check src tests scripts
	$(BIN)/lint-imports
	$(BIN)/djlint src/vangnet --lint --quiet

typecheck:
	$(BIN)/mypy

check-migrations:
	$(BIN)/vangnet makemigrations --check --dry-run --settings=vangnet.settings.test

pytest:
	@$(BIN)/pytest -q -p no:randomly; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here."; exit 1; fi; \
	exit $$status

## audit: known vulnerabilities in the installed dependencies (pip-audit against PyPI; CI runs it
## once, after the tests). Findings fail; an index that cannot be asked is reported as NOT AUDITED.
audit: install-dev
	$(BIN)/python scripts/dependency_audit.py

## bench: benchmarks with figures (not part of make test); the case list and the scale benchmark
## (1k vs 100k cases, paired runs, the ratio per page and job) and the survey benchmark (quickscan
## 500 vs 50,000 answers, pulse 500 teams × 12 over 2 and 24 waves) need PostgreSQL
bench: install-dev
	$(BIN)/python scripts/bench_reporting.py
	$(BIN)/python scripts/bench_reporting.py --database-url postgres://postgres@127.0.0.1:5432/vn_bench_reporting
	$(BIN)/python scripts/bench_cases.py
	$(BIN)/python scripts/bench_scale.py
	$(BIN)/python scripts/bench_surveys.py

## loadtest: 2 gunicorn + 2 workers on PostgreSQL and Redis, then the SQLite demo, under a crowd of
## reporters from many loopback addresses; prints throughput, p50/p95, errors, accepted vs stored
loadtest: install-dev
	$(BIN)/python scripts/loadtest.py $(LOADTEST_ARGS)

## messages: extract msgids into every catalogue and compile them (needs GNU gettext)
messages: install-dev
	$(BIN)/python scripts/messages.py

## vendor-css: refresh NL Design System CSS from the npm registry
vendor-css:
	sh scripts/vendor_css.sh

clean:
	rm -rf $(VENV) var
