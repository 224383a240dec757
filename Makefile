# Two commands for a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-neo4j bench lint clean install neo4j

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

# `make demo PORT=5077 HOST=0.0.0.0` serves elsewhere; the port is checked before anything is generated.
PORT ?= 5000
HOST ?= 127.0.0.1
demo: $(STAMP)
	$(BIN)/journey demo --port $(PORT) --host $(HOST)

test: $(STAMP)
	$(BIN)/python -m ruff check journey graph_loader web queries tests bench
	$(BIN)/python -m pytest

# The Neo4j tests against your own empty database: NEO4J_URI=bolt://… NEO4J_USER=… NEO4J_PASSWORD=…
test-neo4j: $(STAMP)
	@test -n "$$NEO4J_URI" || { echo "make: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) to an empty Neo4j 5 database"; exit 2; }
	JOURNEY_REQUIRE_NEO4J=1 $(BIN)/python -m pytest -m neo4j tests/graph_loader

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	@touch $(BENCH_STAMP)

# Writes bench/report.md and bench/report.json; BENCH_ARGS="--quick" tries it on small sizes,
# BENCH_ARGS="scale --sizes 1M" runs one module at one size.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check journey graph_loader web queries tests bench

# A local Neo4j 5 Community on bolt://127.0.0.1:7687, no auth, fresh database each
# start, in the foreground until Ctrl+C (see tools/neo4j/README.md).
neo4j:
	tools/neo4j/run

clean:
	rm -rf $(VENV) analysis demo-data journey-demo.db* test-artifacts .neo4j
