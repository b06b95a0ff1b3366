# certpass: two commands on a fresh machine.
#   make demo   creates .venv, installs, builds ./certpass.db with the demo data, serves :8000
#   make test   creates .venv if missing, installs what tests need, runs every test
# The page catalogues (README, "Languages"):
#   make messages          the keys into messages.pot, then every language's .po updated
#   make compile-messages  the .po compiled to .mo (the install does it too)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
LOCALES := certpass/web/locales

.PHONY: demo test lint fuzz bench serve clean messages compile-messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change.
.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

.stamp-install-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch .stamp-install $@

# The demo database is rebuilt only when the demo data or the schema changed.
certpass.db: .stamp-install $(wildcard certpass/demo/data/*.json certpass/demo/*.py certpass/registry/data/*.json certpass/store/migrations/versions/*.py)
	rm -f certpass.db certpass.db-wal certpass.db-shm
	$(BIN)/certpass --database sqlite:///certpass.db init --demo

demo: certpass.db
	$(BIN)/certpass --database sqlite:///certpass.db serve --host $(HOST) --port $(PORT)

test: .stamp-install-test
	@bash scripts/test-prerequisites.sh
	$(BIN)/ruff check certpass tests bench
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy certpass
	$(BIN)/pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

lint: .stamp-install-test
	$(BIN)/ruff check certpass tests bench
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy certpass

# The long Schemathesis run (the short one is part of `make test`).
fuzz: .stamp-install-test
	CERTPASS_FUZZ_EXAMPLES=200 $(BIN)/pytest -p no:cacheprovider tests/web/test_fuzz.py tests/web/test_fuzz_stateful.py -q

bench: .stamp-install
	@bash scripts/bench-prerequisites.sh
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# messages.pot = en.po's keys (the list of record: keys built at run time stay) + the keys the
# templates and code use (babel.cfg), with "#. en:" comments; then each .po gains the new keys
# and the current English comments. Symbolic keys: never fuzzy-matched to a near name.
messages: .stamp-install
	$(BIN)/python -m certpass.web.i18n_extract
	$(BIN)/pybabel update --no-fuzzy-matching -D messages -i $(LOCALES)/messages.pot -d $(LOCALES)

compile-messages: .stamp-install
	$(BIN)/pybabel compile --statistics -D messages -d $(LOCALES)

clean:
	rm -rf $(VENV) .stamp-* certpass.db certpass.db-wal certpass.db-shm certpass.db.secret certpass.db.*.lock
	rm -f $(LOCALES)/*/LC_MESSAGES/*.mo
