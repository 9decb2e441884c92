# The two commands: `make up` (install, build, start) and `make test` (install, build, run every test).
.PHONY: up test test-deps build lint bench install clean

STAMP := node_modules/.minikapi-installed

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(STAMP)

build: $(STAMP)
	npx tsc -p tsconfig.json

lint: $(STAMP)
	npx eslint src

up: build
	node bin/minikapi up $(ARGS)

# tools the tests run: etcd (Debian's etcd-server) for the etcd backend; its packaged service is not wanted
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
test-deps:
	@command -v etcd >/dev/null || { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends etcd-server && { $(SUDO) service etcd stop >/dev/null 2>&1 || true; }; }

# a clean build, so that tests deleted from src/ cannot run from a stale dist/
test: $(STAMP) test-deps clean lint build
	node scripts/run-tests.mjs

bench: build
	node scripts/bench.mjs

clean:
	rm -rf dist
