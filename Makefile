# Jiwar: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every check.
VENV   := .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := wsgi.py
TRANSLATIONS := app/translations

.PHONY: install run test translations translations-compile bench bench-cluster browser nginx clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

translations-compile: install
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) 2>&1 | grep -v "^compiling" || true

# Extract every string, merge it into the catalogs, compile them. Babel skips folders starting with
# "_" unless told otherwise, and templates/_macros/ holds strings too.
BABEL_IGNORE := .* __pycache__ instance node_modules
translations: install
	$(BIN)/pybabel extract --no-location --sort-output --ignore-dirs="$(BABEL_IGNORE)" -F babel.cfg -k _l \
	  -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(MAKE) translations-compile

run: install translations-compile
	$(BIN)/flask db upgrade
	$(BIN)/flask jiwar seed-demo
	@echo "Jiwar is on http://127.0.0.1:5000, with one message worker beside it (Ctrl-C stops both)"
	@$(BIN)/flask jiwar worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn --workers 2 --bind 127.0.0.1:5000 --access-logfile - \
	    --logger-class app.core.access_log.AccessLog wsgi:app

# Browser tests drive Debian's Chromium; install it when missing (never a downloaded browser).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium and fonts from Debian (needs root)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-dejavu-core fonts-noto-core >/dev/null) || \
	  { echo "Could not install chromium: run 'apt-get install chromium fonts-dejavu-core fonts-noto-core' as root"; exit 1; }; }

# nginx from Debian for tests/cluster and `make bench-cluster`: they run it with a prefix and config of
# their own (deploy/nginx.conf), never as the system service.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  echo "Installing nginx-light from Debian (needs root)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null) || \
	  { echo "Could not install nginx: run 'apt-get install nginx-light' as root"; exit 1; }; }

# SQLite always; PostgreSQL as well when TEST_DATABASE_URL is set (with tests/cluster: nginx + 2 gunicorns).
# The two suites run side by side, one per core (each has its own database and upload folder):
# PostgreSQL's report is printed after SQLite's, and either one failing fails the target.
test: install translations-compile browser nginx
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@if [ -z "$$TEST_DATABASE_URL" ]; then exec $(BIN)/python -m pytest; fi; \
	  mkdir -p instance; log=instance/pytest-postgresql.log; \
	  echo "== SQLite here, and the same suite on PostgreSQL ($$TEST_DATABASE_URL) beside it: $$log"; \
	  JIWAR_TEST_DB="$$TEST_DATABASE_URL" $(BIN)/python -m pytest > $$log 2>&1 & postgresql=$$!; \
	  trap 'kill $$postgresql 2>/dev/null' INT TERM; \
	  $(BIN)/python -m pytest; sqlite=$$?; \
	  wait $$postgresql; postgresql=$$?; \
	  echo "== the same suite on PostgreSQL ($$TEST_DATABASE_URL)"; cat $$log; \
	  echo "== exit status: SQLite $$sqlite, PostgreSQL $$postgresql"; \
	  [ $$sqlite -eq 0 ] && [ $$postgresql -eq 0 ]

# Benchmarks, never part of `make test`: BENCH_SCALE=small for the quick data set.
bench: install translations-compile
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.soak
	$(BIN)/python -m bench.door_rush
	$(BIN)/python -m bench.messages
	$(BIN)/python -m bench.reminders

# nginx in front of one and two app servers on PostgreSQL: soak, failover, registration rush (bench/CLUSTER.md).
bench-cluster: install translations-compile nginx
	$(BIN)/python -m bench.cluster

clean:
	rm -rf $(VENV) instance
