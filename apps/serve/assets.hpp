// The page's files (web/*) compiled into the binary by cmake/embed_files.cmake.
// Example: for (const auto& a : web_assets()) if (a.name == "index.html") ...
#pragma once

#include <string_view>
#include <vector>

namespace descent::serve::detail {

struct WebAsset {
  std::string_view name;   // file name in web/, e.g. "app.js"
  std::string_view bytes;  // its contents, exactly as stored
};

const std::vector<WebAsset>& web_assets();

}  // namespace descent::serve::detail
