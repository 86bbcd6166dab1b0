# Two commands do everything on a fresh machine:
#   make run    build the demo in the default SQLite file, print sign-in links, serve the web app
#   make lab    the same notebooks in JupyterLab, for a coach's facilitated session
#   make test   lint, type-check and run every test (PostgreSQL included when it can be started)
# Both create .venv and install what they need first.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
PORT ?= 8866
LAB_PORT ?= 8888

AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: install system-deps run lab test test-fast lint bench soak clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# Debian packages the tests use: a PostgreSQL server (for the store's PostgreSQL tests)
# Chromium (for the browser tests; Playwright drives /usr/bin/chromium and never
# downloads a browser), and poppler-utils (pdftotext/pdftoppm, to check exported PDFs).
# Installed only when missing, and only when we are root (as in
# CI); otherwise the tests that need them say they were skipped and why.
system-deps:
	@need=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	test -x /usr/bin/chromium || need="$$need chromium"; \
	command -v pdftotext >/dev/null || need="$$need poppler-utils"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages for the tests:$$need"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	  else echo "note: missing$$need; the tests that need them will be skipped"; fi; \
	fi

# axe-core from the npm registry, pinned by tests/browser/package-lock.json: the browser
# tests inject it into every page to check accessibility (tests/browser/a11y.py).
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $(AXE)

run: install
	$(BIN)/pmw demo --if-empty
	@echo "Sign-in links for the demo people (open one in a browser):"
	@$(BIN)/pmw invite --all --url http://127.0.0.1:$(PORT)
	$(BIN)/pmw serve --port $(PORT)

# The coach's facilitated session in JupyterLab, on the same database.
# JupyterLab on a working copy of the notebooks, outside the repository (docs/lab.md).
lab: install
	$(BIN)/pmw demo --if-empty
	$(BIN)/pmw lab --port $(LAB_PORT) $(LAB_ARGS)

lint: install
	$(BIN)/ruff check pmwidgets tests scripts bench
	$(BIN)/ruff format --check pmwidgets tests scripts bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: install system-deps $(AXE) lint
	@mkdir -p .ci; status=0; $(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
	  echo $$status > .ci/last-pytest-status; \
	  if [ $$status = 5 ]; then echo "pytest collected no tests (exit status 5)"; fi; \
	  exit $$status

# Everything but the browser, PostgreSQL and soak suites: the quick loop while working.
test-fast: install lint
	$(BIN)/python -m pytest -n 2 --dist worksteal --ignore=tests/browser -m "not postgres and not reliability" $(PYTEST_ARGS)

# Benchmarks, apart from the tests: writes docs/performance.md (see that file).
bench: install system-deps
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The reliability suite at full size: writes docs/reliability.md.
soak: install system-deps
	@rm -rf .soak && mkdir -p .soak
	@status=0; PMW_SOAK=1 PMW_FIGURES_DIR=$(CURDIR)/.soak $(BIN)/python -m pytest -m reliability \
	  --junitxml=$(CURDIR)/.soak/junit.xml $(PYTEST_ARGS) || status=$$?; \
	  $(BIN)/python -m bench.soak_report .soak docs/reliability.md; exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .hypothesis .soak
