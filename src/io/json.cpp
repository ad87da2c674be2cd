#include "descent/io/json.hpp"

#include <algorithm>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"

namespace descent::io {

nlohmann::json parse_json(std::string_view text, std::string_view source_name) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based offset of the offending byte; turn it into line:column.
    const std::size_t offset = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const std::string_view before = text.substr(0, offset);
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const std::size_t last_newline = before.rfind('\n');
    const std::size_t column =
        offset - (last_newline == std::string_view::npos ? 0 : last_newline + 1) + 1;
    // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 1, ...:
    // <detail>"; keep the detail only.
    std::string detail = e.what();
    const std::size_t colon = detail.rfind(": ");
    if (colon != std::string::npos) detail = detail.substr(colon + 2);
    throw_input("{}:{}:{}: {}", source_name, line, column, detail);
  }
}

nlohmann::json read_json(const std::string& path) {
  return parse_json(read_maybe_gzip(path), path);
}

void write_json_atomic(const std::string& path, const nlohmann::json& document, int indent) {
  write_file_atomic(path, document.dump(indent) + "\n");
}

}  // namespace descent::io
