# The two commands: `make run` and `make test`. Everything installs into this checkout.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The hub's own packages (pyproject.toml) and its tests' and linters' (`test`). Colab's stack is
# not among them: runtimes run it from an environment of their own (RUNTIME_ENV, below).
EXTRAS ?= test
# uv installs both environments (pip is the fallback for the hub's); pinned, as a new release may
# resolve differently.
UV_VERSION := 0.13.10
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json -type f 2>/dev/null)
APT_TEST_PACKAGES := bubblewrap slirp4netns chromium postgresql fonts-dejavu-core

.PHONY: run ready test lint install web run-deps test-deps runtime-env bench clean

run: ready
	$(BIN)/nbcloud serve

# Everything `make run` needs, the independent parts at once: the web app builds while Colab's
# stack downloads and unpacks (most of a first run's time).
ready:
	@$(MAKE) --no-print-directory -j4 install web run-deps runtime-env

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "== install: the hub's Python environment ($(VENV), extras: $(EXTRAS))"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install -q 'uv==$(UV_VERSION)' || echo "install: no uv; pip installs instead (slower)"
	@if test -x $(BIN)/uv; then $(BIN)/uv pip install -q --python $(BIN)/python -e '.[$(EXTRAS)]'; \
	else $(BIN)/python -m pip install -q --upgrade pip && $(BIN)/python -m pip install -q -e '.[$(EXTRAS)]'; fi
	touch $@

web: nbcloud/static/index.html

nbcloud/static/index.html: web/package-lock.json $(WEB_SOURCES)
	@echo "== web: the web app (npm ci, build)"
	cd web && npm ci --no-audit --no-fund && npm run build
	touch $@

# The Python that runtimes run: Colab's preinstalled stack (the package list in RUNTIME_PACKAGES,
# the system packages it needs in RUNTIME_APT) in an environment of its own, apart from the hub's,
# on the hub's interpreter. Rebuilt when either list changes; .colab-stack marks it complete.
RUNTIME_ENV      := .runtime-env
RUNTIME_PACKAGES := nbcloud/runtime/environments/colab.txt
RUNTIME_APT      := nbcloud/runtime/environments/colab-apt.txt

runtime-env: $(RUNTIME_ENV)/.colab-stack

# After run-deps: both may run apt-get, which takes one lock.
$(RUNTIME_ENV)/.colab-stack: $(RUNTIME_PACKAGES) $(RUNTIME_APT) | $(VENV)/.installed run-deps
	@rm -f $@
	@missing=$$(grep -v '^#' $(RUNTIME_APT) | while read -r pkg; do [ -z "$$pkg" ] || dpkg-query -W -f='$${Status}\n' "$$pkg" 2>/dev/null | grep -q 'ok installed' || printf ' %s' "$$pkg"; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "== runtime-env: system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "runtime-env: apt-get could not install$$missing (see above); fix that and run make runtime-env again"; exit 1; }; \
	  else echo "warning: runtimes lack system packages Colab has:$$missing; install them: sudo apt-get install$$missing"; fi; \
	fi
	@test -x $(BIN)/uv || $(BIN)/python -m pip install -q 'uv==$(UV_VERSION)'
	@echo "== runtime-env: $$(grep -c '^[^#]' $(RUNTIME_PACKAGES)) packages of Colab's stack into $(RUNTIME_ENV) (about 14 GB; a few minutes the first time)"
	$(BIN)/uv venv -q --allow-existing --python "$$($(BIN)/python -c 'import sys; print(sys._base_executable)')" $(RUNTIME_ENV)
	@# --compile-bytecode: runtimes see this environment read-only, so a kernel could never cache the
	@# bytecode of what it imports: without it every kernel start compiles its imports again (twice
	@# the start time, 1.6 times the idle memory; bench/bench_runtime_env.py).
	@$(BIN)/uv pip sync --compile-bytecode --python $(RUNTIME_ENV)/bin/python $(RUNTIME_PACKAGES) \
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

bench: install web runtime-env
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[$(EXTRAS),bench]'
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) web/node_modules nbcloud/static
