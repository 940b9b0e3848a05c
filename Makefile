# The two commands: `make run` and `make test`. Both install what they need first.
CONFIG ?= config/trellis.yaml

.PHONY: deps test-deps build release run demo demo-stop test check-generated unit-tests e2e deploy-check fuzz-short bench

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

build: deps
	swift build

# The Swift runtime and Foundation linked in: the binary needs only the four C libraries
# (as in deploy/container/Containerfile), and starts smaller (benchmarks/run.sh idle).
release: deps
	swift build -c release --static-swift-stdlib --product trellis

run: release
	.build/release/trellis serve --config $(CONFIG)

# Starts trellis serve in the background, sends ~20 s of demo traces, leaves the server running.
demo: release
	CONFIG=$(CONFIG) scripts/demo

# Stops the server `make demo` started (SIGTERM: drains the pipeline and commits the archive).
demo-stop:
	@if [ -f data/demo-trellis.pid ] && kill -TERM "$$(cat data/demo-trellis.pid)" 2>/dev/null; then \
		echo "stopped trellis (pid $$(cat data/demo-trellis.pid))"; else echo "no demo trellis running"; fi
	@rm -f data/demo-trellis.pid

check-generated: deps
	scripts/check-generated

unit-tests: deps
	swift build --build-tests
	swift test

e2e: test-deps
	swift build --product trellis
	Tests/EndToEnd/run.sh

# deploy/: the Kubernetes manifests and Flux resources validate, their configurations pass
# check-config, and the container recipe's runtime stage runs the binary (needs root).
deploy-check: test-deps
	swift build --product trellis
	Tests/Deploy/run.sh

# Every libFuzzer target for 20 s (Fuzz/README.md); a finding fails the build and leaves its input
# in .build-fuzz/artifacts/.
fuzz-short: deps
	scripts/fuzz all 20

test: test-deps check-generated unit-tests e2e deploy-check fuzz-short

bench:
	benchmarks/run.sh all
