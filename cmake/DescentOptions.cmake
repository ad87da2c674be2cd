# Warnings and sanitizers as INTERFACE targets, linked by every descent target.
add_library(descent_warnings INTERFACE)
target_compile_options(descent_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local
  -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false maybe-uninitialized warnings inside its own AVX-512 intrinsics when Eigen's
  # reductions are inlined with -march=native (the builtin's _mm256_undefined_pd() operand).
  target_compile_options(descent_warnings INTERFACE -Wno-maybe-uninitialized)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # -Wpass-failed: `#pragma omp simd` loops that the sanitizer build cannot vectorize are still correct.
  target_compile_options(descent_warnings INTERFACE -Wno-unknown-warning-option -Wno-pass-failed)
endif()
if(DESCENT_WERROR)
  target_compile_options(descent_warnings INTERFACE -Werror)
endif()

if(DESCENT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(DESCENT_NATIVE AND NOT DESCENT_SANITIZE)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-march=native DESCENT_HAS_MARCH_NATIVE)
  if(DESCENT_HAS_MARCH_NATIVE)
    add_compile_options(-march=native)
  endif()
endif()

# sqrt and friends never set errno in descent, so loops calling them can vectorize (optimizer
# updates, the benchmarks' hand-written baselines).
add_compile_options(-fno-math-errno)
