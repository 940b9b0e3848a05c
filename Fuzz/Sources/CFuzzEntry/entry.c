// The entry point of `trellis-fuzz` when it is built without libFuzzer (a plain `swift build`
// builds every product). SwiftPM points `main` at `<module>_main` for executables; built with
// `--sanitize=fuzzer` the binary gets libFuzzer's `main` instead, which calls
// `LLVMFuzzerTestOneInput` (Sources/trellis-fuzz/FuzzEntry.swift).
#include <stdio.h>

int trellis_fuzz_main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "trellis-fuzz is a libFuzzer target: run it with scripts/fuzz TARGET [SECONDS]\n");
    return 2;
}
