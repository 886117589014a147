# Everything runs inside .venv, created on first use from the system python.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ROWS   ?= 40000
SEED   ?= 0
DATA   := data/raw/requests_seed$(SEED)_n$(ROWS).parquet
# One BLAS/OpenMP thread per process unless the user says otherwise: on 2 shared
# cores oversubscription is far slower (bench/bench_threads.py measures it).
export OMP_NUM_THREADS ?= 1
export MPLBACKEND ?= Agg

.PHONY: help install data train test bench bench-scale robustness docs notebook clean

help:  ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the project with its dev tools

data: $(STAMP)  ## Generate the synthetic training data (ROWS, SEED)
	$(BIN)/xieshang generate --rows $(ROWS) --seed $(SEED) --out $(DATA)

train: data  ## Generate data, train, write model/ and reports/ (ROWS, SEED)
	@if $(BIN)/xieshang --help | grep -q ' train '; then \
		$(BIN)/xieshang train --data $(DATA) --seed $(SEED) --out model/; \
	else echo "training is not implemented yet: data generated in $(DATA)"; fi

test: $(STAMP)  ## Run the test suite (and the notebook)
	$(BIN)/python -m pytest tests --nbmake notebooks/

bench: $(STAMP)  ## Run the benchmarks in bench/ (minutes; not bench_scale) and print their figures
	@for b in bench/bench_*.py; do [ $$b = bench/bench_scale.py ] && continue; \
		echo "== $$b"; $(BIN)/python $$b || exit 1; done

bench-scale: $(STAMP)  ## Train on 1M rows and score 5M rows: time and peak memory (~20 min)
	$(BIN)/python bench/bench_scale.py

robustness: $(STAMP)  ## Run the robustness suites and write reports/robustness.md
	$(BIN)/python scripts/robustness_report.py

docs: $(STAMP)  ## Re-render data/README.md from the contract and the generator
	$(BIN)/python -m xieshang.docs data/README.md

notebook: $(STAMP)  ## Open Jupyter in the project's environment
	$(BIN)/python -m pip install --quiet -e ".[notebook]"
	$(BIN)/jupyter lab notebooks/

clean:  ## Remove generated data and the environment (keeps model/ and reports/)
	rm -rf $(VENV) data/raw/* data/processed/*
