# The two commands: `make run` and `make test`. Both install what they need first.
CONFIG ?= config/trellis.yaml

.PHONY: deps test-deps build release run test check-generated unit-tests e2e bench

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

build: deps
	swift build

release: deps
	swift build -c release --product trellis

run: release
	.build/release/trellis serve --config $(CONFIG)

check-generated: deps
	scripts/check-generated

unit-tests: deps
	swift build --build-tests
	swift test

e2e: test-deps
	swift build --product trellis
	Tests/EndToEnd/run.sh

test: test-deps check-generated unit-tests e2e

bench:
	benchmarks/run.sh all
