# Two entry points for a new machine: `make run` and `make test`.
# Each creates the virtual environment it needs on first use; `make test` also installs what
# the browser, deployment and remote-store tests need: axe-core from the npm registry, and
# Debian's Chromium, nginx and Virtuoso Open Source 7.
VENV ?= .venv
BIN := $(VENV)/bin
NODE_PACKAGES := node_modules/.package-lock.json
CHROMIUM ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx
VIRTUOSO ?= /usr/bin/virtuoso-t
EDITOR_FILES := node_modules/@zazuko/yasqe/build/yasqe.min.js node_modules/@zazuko/yasqe/build/yasqe.min.css
ATLAS_FILES := node_modules/world-atlas/countries-110m.json node_modules/world-atlas/LICENSE

.PHONY: run test lint vendor favicon

$(BIN)/kuopio-graph: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_PACKAGES): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Install Debian's package $(1) with apt-get, as root or through sudo; elsewhere, name the
# program with $(2)=/path/to/it.
define apt_install
	@command -v apt-get >/dev/null || { echo "install $(1), or name it: make test $(2)=/path/to/$(1)"; exit 1; }
	sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	install="env DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends $(1)"; \
	$$sudo $$install || { $$sudo apt-get update && $$sudo $$install; }
endef

$(CHROMIUM):
	$(call apt_install,chromium,CHROMIUM)

$(NGINX):
	$(call apt_install,nginx,NGINX)

# Left with no dba password, Debian's package keeps its own server disabled; the tests start
# theirs with a database, ports and a user of their own.
$(VIRTUOSO):
	$(call apt_install,virtuoso-opensource,VIRTUOSO)

run: $(BIN)/kuopio-graph
	$(BIN)/kuopio-graph serve

lint: $(BIN)/kuopio-graph
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint $(NODE_PACKAGES) $(CHROMIUM) $(NGINX) $(VIRTUOSO)
	CHROMIUM=$(CHROMIUM) NGINX=$(NGINX) VIRTUOSO=$(VIRTUOSO) $(BIN)/pytest

# Copy the query editor and the maps' countries (Natural Earth's, as world-atlas packs them) from
# the locked npm packages into the app's static files (committed, so the app needs no Node.js to
# run); run after changing a version in package.json.
vendor: $(NODE_PACKAGES)
	mkdir -p webapp/static/vendor/yasqe webapp/static/vendor/world-atlas
	cp $(EDITOR_FILES) webapp/static/vendor/yasqe/
	cp $(ATLAS_FILES) webapp/static/vendor/world-atlas/

# Render the site's icon (webapp/static/favicon.svg) into favicon.ico beside it, with Chromium;
# run after changing the drawing.
favicon: $(BIN)/kuopio-graph $(CHROMIUM)
	CHROMIUM=$(CHROMIUM) $(BIN)/python scripts/favicon.py
