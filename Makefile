# The two commands of the README. Both install what they need first.
SHELL := /bin/bash
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
	$(UV) run --frozen python benchmarks/service.py --cases 10000
	$(UV) run --frozen python benchmarks/judgment.py --cases 300
	$(UV) run --frozen python benchmarks/enforcement.py --cases 10000
	$(UV) run --frozen python benchmarks/metrics.py --cases 100000
	$(UV) run --frozen python benchmarks/scale.py --cases 500
