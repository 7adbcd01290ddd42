# xxgk — every target installs what it needs first, so a fresh clone works with one command.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: install chromium demo test lint bench clean

install: $(VENV)/.installed chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Debian's Chromium (never `playwright install`): used for browser rendering, screenshots and PDF.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian chromium and CJK fonts"; \
	  ($(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
	  || echo "warning: could not install chromium; browser features will be unavailable"; \
	fi

demo: install
	$(VENV)/bin/xxgk demo

test: install
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/crawl.py

clean:
	rm -rf .xxgk out .pytest_cache
