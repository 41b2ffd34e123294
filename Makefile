# Every target bootstraps .venv on first use: a fresh machine needs only Python, pip and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench dist clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,lint]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/vulture

# Days quarters and fiscal years turn on (and a leap day): the tests marked `calendar`
# run again with the clock pinned to each (db/foundations/clock.py).
PINNED_DAYS := 2026-12-31 2027-06-30 2027-07-01 2028-02-29

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	for day in $(PINNED_DAYS); do \
		echo "The calendar's tests, on $$day:"; \
		RABTA_PINNED_TODAY=$$day QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m calendar || exit 1; \
	done

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.perf.run_benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache

# The installer bundle: dist/rabta/ (one folder), checked with --self-test, and a tar.gz.
DIST_STAMP := $(VENV)/.dist-stamp

$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dist]"
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	rm -rf build/rabta dist/rabta
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build installer/rabta.spec
	cp installer/linux/rabta.desktop installer/linux/install.sh resources/icons/rabta-256.png dist/rabta/
	env -i HOME="$$HOME" PATH=/usr/bin:/bin dist/rabta/rabta --version
	env -i HOME="$$HOME" PATH=/usr/bin:/bin dist/rabta/rabta --self-test
	tar -C dist -czf dist/rabta-linux-x86_64.tar.gz rabta
	@du -sh dist/rabta dist/rabta-linux-x86_64.tar.gz
