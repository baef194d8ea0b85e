# Two entry points (see README):
#   make lab   - install everything into .venv and open JupyterLab on the course
#   make test  - install everything into .venv and run all tests
#   make test-fast - the unit tests without the slow ones (a contributor's inner loop)
# Each phase prints how long it took.

# The Python that builds .venv: python3.11 where it runs (CI, and the machines whose
# local wheel folder has the CPU torch wheel for it), otherwise the newest of
# python3.13, python3.12 and python3.10 that runs. `make lab PYTHON=/path/to/python` wins.
PYTHON_CANDIDATES := python3.11 python3.13 python3.12 python3.10
PYTHON ?= $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c "" >/dev/null 2>&1 && echo $(p))))
VENV   := .venv
BIN    := $(VENV)/bin
# Pinned here (and in environment.yml) so that every local install gets the same torch.
# pyproject.toml only asks for a range, which Colab's preinstalled torch meets.
TORCH  := torch==2.13.0
# Off by default. On Linux the public index's torch is the CUDA build (several GB);
# `make lab TORCH_INDEX=https://download.pytorch.org/whl/cpu` takes the CPU-only wheel instead.
TORCH_INDEX ?=

.PHONY: setup lab test test-fast exercises bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	$(if $(PYTHON),,$(error No Python found: none of $(PYTHON_CANDIDATES) runs here. \
	    Install one of them, or name yours: make $(or $(MAKECMDGOALS),setup) PYTHON=/path/to/python3))
	@start=$$(date +%s); \
	echo "[setup] $$($(PYTHON) --version) ($(PYTHON)), $(TORCH)$(if $(TORCH_INDEX), from $(TORCH_INDEX))"; \
	$(PYTHON) -m venv $(VENV) && \
	$(BIN)/pip install --quiet --upgrade pip && \
	$(BIN)/pip install --quiet $(TORCH)$(if $(TORCH_INDEX), --index-url $(TORCH_INDEX)) && \
	$(BIN)/pip install --quiet -e '.[lab,dev]' && \
	mkdir -p $(VENV)/share/jupyter/lab/settings && \
	echo '$(LAB_SETTINGS)' > $(VENV)/share/jupyter/lab/settings/overrides.json && \
	echo "[setup] installed in $$(( $$(date +%s) - start )) s"
	@touch $@

# JupyterLab shows Markdown files rendered, so README.md opens as the course map, with
# lessons, exercises and solutions one click away (the server runs at the repository root).
LAB_SETTINGS := {"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}}}

lab: setup
	$(BIN)/jupyter lab README.md

test: setup
	@start=$$(date +%s); \
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	echo "[test] ran in $$(( $$(date +%s) - start )) s"; exit $$status

# The contributors' inner loop: unit tests without the whole-corpus round trip, the notebook
# runs and the other tests marked slow (tests/conftest.py lists them). `make test` runs everything.
test-fast: setup
	@start=$$(date +%s); \
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS); status=$$?; \
	echo "[test-fast] ran in $$(( $$(date +%s) - start )) s"; exit $$status

exercises: setup
	$(BIN)/python -m helpers build-exercises

bench: setup
	$(BIN)/python benchmarks/playback.py

clean:
	rm -rf $(VENV)
