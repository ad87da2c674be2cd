// Test helpers for pictures: a minimal well-formedness check of XML text, counts of elements,
// and the size in a PNG header.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace descent::plot::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// True when every start tag has its matching end tag in order (comments, <?...?>, <!...> and
// self-closing tags skipped): enough to catch a truncated or mangled SVG.
inline bool well_formed_xml(const std::string& text) {
  std::vector<std::string> open;
  std::size_t pos = 0;
  while ((pos = text.find('<', pos)) != std::string::npos) {
    const auto end = text.find('>', pos);
    if (end == std::string::npos) return false;
    const std::string tag = text.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (tag.empty()) return false;
    if (tag[0] == '?' || tag[0] == '!' || tag.back() == '/') continue;
    const auto name_end = tag.find_first_of(" \t\n/");
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1, name_end == std::string::npos ? name_end : name_end - 1)) {
        return false;
      }
      open.pop_back();
    } else {
      open.push_back(tag.substr(0, name_end));
    }
  }
  return open.empty();
}

inline std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// Width and height from the IHDR chunk (bytes 16..23, big-endian), or {0, 0}.
inline std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& bytes) {
  if (bytes.size() < 24 || bytes.compare(1, 3, "PNG") != 0 || bytes.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(bytes[at + k]);
    return v;
  };
  return {be32(16), be32(20)};
}

}  // namespace descent::plot::test
