# `descent serve`: the web page and its JSON API (apps/serve/), built when cpp-httplib is found
# (Debian: libcpp-httplib-dev, a shared library with its header). The page (web/*) is compiled
# into the binary by cmake/embed_files.cmake, so it serves without any file or network access.
pkg_check_modules(HTTPLIB IMPORTED_TARGET cpp-httplib)
if(HTTPLIB_FOUND)
  set(_descent_serve_default ON)
else()
  set(_descent_serve_default OFF)
endif()
option(DESCENT_SERVE "Build `descent serve` (needs cpp-httplib)" ${_descent_serve_default})
message(STATUS "descent: serve: ${DESCENT_SERVE}")

if(DESCENT_SERVE)
  if(NOT HTTPLIB_FOUND)
    message(FATAL_ERROR "DESCENT_SERVE=ON but cpp-httplib was not found (Debian: libcpp-httplib-dev)")
  endif()
  file(GLOB _descent_web CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/web/*)
  set(_descent_web_out ${CMAKE_BINARY_DIR}/generated/web_assets.cpp)
  add_custom_command(OUTPUT ${_descent_web_out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${_descent_web_out} -DDIR=${PROJECT_SOURCE_DIR}/web
            -DINCLUDE=serve/assets.hpp -DNAMESPACE=descent::serve::detail -DFUNCTION=web_assets
            -DTYPE=WebAsset -DVIEW=string_view -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${_descent_web} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding the web page" VERBATIM)
  # The server (not part of the installed library): linked by the CLI and by tests/serve.
  file(GLOB _descent_serve_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/apps/serve/*.cpp)
  add_library(descent_server STATIC ${_descent_serve_sources} ${_descent_web_out})
  target_include_directories(descent_server PUBLIC ${PROJECT_SOURCE_DIR}/apps)
  target_link_libraries(descent_server PUBLIC descent::descent PRIVATE descent_app_common PkgConfig::HTTPLIB descent_warnings)
  # apps/descent/cmd_serve.cpp: the subcommand; without the server it says how to get it.
  target_link_libraries(descent_cli PRIVATE descent_server)
  target_compile_definitions(descent_cli PRIVATE DESCENT_HAVE_SERVE)
endif()
