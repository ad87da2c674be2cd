# Native code for compiled formulas (symbolic::Program::jit) through libgccjit, when found.
# Option DESCENT_JIT (default ON when libgccjit.h and libgccjit are found). The header lives
# in GCC's private include directory next to GCC's own intrinsics headers, so it is included
# by its full path (DESCENT_GCCJIT_HEADER) instead of adding that directory to any include path.
file(GLOB _descent_gcc_include_dirs /usr/lib/gcc/*/*/include /usr/local/lib/gcc/*/*/include)
find_path(DESCENT_GCCJIT_INCLUDE_DIR libgccjit.h HINTS ${_descent_gcc_include_dirs})
find_library(DESCENT_GCCJIT_LIBRARY gccjit HINTS /usr/lib/gcc/x86_64-linux-gnu/12)
if(DESCENT_GCCJIT_INCLUDE_DIR AND DESCENT_GCCJIT_LIBRARY)
  set(_descent_jit_default ON)
else()
  set(_descent_jit_default OFF)
endif()
option(DESCENT_JIT "Compile formulas to native code with libgccjit" ${_descent_jit_default})
if(DESCENT_JIT AND NOT (DESCENT_GCCJIT_INCLUDE_DIR AND DESCENT_GCCJIT_LIBRARY))
  message(FATAL_ERROR "DESCENT_JIT=ON but libgccjit was not found (Debian: libgccjit-12-dev)")
endif()
message(STATUS "descent: native formula code (libgccjit): ${DESCENT_JIT}")

# descent_jit(TARGET SOURCE): SOURCE may include libgccjit.h and loads libgccjit.so.0 at run
# time with dlopen (not linked: no start-up cost and no hard dependency for the binaries).
function(descent_jit target source)
  if(DESCENT_JIT)
    set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS
                 DESCENT_GCCJIT_HEADER="${DESCENT_GCCJIT_INCLUDE_DIR}/libgccjit.h")
    target_link_libraries(${target} PRIVATE ${CMAKE_DL_LIBS})
  endif()
endfunction()
