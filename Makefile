# The two commands: `make run` and `make test`. Everything installs into this checkout.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# `colab`: what Colab preinstalls (numpy, pandas, matplotlib, torch, TensorFlow, ...), which the
# runtimes see as their base environment. `make run EXTRAS=test` skips it (a much smaller install).
EXTRAS ?= colab,test
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json -type f 2>/dev/null)
APT_TEST_PACKAGES := bubblewrap slirp4netns chromium postgresql fonts-dejavu-core

.PHONY: run test lint install web run-deps test-deps runtime-env bench clean

run: install web run-deps runtime-env
	$(BIN)/nbcloud serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[$(EXTRAS)]'
	touch $@

web: nbcloud/static/index.html

nbcloud/static/index.html: web/package-lock.json $(WEB_SOURCES)
	cd web && npm ci --no-audit --no-fund && npm run build
	touch $@

# The Python that runtimes run: Colab's preinstalled stack (the package list in RUNTIME_PACKAGES,
# the system packages it needs in RUNTIME_APT) in an environment of its own, apart from the hub's,
# on the hub's interpreter. Rebuilt when either list changes; .colab-stack marks it complete.
RUNTIME_ENV      := .runtime-env
RUNTIME_PACKAGES := nbcloud/runtime/environments/colab.txt
RUNTIME_APT      := nbcloud/runtime/environments/colab-apt.txt
UV_VERSION       := 0.13.10

runtime-env: $(RUNTIME_ENV)/.colab-stack

$(RUNTIME_ENV)/.colab-stack: $(RUNTIME_PACKAGES) $(RUNTIME_APT) | $(VENV)/.installed
	@rm -f $@
	@missing=$$(grep -v '^#' $(RUNTIME_APT) | while read -r pkg; do [ -z "$$pkg" ] || dpkg-query -W -f='$${Status}\n' "$$pkg" 2>/dev/null | grep -q 'ok installed' || printf ' %s' "$$pkg"; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "== runtime-env: system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "runtime-env: apt-get could not install$$missing (see above); fix that and run make runtime-env again"; exit 1; }; \
	  else echo "warning: runtimes lack system packages Colab has:$$missing; install them: sudo apt-get install$$missing"; fi; \
	fi
	@test -x $(BIN)/uv || $(BIN)/python -m pip install -q 'uv==$(UV_VERSION)'
	@echo "== runtime-env: $$(grep -c '^[^#]' $(RUNTIME_PACKAGES)) packages of Colab's stack into $(RUNTIME_ENV) (about 9 GB; a few minutes the first time)"
	$(BIN)/uv venv -q --allow-existing --python "$$($(BIN)/python -c 'import sys; print(sys._base_executable)')" $(RUNTIME_ENV)
	@$(BIN)/uv pip sync --python $(RUNTIME_ENV)/bin/python $(RUNTIME_PACKAGES) \
	  || { echo "runtime-env: installing $(RUNTIME_PACKAGES) failed (the package named above). Runtimes keep running the hub's own Python meanwhile. Retry with make runtime-env; if a package no longer installs, move it to an '# excluded:' line in that file, saying why."; exit 1; }
	@touch $@
	@echo "== runtime-env: ready ($$(du -sh $(RUNTIME_ENV) | cut -f1))"

# Runtimes are sandboxed with bubblewrap, each on a network of its own that reaches out through
# slirp4netns; without them nbcloud runs runtimes unsandboxed / on the hub's network and says so.
run-deps:
	@missing=""; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v slirp4netns >/dev/null || missing="$$missing slirp4netns"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "warning: missing:$$missing; install them so runtimes are sandboxed, each on its own network: sudo apt-get install$$missing"; fi; \
	fi

# System packages the tests need: a sandbox (bubblewrap, slirp4netns), a browser, a database server;
# and the runtime environment, which every runtime in the tests runs.
test-deps: runtime-env
	@missing=""; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v slirp4netns >/dev/null || missing="$$missing slirp4netns"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -d /usr/share/fonts/truetype/dejavu || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Static checks, before any test runs: style and bugs (ruff), types (mypy: strict on the hub),
# the hub's layers (import-linter: contracts in pyproject.toml), and the web app's types and lint.
lint: install web
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	cd web && npm run typecheck && npm run lint

# Browser tests run in their own pytest process: Playwright's sync API keeps an event loop on
# the main thread, which the asyncio tests must not share.
test: install web test-deps lint
	cd web && npm test
	NBCLOUD_TEST_POSTGRES=required $(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/e2e tests
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e

bench: install web
	$(BIN)/python -m pip install -q -e '.[$(EXTRAS),bench]'
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) web/node_modules nbcloud/static
