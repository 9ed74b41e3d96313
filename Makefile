# OneVoice — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= demo-store
WEB    ?= demo-web
SHARED ?= $(or $(ONEVOICE_SHARED),../shared)
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_FILES := $(sort $(filter-out %ground_truth.json,$(wildcard demo/data/*)))

.PHONY: demo demo-web test lint typecheck unit bench demo-data clean browser-deps messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# axe-core for the accessibility checks in the browser tests (package-lock.json pins it)
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## demo: set up, build the demo store from the bundled demo data, and summarise it
demo: $(VENV)/.installed
	rm -rf $(STORE)
	$(BIN)/onevoice ingest --store $(STORE) $(DEMO_FILES)
	@echo
	$(BIN)/onevoice info --store $(STORE)
	@echo
	$(BIN)/onevoice query --store $(STORE) "SELECT unnest(hashtags) AS hashtag, count(*) AS posts FROM posts GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5"
	@echo
	$(BIN)/onevoice detect --store $(STORE) --kind co-link --kind co-repost --kind co-hashtag --kind co-text --min-weight co-hashtag=3 --out $(STORE)/detect
	@echo
	$(BIN)/onevoice factchecks import --store $(STORE) src/onevoice/claims/data/factchecks.jsonld
	$(BIN)/onevoice claims match --store $(STORE) --progress
	$(BIN)/onevoice query --store $(STORE) "SELECT f.rating, left(f.claim, 70) AS claim, count(*) AS posts FROM matches m JOIN factchecks f USING (factcheck_id) WHERE m.rank = 1 GROUP BY ALL ORDER BY posts DESC LIMIT 8"
	@echo
	$(BIN)/onevoice claims narratives --store $(STORE) --window all --min-size 20
	@echo
	$(BIN)/onevoice alerts --store $(STORE) --top 15
	@echo
	@echo "The demo store is in $(abspath $(STORE)); try: $(BIN)/onevoice query --store $(STORE) \"SELECT * FROM networks\""
	@echo "The coordination report: file://$(abspath $(STORE))/detect/report.html"
	@echo "Fact-check matches to review: $(abspath $(STORE))/matches.csv (onevoice claims review …)"
	@echo
	$(MAKE) --no-print-directory demo-web

## demo-web: the web application on the demo store, with DISARM loaded and one account per role
demo-web: $(VENV)/.installed
	rm -rf $(WEB)
	$(BIN)/onevoice disarm load --data $(WEB) $(SHARED)/data/disarm/
	$(BIN)/onevoice hub demo --data $(WEB)
	@$(BIN)/onevoice users demo --data $(WEB) > $(WEB)/demo-accounts.tsv
	@echo
	@echo "Demo accounts (username = role; also in $(abspath $(WEB))/demo-accounts.tsv):"
	@awk -F'\t' '{ printf "  %-14s %s\n", $$1, $$2 }' $(WEB)/demo-accounts.tsv
	@echo
	@echo "Open http://$(HOST):$(PORT)/ and log in; the public G20 hub is at http://$(HOST):$(PORT)/hub/ (Ctrl-C stops the server)."
	$(BIN)/onevoice serve --host $(HOST) --port $(PORT) --store $(STORE) --data $(WEB)

## test: lint, type-check and run the whole suite
test: lint typecheck unit

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.installed
	$(BIN)/mypy

unit: $(VENV)/.installed node_modules/.installed
	$(BIN)/pytest -q

## bench: ingest throughput against the QUT toolkit (1M posts; BENCH_POSTS to change)
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/ingest.py --posts $(or $(BENCH_POSTS),1000000)

## demo-data: regenerate the bundled demo data (deterministic)
demo-data: $(VENV)/.installed
	$(BIN)/onevoice demo-data demo/data

## messages: refresh the hub's interface catalogues (.po) from its templates and code, then
## compile them (.mo, committed); needs GNU gettext. New strings come out empty: translate them.
HUB_LOCALES := fr de it es pt ru zh_Hans ja ko ar hi id tr
messages: $(VENV)/.installed
	cd src/onevoice/hub && $(abspath $(BIN))/django-admin makemessages --no-location --no-wrap \
		--no-obsolete --ignore 'templates/wagtailadmin/*' $(addprefix -l ,$(HUB_LOCALES))
	cd src/onevoice/hub && $(abspath $(BIN))/django-admin compilemessages $(addprefix -l ,$(HUB_LOCALES))

## browser-deps: Debian's chromium and the fonts of the G20 scripts (CJK, Devanagari, Arabic)
## for the browser tests (CI runs it before make test)
browser-deps:
	bash .ci/browser-deps

clean:
	rm -rf $(STORE) $(WEB) .pytest_cache .mypy_cache .ruff_cache .hypothesis
