# URBAN.KI Lernlabor — two commands on a fresh machine with Python 3 and pip:
#   make reports   set up .venv, run every use case on the embedded data, write reports/
#   make test      run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
WORKERS ?=

.PHONY: help setup reports test lab exercises data lint bench clean

help:
	@echo "make reports    - set up and execute all notebooks into reports/"
	@echo "make test       - run the test suite"
	@echo "make lab        - start JupyterLab on the notebooks"
	@echo "make exercises  - regenerate exercises/ from the notebooks"
	@echo "make data       - regenerate the synthetic datasets"
	@echo "make lint       - ruff and nbstripout checks"
	@echo "make bench      - run the benchmarks (not part of make test)"

setup: $(STAMP)

# uv (from PyPI) installs in seconds; plain pip is the fallback where uv is unavailable.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv \
	  && $(BIN)/uv pip install --quiet --python $(PY) -e ".[test]" \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $(STAMP)

reports: $(STAMP)
	$(BIN)/urbanki run --all --out reports --overwrite $(if $(WORKERS),--workers $(WORKERS),)

test: $(STAMP)
	$(BIN)/pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

exercises: $(STAMP)
	$(BIN)/urbanki exercises build

data: $(STAMP)
	@for g in datasets/*/generate.py; do echo "$$g"; $(PY) $$g || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/nbstripout --verify notebooks/*.ipynb notebooks/batch/*.ipynb exercises/*.ipynb

bench: $(STAMP)
	$(PY) benchmarks/run_benchmarks.py

clean:
	rm -rf reports .pytest_cache .ruff_cache
