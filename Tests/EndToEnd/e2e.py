#!/usr/bin/env python3
"""End-to-end tests: the built `trellis` binary on 127.0.0.1, fed by real OpenTelemetry SDK
exporters (two Flask services under `opentelemetry-instrument`), curl, grpcio and raw HTTP/2.

Every `*_tests.py` module next to this file registers its tests with `@test` (harness.py).
Run through Tests/EndToEnd/run.sh, which creates the venv (`E2E_ONLY=name,name` runs only those
tests, while working on them; `make test` runs all). Prints one line per test and
a closing `e2e: N passed, M failed` line; exits non-zero when any test failed.
"""
import glob
import importlib
import os
import sys
import time
import traceback

from harness import HERE, TESTS, Trellis

for module in sorted(glob.glob(os.path.join(HERE, "*_tests.py"))):
    importlib.import_module(os.path.basename(module)[:-3])


def main():
    trellis = Trellis().start()
    passed = failed = 0
    only = [name for name in os.environ.get("E2E_ONLY", "").split(",") if name]
    for function in TESTS:
        if only and function.__name__ not in only:
            continue
        started = time.time()
        try:
            function(trellis)
            passed += 1
            print(f"PASS {function.__name__} ({time.time() - started:.1f}s)", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {function.__name__} ({time.time() - started:.1f}s)\n{traceback.format_exc()}", flush=True)
    code = trellis.stop()
    if code != 0:
        failed += 1
        print(f"FAIL trellis exited with {code} after SIGTERM\n{trellis.output()}")
    # A module's shared Trellis is stopped by the module's last test; with E2E_ONLY that test may not run.
    left = Trellis.stop_leftovers()
    if left and not only:
        failed += 1
        print(f"FAIL tests left trellis running: {left}")
    print(f"e2e: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
