#include "descent/io/csv.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"

namespace descent::io {
namespace {

struct Field {
  std::string text;
  bool quoted = false;
};

// Reads one record starting at pos (skipping blank lines); returns false at the end of text.
// `line` is the 1-based line the record starts on. Quoted fields may hold delimiters, doubled
// quotes ("") and newlines.
class RecordReader {
 public:
  RecordReader(std::string_view text, std::string_view source, char delimiter)
      : text_(text), source_(source), delimiter_(delimiter) {}

  bool next(std::vector<Field>& fields, std::int64_t& line) {
    skip_blank_lines();
    if (pos_ >= text_.size()) return false;
    line = line_;
    fields.clear();
    if (delimiter_ == ' ') skip_spaces();
    while (true) {
      if (fields.size() == kMaxCsvColumns) {
        throw_input("{}:{}: more than {} fields in a row", source_, line, kMaxCsvColumns);
      }
      fields.push_back(read_field(line));
      if (pos_ >= text_.size() || text_[pos_] == '\n') break;
      // read_field stops at a delimiter (or, in whitespace mode, at a space run).
      if (delimiter_ == ' ') {
        skip_spaces();
        if (pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r') break;
      } else {
        ++pos_;
      }
    }
    if (pos_ < text_.size()) {  // consume the newline
      ++pos_;
      ++line_;
    }
    return true;
  }

 private:
  bool is_space(char c) const { return c == ' ' || c == '\t' || c == '\r'; }
  void skip_spaces() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  void skip_blank_lines() {
    while (pos_ < text_.size()) {
      std::size_t p = pos_;
      while (p < text_.size() && is_space(text_[p])) ++p;
      if (p < text_.size() && text_[p] != '\n') return;
      pos_ = p < text_.size() ? p + 1 : p;
      if (p < text_.size()) ++line_;
    }
  }
  bool at_field_end(char c) const {
    return c == '\n' || (delimiter_ == ' ' ? is_space(c) : c == delimiter_);
  }

  Field read_field(std::int64_t record_line) {
    Field field;
    if (delimiter_ != ' ') {
      while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t') &&
             delimiter_ != '\t') {
        ++pos_;
      }
    }
    if (pos_ < text_.size() && text_[pos_] == '"') {
      field.quoted = true;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          throw_input("{}:{}: unterminated quoted field", source_, record_line);
        }
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.text += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        field.text += c;
      }
      // Anything after the closing quote up to the delimiter must be blank.
      while (pos_ < text_.size() && !at_field_end(text_[pos_])) {
        if (!is_space(text_[pos_])) {
          throw_input("{}:{}: unexpected '{}' after a closing quote", source_, line_, text_[pos_]);
        }
        ++pos_;
      }
      return field;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() && !at_field_end(text_[pos_])) ++pos_;
    std::string_view raw = text_.substr(start, pos_ - start);
    while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
    field.text = std::string(raw);
    return field;
  }

  std::string_view text_;
  std::string_view source_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
};

char detect_delimiter(std::string_view text) {
  // The first non-blank line decides (outside quotes).
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return ',';
  const std::size_t end = std::min(text.find('\n', start), text.size());
  const std::string_view line = text.substr(start, end - start);
  bool quoted = false;
  bool has[3] = {false, false, false};
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') has[0] = true;
    if (c == ';') has[1] = true;
    if (c == '\t') has[2] = true;
  }
  if (has[0]) return ',';
  if (has[1]) return ';';
  if (has[2]) return '\t';
  return ' ';
}

bool is_missing(const Field& field) {
  if (field.text.empty()) return true;
  std::string lower = field.text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "na" || lower == "nan" || lower == "?" || lower == "n/a";
}

bool parse_number(std::string_view text, double& value) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool is_text(const Field& field) {
  double ignored = 0.0;
  return !is_missing(field) && !parse_number(field.text, ignored);
}

// The text column a spec names among the first row's fields read as data: an index (negative
// from the end), or -1 for none.
Index text_column_index(const std::string& spec, std::size_t width) {
  Index index = 0;
  const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), index);
  if (spec.empty() || ec != std::errc() || end != spec.data() + spec.size()) return -1;
  if (index < 0) index += static_cast<Index>(width);
  return index >= 0 && index < static_cast<Index>(width) ? index : -1;
}

// Whether the first record is a header (see CsvOptions::header). `after` reads on from it.
bool looks_like_header(const std::vector<Field>& first, RecordReader after,
                       const std::string& text_column) {
  const auto named = std::find_if(first.begin(), first.end(), [&](const Field& f) {
    return f.text == text_column && is_text(f);
  });
  if (!text_column.empty() && named != first.end()) return true;  // it names the text column
  const Index text_index = text_column_index(text_column, first.size());
  bool other_text = false, label_text = false;
  for (std::size_t j = 0; j < first.size(); ++j) {
    if (!is_text(first[j])) continue;
    (static_cast<Index>(j) == text_index ? label_text : other_text) = true;
  }
  if (other_text || !label_text) return other_text;
  // Numbers and one text label: a header whose label column holds numbers below, or data
  // whose labels are text throughout ("5.1,3.5,1.4,0.2,setosa").
  std::vector<Field> second;
  std::int64_t line = 0;
  if (!after.next(second, line) || second.size() != first.size()) return true;
  return !is_text(second[static_cast<std::size_t>(text_index)]);
}

