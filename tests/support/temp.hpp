// Temporary file names for tests. CTest runs tests in parallel processes, so a name must be unique
// per process: two tests writing "resume.ckpt" at once would read each other's files.
// Example: const std::string path = descent::test::temp_path("resume.ckpt");
#pragma once

#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace descent::test {

inline std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "descent_" + std::to_string(::getpid()) + "_" + name;
}

}  // namespace descent::test
