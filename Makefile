# Saathi: `make run` to chat with the bot, `make test` to run the suite. Both set up what is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The simulator chats as any number: serve this machine only, unless HOST says otherwise.
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app app
# The suite starts many Python processes (xdist workers, RQ workers, `flask` commands): let the
# first one write the bytecode the others then load, even where the environment says not to.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -p no:cacheprovider -q -n 2

.PHONY: run test test-fast setup worker lint bench catalogs diagrams clean

setup: $(VENV)/.installed catalogs

$(VENV)/.installed: requirements.txt requirements-nodeps.txt
	./scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	touch $@

catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile -d locales -D messages > /dev/null

# The demo programs' voice notes (minutes of speech synthesis on a first run) are made in the
# background while the service already answers: until a note exists, voice mode sends text.
VOICE_LOG ?= instance/voice-notes.log
run: setup
	$(FLASK) db upgrade
	$(FLASK) programs load-all --no-voice
	$(FLASK) users demo
	$(FLASK) vouchers demo
	@mkdir -p $(dir $(VOICE_LOG))
	@$(FLASK) programs voice > $(VOICE_LOG) 2>&1 &
	@echo "voice notes: being made in the background (a few minutes on a first run; $(VOICE_LOG))"
	$(FLASK) run --host $(HOST) --port $(PORT)

worker: setup
	$(FLASK) worker

test: setup
	./scripts/system-deps.sh services
	./scripts/test-services.sh
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(PYTEST) $(PYTEST_ARGS)

# The fast part, in well under a minute: SQLite only, no PostgreSQL or Redis needed; no OCR,
# browser, fault, property or other slow tests (markers: tests/conftest.py).
test-fast: setup
	$(PYTEST) -m "not slow and not postgres and not redis" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# docs/flows/<flow>.md: each flow's Mermaid diagram and table, generated from flows/<flow>.py.
diagrams: setup
	$(BIN)/python scripts/flow_diagrams.py

clean:
	rm -rf $(VENV) instance/*.db
