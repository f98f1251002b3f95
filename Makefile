# Two commands for a newcomer: `make train` (set up + main job on the seed) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION := 2.13.0
CONFIG ?= configs/seed.yaml
PIP_TORCH_ARGS ?=
# apt-get needs root: as root (CI, these machines) nothing is prefixed; otherwise sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Written once everything is installed, so that a failed install is retried next time.
INSTALLED := $(VENV)/.installed

.PHONY: setup data train test test-min lint bench clean browser

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# torch first and pinned, so that nothing later asks pip for a newer one. Where pip is
	# configured with a local CPU wheel (as on this project's machines) that is what it takes;
	# elsewhere pass an index for CPU wheels, e.g. make train PIP_TORCH_ARGS="--index-url <CPU wheel index>".
	$(BIN)/pip install $(PIP_TORCH_ARGS) torch==$(TORCH_VERSION)
	$(BIN)/pip install -e ".[encoder,dev]"
	touch $(INSTALLED)

setup: $(INSTALLED)

data: setup
	$(BIN)/python scripts/build_dataset.py --config $(CONFIG)

train: data
	$(BIN)/python scripts/train.py --config $(CONFIG)

# Headless Chromium for the article-view test (Debian's packages; the test fails under
# CI=true without it and skips elsewhere). Installed only where missing.
browser:
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; }

# ruff's lint rules and format check over the whole tree (pyproject.toml [tool.ruff]).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup browser lint
	$(BIN)/python -m pytest
	$(MAKE) test-min

# The declared dependency floors, installed exactly (scripts/min_constraints.py pins every
# `>=` of pyproject.toml), in an environment of their own; the fast tests run on them, so
# a floor in pyproject.toml cannot lie.
MIN_VENV := .venv-min
test-min: setup browser
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/pip install -q --upgrade pip
	$(MIN_VENV)/bin/pip install -q $(PIP_TORCH_ARGS) torch==$(TORCH_VERSION)
	$(BIN)/python scripts/min_constraints.py --extras encoder,dev > $(MIN_VENV)/constraints.txt
	$(MIN_VENV)/bin/pip install -q -c $(MIN_VENV)/constraints.txt -e ".[encoder,dev]"
	$(MIN_VENV)/bin/python -m pytest -q -m "not slow" -p no:cacheprovider

bench: setup
	$(BIN)/python benchmarks/bench_train.py --config configs/full.yaml
	$(BIN)/python benchmarks/bench_inference.py

clean:
	rm -rf data/processed data/cache
