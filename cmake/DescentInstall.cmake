# `cmake --install`: the descent binary, the headers, the static module libraries and a CMake
# package, so that another project can write
#   find_package(descent CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE descent::descent)
# (tests/install/ builds such a project against a staged install). The Python package installs
# itself (python/CMakeLists.txt).
include(CMakePackageConfigHelpers)

# Code built with -march=native must be used with it: Eigen's alignment assumptions follow the
# instruction set, so the package hands the flag to its users as the build tree does.
if(DESCENT_HAS_MARCH_NATIVE)
  target_compile_options(descent INTERFACE $<INSTALL_INTERFACE:-march=native>)
endif()

get_property(_descent_modules GLOBAL PROPERTY DESCENT_MODULE_TARGETS)
install(TARGETS descent descent_warnings descent_data ${_descent_modules}
        EXPORT descentTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS descent_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/descent DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT descentTargets NAMESPACE descent::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/descent)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/descentConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/descentConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/descent)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/descentConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/descentConfig.cmake ${CMAKE_BINARY_DIR}/descentConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/descent)
