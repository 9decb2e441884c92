# The two commands: `make up` (install, build, start) and `make test` (install, build, run every test).
.PHONY: up test build lint bench install clean

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

# a clean build, so that tests deleted from src/ cannot run from a stale dist/
test: $(STAMP) clean lint build
	node scripts/run-tests.mjs

bench: build
	node scripts/bench.mjs

clean:
	rm -rf dist
