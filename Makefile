# The two commands of the README. Both install what they need first, so they work on a fresh machine.
PYTHON ?= python3
PORT ?= 8501

.PHONY: app test setup setup-test lint bench

app: setup
	$(PYTHON) -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

test: setup-test
	$(PYTHON) -m pytest

setup:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt

setup-test: setup
	bash scripts/install_browser.sh

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

bench: setup-test
	$(PYTHON) bench/bench_model.py
	$(PYTHON) bench/bench_page.py
	$(PYTHON) bench/bench_import.py
	$(PYTHON) bench/bench_scale.py
