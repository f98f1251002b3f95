# Two commands for a newcomer: `make train` (set up + main job on the seed) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION := 2.13.0
CONFIG ?= configs/seed.yaml

.PHONY: setup data train test bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# torch first and pinned: any later `torch` requirement is then already satisfied.
	$(BIN)/pip install torch==$(TORCH_VERSION)
	$(BIN)/pip install -e ".[encoder,dev]"

setup: $(BIN)/activate

data: setup
	$(BIN)/python scripts/build_dataset.py --config $(CONFIG)

train: data
	$(BIN)/python scripts/train.py --config $(CONFIG)

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf data/processed
