// libFuzzer's entry point for programs that have their own main (LLVM libFuzzer documentation, "Using libFuzzer
// as a library"). The fuzz targets call it from their Swift top-level code; it is linked with `-sanitize=fuzzer`.
#ifndef HE_CLIBFUZZER_H
#define HE_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size));

#endif
