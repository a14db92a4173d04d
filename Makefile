# Two commands a new user needs: `make report` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# `make report` publishes the last legacy period (the district of data/baocao.yml) and the first period after the
# 2025 reorganisation (province and new communes); `make report PERIODS=2023` for others.
PERIODS ?= 2024 2025
STAMP  := $(VENV)/.installed

.PHONY: report test test-all lab lock clean-venv

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name baocao --display-name "Báo cáo trẻ em (baocao)" >/dev/null
	touch $(STAMP)

report: $(STAMP)
	@for period in $(PERIODS); do $(BIN)/baocao run --period $$period || exit $$?; done

# `make test`: everything but the tests marked slow (extra whole runs, stress cases), on 2 processes,
# with the ten slowest tests printed. `make test-all`: every test; what CI runs.
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "not slow"

test-all: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Refresh the lock from the top-level list in pyproject.toml (needs the package registry).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[test]' setuptools wheel
	( head -2 requirements.lock; .lock-venv/bin/pip freeze --exclude baocao-treem | sort -f ) > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean-venv:
	rm -rf $(VENV)
