# descent_embed_data(TARGET DIR): compiles every file of DIR (but *.md) into TARGET as byte
# arrays, reachable through descent::io::detail::embedded_files() (src/io/embedded.hpp), so the
# binary carries its data sets and runs from anywhere.
function(descent_embed_data target dir)
  file(GLOB files CONFIGURE_DEPENDS ${dir}/*)
  list(FILTER files EXCLUDE REGEX "\\.md$")
  set(out ${CMAKE_BINARY_DIR}/generated/embedded_data.cpp)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DDIR=${dir} -DEXCLUDE=\\.md$ -DINCLUDE=io/embedded.hpp
            -DNAMESPACE=descent::io::detail -DFUNCTION=embedded_files -DTYPE=EmbeddedFile -DVIEW=span
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding data sets" VERBATIM)
  add_library(${target} STATIC ${out})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
endfunction()
