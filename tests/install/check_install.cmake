# Script mode (a CTest test): installs the build tree BUILD into a staging prefix inside it,
# configures and builds tests/install/app against the installed CMake package, runs it, and
# (PYTHON set) imports the installed Python package from the staged site-packages.
set(stage ${BUILD}/install-test)
file(REMOVE_RECURSE ${stage})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${stage}/prefix
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "cmake --install failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE}/tests/install/app -B ${stage}/app -G Ninja
                        -DCMAKE_PREFIX_PATH=${stage}/prefix -DCMAKE_CXX_COMPILER=${CXX}
                        -DCMAKE_BUILD_TYPE=Release
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "configuring the outside project failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${stage}/app RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "building the outside project failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${stage}/app/app RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(rc)
  message(FATAL_ERROR "the outside program failed: ${out}")
endif()
message(STATUS "outside program: ${out}")
if(PYTHON)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${stage}/prefix/${PYTHON_SITE}
                          ${PYTHON} -B -c "import descent; print(descent.__file__); print(descent.grad('3*x^2*y + z*y - x', at={'x': 1, 'y': 1, 'z': 1})[1])"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc OR NOT out MATCHES "install-test/prefix/.*\\[5\\. 4\\. 1\\.\\]")
    message(FATAL_ERROR "the installed Python package did not import:\n${out}\n${err}")
  endif()
  message(STATUS "installed Python package: ${out}")
endif()
file(REMOVE_RECURSE ${stage})