// A UTF-8 byte order mark is skipped; UTF-16 text is refused (its every other byte is NUL).
std::string_view without_byte_order_mark(std::string_view text, std::string_view source) {
  if (text.starts_with("\xEF\xBB\xBF")) return text.substr(3);
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    throw_input("{}: the text is UTF-16; save it as UTF-8 (or ASCII) CSV", source);
  }
  return text;
}

void check_no_nul(std::string_view text, std::string_view source) {
  const void* nul = std::memchr(text.data(), '\0', text.size());
  if (nul == nullptr) return;
  const auto offset = static_cast<std::size_t>(static_cast<const char*>(nul) - text.data());
  throw_input(
      "{}:{}: a NUL byte: this is binary data, not CSV text", source,
      std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n') + 1);
}

Index resolve_text_column(const std::string& spec, const std::vector<std::string>& columns,
                          bool header, std::string_view source) {
  if (spec.empty()) return -1;
  if (header) {
    const auto named = std::find(columns.begin(), columns.end(), spec);
    if (named != columns.end()) return named - columns.begin();
  }
  Index index = 0;
  const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), index);
  const auto width = static_cast<Index>(columns.size());
  if (ec == std::errc() && end == spec.data() + spec.size()) {
    if (index < 0) index += width;
    if (index >= 0 && index < width) return index;
  }
  std::string names;
  for (const std::string& c : columns) names += (names.empty() ? "" : ", ") + c;
  throw_input("{}: no column '{}' (columns: {}; or give a 0-based index)", source, spec, names);
}

}  // namespace

Table parse_csv(std::string_view text, std::string_view source_name, const CsvOptions& options) {
  text = without_byte_order_mark(text, source_name);
  check_no_nul(text, source_name);
  const char delimiter = options.delimiter != 0 ? options.delimiter : detect_delimiter(text);
  RecordReader reader(text, source_name, delimiter);
  std::vector<Field> fields;
  std::int64_t line = 0;
  Table table;
  std::vector<double> values;
  std::size_t width = 0;
  std::size_t rows = 0;

  if (!reader.next(fields, line)) throw_input("{}: no data rows", source_name);
  const bool header = options.header.has_value()
                          ? *options.header
                          : looks_like_header(fields, reader, options.text_column);
  table.header = header;
  width = fields.size();
  if (header) {
    for (const Field& f : fields) table.columns.push_back(f.text);
  } else {
    for (std::size_t j = 0; j < width; ++j) table.columns.push_back(fmt::format("x{}", j));
  }
  table.text_column = resolve_text_column(options.text_column, table.columns, header, source_name);
  const auto text_column = static_cast<std::size_t>(table.text_column);
  bool have_row = !header;
  std::vector<double> row(width);
  while (have_row || reader.next(fields, line)) {
    have_row = false;
    if (fields.size() != width) {
      throw_input("{}:{}: expected {} fields, found {}", source_name, line, width, fields.size());
    }
    bool missing = false;
    for (std::size_t j = 0; j < width; ++j) {
      if (is_missing(fields[j])) {
        if (!options.drop_missing) {
          throw_input(
              "{}:{}:{}: missing value{} (rows with missing values can be dropped)", source_name,
              line, j + 1,
              fields[j].text.empty() ? std::string() : fmt::format(" '{}'", fields[j].text));
        }
        missing = true;
        break;
      }
      // A cell must be a finite number: inf and 1e999 (out of double's range) alike are refused;
      // in the text column (class names) a cell that is no number at all is text.
      const std::string& cell = fields[j].text;
      const bool parsed = parse_number(cell, row[j]);
      if (parsed && std::isfinite(row[j])) continue;
      double ignored = 0.0;
      const bool huge = std::from_chars(cell.data(), cell.data() + cell.size(), ignored).ec ==
                        std::errc::result_out_of_range;
      if (!parsed && !huge && table.text_column >= 0 && j == text_column) {
        row[j] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      throw_input("{}:{}:{}: '{}' is not a {}number", source_name, line, j + 1, cell,
                  parsed || huge ? "finite " : "");
    }
    if (missing) continue;
    values.insert(values.end(), row.begin(), row.end());
    if (table.text_column >= 0) table.text.push_back(std::move(fields[text_column].text));
    ++rows;
  }
  if (rows == 0) throw_input("{}: no data rows", source_name);
  table.values =
      Eigen::Map<const RowMat>(values.data(), static_cast<Index>(rows), static_cast<Index>(width));
  return table;
}

Table read_csv(const std::string& path, const CsvOptions& options) {
  return parse_csv(read_text(path), path, options);
}

}  // namespace descent::io
