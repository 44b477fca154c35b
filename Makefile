# The two commands of the README. Both install what they need first.
SHELL := /bin/bash
PY312 := $(shell command -v python3.12 2>/dev/null || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3.12 2>/dev/null | sort -V | tail -n 1)
export UV_PYTHON ?= $(PY312)
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: demo test lint bench

demo:
	scripts/bootstrap.sh
	$(UV) run --frozen jiefen demo --reset

test:
	scripts/bootstrap.sh test
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	$(UV) run --frozen pytest -q

bench:
	scripts/bootstrap.sh bench
	$(UV) run --frozen python benchmarks/intake.py
	$(UV) run --frozen python benchmarks/filing.py --cases 1000
