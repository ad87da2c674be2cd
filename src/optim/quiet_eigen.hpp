// Include first in optim sources: GCC 12 reports false "may be used uninitialized" warnings inside
// its own AVX-512 intrinsics when Eigen's reductions are inlined with -march=native (GCC bug
// 105593). The pragma stays in effect for the rest of the translation unit.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
