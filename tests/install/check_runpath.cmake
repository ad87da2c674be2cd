# Fails when a built binary carries an RPATH or RUNPATH: an empty or relative entry there makes
# the loader search the current directory for shared libraries, and descent needs none (all its
# libraries are in the loader's default path). Usage: cmake -DFILES="a;b" -P check_runpath.cmake
find_program(READELF readelf REQUIRED)
foreach(file ${FILES})
  execute_process(COMMAND ${READELF} -d ${file} OUTPUT_VARIABLE dynamic RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "readelf -d ${file} failed")
  endif()
  string(REGEX MATCH "\\((RPATH|RUNPATH)\\)[^\n]*" entry "${dynamic}")
  if(entry)
    message(FATAL_ERROR "${file} has ${entry}: the loader would search those folders (an empty "
                        "entry is the current directory) before the system's")
  endif()
  message(STATUS "${file}: no RPATH or RUNPATH")
endforeach()
