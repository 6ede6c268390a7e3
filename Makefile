# sourcebias: `make report` builds the environment and runs the suite on a batch;
# `make test` runs the linter and every test, the notebooks included.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BATCH  ?= data/batches/seed
NAME   := $(notdir $(abspath $(BATCH)))
OUT    ?= reports/$(NAME)

.PHONY: report analyze test lint lab bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

report: $(STAMP)
	$(BIN)/sourcebias report $(BATCH) --out $(OUT)

analyze: $(STAMP)
	$(BIN)/sourcebias analyze $(BATCH) --out $(OUT)/tables

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf reports .pytest_cache .ruff_cache
