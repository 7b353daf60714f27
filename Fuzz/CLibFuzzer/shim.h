// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer): a fuzz target's main.swift
// hands it the test function. SwiftPM gives every executable its own main, so libFuzzer's
// main() is not used.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
