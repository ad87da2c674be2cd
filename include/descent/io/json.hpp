// JSON documents from files, with errors that name the file, line and column.
// Example: nlohmann::json spec = descent::io::read_json("run.json");
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace descent::io {

// Parses text; throws Error(bad_input, "<source>:3:14: <what the parser expected>").
nlohmann::json parse_json(std::string_view text, std::string_view source_name);

// Reads and parses a file (gzip recognized by its magic bytes).
nlohmann::json read_json(const std::string& path);

// Writes the document atomically (see write_file_atomic), indented by `indent` spaces (-1 =
// compact), with a final newline.
void write_json_atomic(const std::string& path, const nlohmann::json& document, int indent = 2);

}  // namespace descent::io
