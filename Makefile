# Orienta — `make help` lists the targets.
.DEFAULT_GOAL := help
VENV := .venv/bin

.PHONY: help start chat setup train test test-fast lint format typecheck catalogs eval score bench bench-web clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

start: setup ## set everything up and start Orienta (web chat on :8080, channels with credentials)
	$(VENV)/orienta run

chat: setup ## set everything up and chat with Orienta in the terminal
	$(VENV)/orienta chat --debug

setup: ## create .venv, install pinned dependencies, compile catalogs, train if needed
	scripts/setup.sh

train: ## train the model (only if its inputs changed)
	$(VENV)/orienta train

test: setup ## lint, type-check and run all the tests (set up first)
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	$(VENV)/pytest

test-fast: ## run the tests that do not train or serve a model
	$(VENV)/pytest -m "not slow"

lint: ## ruff lint and format check
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

format: ## ruff format and autofix
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

typecheck: ## mypy
	$(VENV)/mypy

catalogs: ## compile locales/*/LC_MESSAGES/messages.po to .mo
	$(VENV)/python -c "from orienta.i18n import compile_catalogs; print(*compile_catalogs(), sep='\n')"

eval: ## evaluate on the held-out set (eval/heldout), report in reports/
	$(VENV)/orienta eval

score: ## score the shared sample with ../shared/eval/score.py
	mkdir -p reports
	$(VENV)/orienta ask --jsonl < ../shared/eval/sample.jsonl > reports/sample-pred.jsonl
	$(VENV)/python ../shared/eval/score.py ../shared/eval/sample.jsonl reports/sample-pred.jsonl

bench: ## time and memory of `orienta ask --jsonl` on 250 questions
	$(VENV)/python scripts/bench.py

bench-web: ## latency and memory of `orienta run`: 200 web chat questions from 10 users at once
	$(VENV)/python scripts/bench_web.py

clean: ## remove models, compiled catalogs and reports
	rm -rf models reports locales/*/LC_MESSAGES/*.mo
