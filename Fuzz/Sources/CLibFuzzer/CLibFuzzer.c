// Declarations only (include/CLibFuzzer.h); libFuzzer itself comes from the toolchain's runtime.
#include "CLibFuzzer.h"
