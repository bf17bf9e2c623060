# The two commands of the README (make app, make test) and the helpers. Everything runs through the project's own
# virtual environment $(VENV), which scripts/ensure_venv.sh makes with "$(PYTHON) -m venv" and fills from
# requirements.txt the first time (and again only when requirements.txt or the Python version changes).
PYTHON ?= python3
VENV ?= .venv
PY = $(VENV)/bin/python
PORT ?= 8501
# make serve: the address to listen on, and the largest upload the server accepts (MB). 50 is the household
# table's own limit (model/households_io.py MAX_FILE_BYTES); the scenario uploader stops at 1 MB by itself.
HOST ?= 0.0.0.0
MAX_UPLOAD_MB ?= 50
STREAMLIT = $(PY) -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false
SCENARIO ?= scenarios/notice_2023.toml
SCENARIOS ?= scenarios/baseline.toml scenarios/policy_floor.toml scenarios/notice_2023.toml

.PHONY: app serve test venv browser lint bench run compare

# The page on this computer only: http://127.0.0.1:$(PORT)
app: venv
	$(STREAMLIT) --server.address 127.0.0.1

# The page for an intranet server (access control: docs/DEPLOY.md).
serve: venv
	$(STREAMLIT) --server.address $(HOST) --server.headless true --server.fileWatcherType none \
		--server.maxUploadSize $(MAX_UPLOAD_MB) --client.showErrorDetails none

test: venv browser
	$(PY) -m pytest

venv:
	@PYTHON="$(PYTHON)" VENV="$(VENV)" bash scripts/ensure_venv.sh

browser:
	@bash scripts/install_browser.sh

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: venv browser
	$(PY) bench/bench_model.py
	$(PY) bench/bench_page.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_scale.py
	$(PY) bench/bench_sensitivity.py

# The command line's two common uses (make run SCENARIO=... ARGS=--json); anything else: $(PY) -m model --help
run: venv
	$(PY) -m model run $(SCENARIO) $(ARGS)

compare: venv
	$(PY) -m model compare $(SCENARIOS)
