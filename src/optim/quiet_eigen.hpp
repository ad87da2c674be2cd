// Include first in optim sources. GCC 12 reports false "may be used uninitialized" warnings inside
// its own AVX-512 intrinsics when Eigen's reductions are inlined with -march=native (GCC bug
// 105593). Clang reports "loop not vectorized" for `#pragma omp simd` loops it cannot vectorize
// (e.g. under the sanitizers, without -march=native): correct code, only slower, so not an error.
// The pragmas stay in effect for the rest of the translation unit.
#pragma once

#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
