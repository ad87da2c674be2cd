// The data files compiled into the library (data/*, see cmake/DescentEmbed.cmake).
// Example: for (const auto& file : embedded_files()) if (file.name == "iris.csv") ...
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace descent::io::detail {

struct EmbeddedFile {
  std::string_view name;                  // file name in data/, e.g. "digits.csv.gz"
  std::span<const unsigned char> bytes;   // the file's contents, exactly as stored
};

const std::vector<EmbeddedFile>& embedded_files();

}  // namespace descent::io::detail
