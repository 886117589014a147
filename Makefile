# Everything runs inside .venv, created on first use from the system python.
SHELL := /bin/bash
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
# mkdocs-material prints a banner about its successor on every build: not ours to act on here.
export NO_MKDOCS_2_WARNING ?= 1

.PHONY: help install lint data train serve test test-fast fuzz bench bench-worlds bench-answer bench-fit bench-scale bench-missing bench-dask bench-dice robustness docs data-docs notebook clean samples

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the project with its dev tools

data: $(STAMP)  ## Generate the synthetic training data (ROWS, SEED)
	$(BIN)/xieshang generate --rows $(ROWS) --seed $(SEED) --out $(DATA)

train: data  ## Generate data, train, write model/ and reports/ (ROWS, SEED)
	$(BIN)/xieshang train --data $(DATA) --seed $(SEED) --out model/ --reports reports/

HOST ?= 127.0.0.1
PORT ?= 8000
serve: $(STAMP)  ## Serve the what-if page and the JSON API on http://127.0.0.1:8000/ (HOST, PORT; trains a model first if there is none)
	@test -f model/approval.joblib || $(MAKE) train
	$(BIN)/xieshang serve --host $(HOST) --port $(PORT)

lint: $(STAMP)  ## ruff (lint) and mypy (types), configured in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/mypy

test: $(STAMP)  ## Run the test suite (the notebook and the docs' code blocks included)
	$(BIN)/python -m pytest tests --nbmake notebooks/

test-fast: $(STAMP)  ## The suite without the slow end-to-end tests (marked slow; under 2 minutes)
	$(BIN)/python -m pytest tests -m "not slow"

fuzz: $(STAMP)  ## 10,000 generated files (encodings, separators, types, indexes, headers) through check, predict and train
	$(BIN)/python scripts/fuzz_files.py --cases 10000

bench: $(STAMP)  ## Run the quick benchmarks (not bench_scale, bench_worlds, bench_explain_worlds, bench_calibration, bench_missing, bench_dask); keep figures in reports/bench/
	@mkdir -p reports/bench; set -o pipefail; \
	for b in bench/bench_*.py; do case $$b in bench/bench_scale.py|bench/bench_worlds.py|bench/bench_explain_worlds.py|bench/bench_calibration.py|bench/bench_missing.py|bench/bench_dask.py) continue;; esac; \
		echo "== $$b"; $(BIN)/python $$b | tee reports/bench/$$(basename $$b .py).txt || exit 1; done

bench-worlds: $(STAMP)  ## The project beside a plain baseline, EBM and LightGBM on every world of the zoo (installs the bench extra; ~60 min)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	@mkdir -p reports/bench; set -o pipefail; $(BIN)/python bench/bench_worlds.py | tee reports/bench/bench_worlds.txt

bench-answer: $(STAMP)  ## One-row predict_proba and explain on the default model of every world of the zoo (~10 min)
	@mkdir -p reports/bench; set -o pipefail; $(BIN)/python bench/bench_explain_worlds.py | tee reports/bench/bench_explain_worlds.txt

bench-fit: $(STAMP)  ## Fit time and peak memory at 50k, 200k and 1M rows (~10 min)
	@mkdir -p reports/bench; set -o pipefail; $(BIN)/python bench/bench_scale.py --fit-curve | tee reports/bench/bench_fit.txt

bench-scale: $(STAMP)  ## Train on 1M rows and score 5M rows: time and peak memory (~20 min)
	@mkdir -p reports/bench; set -o pipefail; $(BIN)/python bench/bench_scale.py | tee reports/bench/bench_scale.txt

bench-dask: $(STAMP)  ## Dask LocalCluster (2 workers) vs one process, train from a folder: PASS/FAIL per target (18 min at load 7-12; DASK_ARGS=--full: the issue's sizes)
	@mkdir -p reports/bench; set -o pipefail; $(BIN)/python bench/bench_dask.py $(DASK_ARGS) | tee reports/bench/bench_dask.txt

bench-missing: $(STAMP)  ## Blanks at random (10 %, 30 %) and by the applicant: loss to the oracle, calibration (~2 min)
	@mkdir -p reports/bench; set -o pipefail; $(BIN)/python bench/bench_missing.py | tee reports/bench/bench_missing.txt

samples: $(STAMP)  ## Re-write data/examples/messy_requests.csv and requests_zh_blanks.csv (fixed seeds)
	$(BIN)/python scripts/make_messy_sample.py

# dice-ml's metadata pulls xgboost, lightgbm (and a ~350 MB NVIDIA library) and raiutils' pulls
# requests and scipy: DiCE's model-agnostic methods on a scikit-learn-style model import none of
# them, so both go in without their dependencies; what they do import is the `bench` extra.
bench-dice: $(STAMP)  ## Compare explain side by side with DiCE (installs dice-ml, light; ~2 min)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m pip install --quiet --no-deps 'dice-ml==0.12' 'raiutils==0.4.2'
	@mkdir -p reports/bench; set -o pipefail; \
	$(BIN)/python bench/bench_explain.py --dice | tee reports/bench/bench_dice.txt

robustness: $(STAMP)  ## Run the robustness suites and write reports/robustness.md
	$(BIN)/python scripts/robustness_report.py

data-docs: $(STAMP)  ## Re-render data/README.md (the data dictionary) from the contract and the generator
	$(BIN)/python -m xieshang.docs data/README.md

docs: data-docs  ## Build the documentation site into site/ (mkdocs --strict: a broken link or reference fails)
	$(BIN)/mkdocs build --strict --site-dir site

# Jupyter refuses to run as root unless told; root is the norm in containers and CI machines.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

notebook: $(STAMP)  ## Open Jupyter in the project's environment
	$(BIN)/python -m pip install --quiet -e ".[notebook]"
	$(BIN)/jupyter lab $(ALLOW_ROOT) notebooks/

clean:  ## Remove generated data, the built site and the environment (keeps model/ and reports/)
	rm -rf $(VENV) site data/raw/* data/processed/*
