# Two entry points for a new machine: `make run` and `make test`.
# Each creates the virtual environment it needs on first use.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint

$(BIN)/kuopio-graph: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/kuopio-graph
	$(BIN)/kuopio-graph serve

lint: $(BIN)/kuopio-graph
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest
