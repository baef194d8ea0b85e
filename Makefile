# Two entry points (see README):
#   make lab   - install everything into .venv and open JupyterLab on the course
#   make test  - install everything into .venv and run all tests
# Each phase prints how long it took.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# Pinned here (and in environment.yml) so pip takes the CPU wheel instead of a
# multi-GB CUDA build. pyproject.toml only asks for a range, which Colab meets.
TORCH  := torch==2.13.0

.PHONY: setup lab test exercises check-exercises readme bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	@start=$$(date +%s); \
	$(PYTHON) -m venv $(VENV) && \
	$(BIN)/pip install --quiet --upgrade pip && \
	$(BIN)/pip install --quiet $(TORCH) && \
	$(BIN)/pip install --quiet -e '.[lab,dev]' && \
	echo "[setup] installed in $$(( $$(date +%s) - start )) s"
	@touch $@

lab: setup
	$(BIN)/jupyter lab notebooks/

test: setup
	@start=$$(date +%s); \
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	echo "[test] ran in $$(( $$(date +%s) - start )) s"; exit $$status

exercises: setup
	$(BIN)/python -m helpers build-exercises

bench: setup
	$(BIN)/python benchmarks/playback.py

clean:
	rm -rf $(VENV)
