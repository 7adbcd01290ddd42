# xxgk — every target installs what it needs first, so a fresh clone works with one command.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: install chromium demo test lint bench clean faults

install: $(VENV)/.installed chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Debian packages (never Playwright's own browser download): Chromium for screenshots and PDF, its
# headless shell (same engine, half the memory) for rendering crawled pages;
# a CJK font for generated PDFs; PostgreSQL and Redis servers that tests start on 127.0.0.1.
# Installed only when missing.
DEBIAN_PACKAGES := chromium chromium-headless-shell fonts-wqy-microhei postgresql redis-server
chromium:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  ($(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "warning: could not install$$missing; browser and PDF features will be unavailable"; \
	fi

demo: install
	$(VENV)/bin/xxgk demo

test: install
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# Each benchmark prints its table and writes its own section of docs/benchmarks.md.
BENCHES ?= $(sort $(wildcard bench/*.py))
bench: install
	@for b in $(BENCHES); do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf .xxgk out .pytest_cache

# The whole fault-injection suite, slow faults (time-outs, slow drip) included; `make test` runs its fast subset.
faults: install
	XXGK_FAULTS_FULL=1 $(PY) -m pytest tests/faults -q $(PYTEST_ARGS)
