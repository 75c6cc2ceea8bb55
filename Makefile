# kamlab: two commands for a newcomer
#   make lab    create .venv if missing, install kamlab and the course, open JupyterLab on notebooks/
#   make test   create .venv if missing, run every test (unit, doctests, nbval on every notebook, browser)
#   (make test-min: the unit tests again with the lowest dependency versions pyproject.toml declares)
#   (make student: the student edition under build/student/, the notebooks without their solutions)
# Both are idempotent: the install runs again only when pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kamlab-installed
PIP    := $(BIN)/python -m pip
# Public datasets: tests and CI read the shared copies (no internet there); elsewhere kamlab downloads them.
SHARED_DATASETS := $(abspath ../shared/datasets)
TEST_DATA := $(if $(wildcard $(SHARED_DATASETS)),KAMLAB_DATA=$(SHARED_DATASETS),)
# tests, notebooks and CI: the datasets above, and one OpenMP/BLAS thread (reproducible numbers; a loaded
# 2-core machine does not stall). A KAMLAB_DATA or KAMLAB_THREADS set by the caller wins.
TEST_ENV := $(if $(KAMLAB_DATA),,$(TEST_DATA)) KAMLAB_THREADS=$(or $(KAMLAB_THREADS),1)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=

.PHONY: lab test test-min venv unit notebooks browser check bench case execute clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[lab,test]'
	@touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	cd notebooks && ../$(BIN)/jupyter lab 00_start_here.ipynb $(ROOT_FLAG)

test: $(STAMP)
	@mkdir -p .tmp
	$(TEST_ENV) $(BIN)/python -m pytest kamlab tests notebooks --basetemp=.tmp/pytest --durations=15 $(PYTEST_ARGS)

# the unit tests and doctests in a second venv with the lowest versions pyproject.toml declares for kamlab's
# dependencies (pinned by .ci/min_versions.py; the test tools are recent): the declared minimums must work
MIN_VENV  := .venv-min
MIN_STAMP := $(MIN_VENV)/.kamlab-installed
MIN_PIP   := $(MIN_VENV)/bin/python -m pip
MIN_TOOLS := 'pytest>=8.0' 'hypothesis>=6.100' 'nbformat>=5.10' 'pyyaml>=6.0' 'setuptools>=77' 'import-linter>=2.1'

$(MIN_STAMP): pyproject.toml .ci/min_versions.py
	@test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_PIP) install --quiet --upgrade pip
	$(PYTHON) .ci/min_versions.py > $(MIN_VENV)/min-requirements.txt
	$(MIN_PIP) install --quiet -r $(MIN_VENV)/min-requirements.txt $(MIN_TOOLS)
	$(MIN_PIP) install --quiet --no-deps --no-build-isolation -e .
	$(MIN_PIP) check
	@touch $@

test-min: $(MIN_STAMP)
	@mkdir -p .tmp
	$(TEST_ENV) $(MIN_VENV)/bin/python -m pytest kamlab tests -m "not browser and not slow" -p no:nbval \
		-o addopts="-ra --doctest-modules" --basetemp=.tmp/pytest-min $(PYTEST_ARGS) \
		--ignore=tests/test_notebook_numbers.py
# (the numbers quoted in the notebooks are those of the newest versions the notebooks run on, like nbval's outputs)

# parts of the suite
unit: $(STAMP)
	@mkdir -p .tmp
	$(TEST_ENV) $(BIN)/python -m pytest kamlab tests -m "not browser" --basetemp=.tmp/pytest

notebooks: $(STAMP)
	@mkdir -p .tmp
	$(TEST_ENV) $(BIN)/python -m pytest notebooks --basetemp=.tmp/pytest

browser: $(STAMP)
	@mkdir -p .tmp
	$(TEST_ENV) $(BIN)/python -m pytest tests -m browser --basetemp=.tmp/pytest

# re-execute every notebook in place and store its outputs (after changing a notebook or kamlab)
execute: $(STAMP)
	$(TEST_ENV) $(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

check: $(STAMP)
	$(BIN)/ruff check kamlab tests benchmarks tools
	$(BIN)/lint-imports
	python3 ../shared/tools/nbcheck.py notebooks

# benchmarks print ratios against a baseline or peer measured in the same run; bench_clv needs the
# archived peer `lifetimes` (installed here only for the benchmark, never a kamlab dependency)
bench: $(STAMP)
	$(TEST_DATA) $(BIN)/python benchmarks/bench_accounts.py
	$(TEST_DATA) $(BIN)/python benchmarks/bench_segment.py
	$(BIN)/python benchmarks/bench_readers.py
	$(TEST_DATA) KAMLAB_THREADS=1 $(BIN)/python benchmarks/bench_sensitivity.py
	$(TEST_DATA) KAMLAB_THREADS=1 $(BIN)/python benchmarks/bench_widgets.py
	$(PIP) install --quiet lifetimes==0.11.3
	$(TEST_DATA) $(BIN)/python benchmarks/bench_clv.py
	$(BIN)/python benchmarks/bench_engines.py

# regenerate the case company under datasets/case (changes its numbers: re-run `make execute` after)
case: $(STAMP)
	$(BIN)/python -m kamlab.data.casegen datasets/case

clean:
	rm -rf .tmp .pytest_cache build *.egg-info

# the KAM dashboard without code (Voilà, code hidden) on http://127.0.0.1:$(DASHBOARD_PORT): the case company,
# or the client's export uploaded (up to DASHBOARD_UPLOAD_MB: the server's websocket message limit; the page
# says what to do with a bigger file). DASHBOARD_ARGS: further voila options (the browser test adds a token).
DASHBOARD_PORT      ?= 8866
DASHBOARD_UPLOAD_MB ?= 100
DASHBOARD_ARGS      ?=
.PHONY: dashboard
dashboard: $(STAMP)
	KAMLAB_UPLOAD_LIMIT_MB=$(DASHBOARD_UPLOAD_MB) $(BIN)/voila dashboards/kam_dashboard.ipynb --no-browser \
		--Voila.ip=127.0.0.1 --port=$(DASHBOARD_PORT) --strip_sources=True \
		'--Voila.tornado_settings={"websocket_max_message_size": '$$(($(DASHBOARD_UPLOAD_MB) * 1048576))'}' \
		$(DASHBOARD_ARGS)

# a classroom without internet: fetch every public dataset once into the data home (KAMLAB_DATA, else
# ~/kamlab_data), verified; copy that folder to a USB stick or shared drive and set KAMLAB_DATA to the copy
.PHONY: data
data: $(STAMP)
	$(BIN)/python -m kamlab.data.datasets

# the student edition (a build output, not committed): every notebook without the cells tagged `solution`, the
# exercises' answer cells empty, under build/student/notebooks with the example exports beside; its first cell
# switches kamlab to the student edition, where ex.qN.solution() says the solution is with the trainer
.PHONY: student
student: $(STAMP)
	$(BIN)/python tools/build_student.py notebooks build/student
