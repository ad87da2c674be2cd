#include "descent/io/dataset.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>
#include <filesystem>
#include <map>

#include "core/prefault.hpp"
#include "descent/core/error.hpp"
#include "descent/io/csv.hpp"
#include "descent/io/files.hpp"
#include "descent/io/idx.hpp"
#include "embedded.hpp"

namespace descent::io {
namespace {

// The CSV classification rule (see load_dataset): integer targets in [0, kMaxLabel), at most
// kMaxClasses distinct values and at most n / kRowsPerClass of them (2 always allowed).
constexpr double kMaxLabel = 1000.0;
constexpr std::size_t kMaxClasses = 100;
constexpr std::size_t kRowsPerClass = 5;
constexpr std::size_t kMaxIdxHeader = 4 + 4 * 255;  // magic + 255 dimensions

// One hash for several files: XXH64 of their hashes in order.
std::uint64_t combine(std::initializer_list<std::uint64_t> hashes) {
  std::string bytes;
  for (std::uint64_t h : hashes) bytes.append(reinterpret_cast<const char*>(&h), sizeof h);
  return xxh64(bytes);
}

std::string_view embedded(std::string_view name) {
  for (const auto& file : detail::embedded_files()) {
    if (file.name == name) {
      return {reinterpret_cast<const char*>(file.bytes.data()), file.bytes.size()};
    }
  }
  throw Error(ErrorCode::internal, fmt::format("embedded data file '{}' is missing", name));
}

std::string embedded_text(std::string_view name) {
  const std::string_view bytes = embedded(name);
  return is_gzip(bytes) ? gunzip(bytes) : std::string(bytes);
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    std::string_view part = text.substr(start, end == std::string_view::npos ? end : end - start);
    while (!part.empty() && (part.back() == '\r' || part.back() == ' ')) part.remove_suffix(1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    parts.emplace_back(part);
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Copies labels into a Dataset, checking they are class indices 0..k-1.
void set_class_targets(Dataset& d, const Eigen::Ref<const Vec>& labels, std::string_view source) {
  d.targets = labels;
  d.task = Task::classification;
  d.num_classes = static_cast<int>(d.class_names.size());
  for (Index i = 0; i < labels.size(); ++i) {
    const double y = labels[i];
    if (y != std::floor(y) || y < 0 || y >= d.num_classes) {
      throw_input("{}: row {}: label {} is not a class index 0..{}", source, i + 1, y,
                  d.num_classes - 1);
    }
  }
}

// sklearn's format for iris, breast_cancer and wine: "n,d,class names..." then rows of d
// features and an integer label.
Dataset load_sklearn_csv(const std::string& name, std::string_view file,
                         std::vector<std::string> feature_names) {
  const std::string text = embedded_text(file);
  const std::size_t newline = text.find('\n');
  const std::vector<std::string> first = split(std::string_view(text).substr(0, newline), ',');
  const Table table =
      parse_csv(std::string_view(text).substr(newline + 1), file, {.header = false});
  const Index n = table.values.rows();
  const Index d = table.values.cols() - 1;
  DESCENT_ASSERT(first.size() >= 2 && std::stol(first[0]) == n && std::stol(first[1]) == d);
  Dataset data;
  data.name = name;
  data.content_hash = xxh64(text);
  data.features = table.values.leftCols(d);
  data.class_names.assign(first.begin() + 2, first.end());
  data.feature_names = std::move(feature_names);
  DESCENT_ASSERT(static_cast<Index>(data.feature_names.size()) == d);
  set_class_targets(data, table.values.col(d), file);
  return data;
}

Dataset load_iris() {
  return load_sklearn_csv(
      "iris", "iris.csv",
      {"sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"});
}

Dataset load_breast_cancer() {
  std::vector<std::string> names;
  for (const char* prefix : {"mean ", "", "worst "}) {
    for (const char* base : {"radius", "texture", "perimeter", "area", "smoothness", "compactness",
                             "concavity", "concave points", "symmetry", "fractal dimension"}) {
      names.push_back(*prefix == '\0' ? fmt::format("{} error", base)
                                      : fmt::format("{}{}", prefix, base));
    }
  }
  return load_sklearn_csv("breast_cancer", "breast_cancer.csv", std::move(names));
}

Dataset load_wine() {
  return load_sklearn_csv("wine", "wine_data.csv",
                          {"alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium",
                           "total_phenols", "flavanoids", "nonflavanoid_phenols", "proanthocyanins",
                           "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline"});
}

Dataset load_digits() {
  const std::string text = embedded_text("digits.csv.gz");
  const Table table = parse_csv(text, "digits.csv.gz", {.header = false});
  DESCENT_ASSERT(table.values.cols() == 65);
  Dataset data;
  data.name = "digits";
  data.content_hash = xxh64(text);
  data.features = table.values.leftCols(64);
  for (int r = 0; r < 8; ++r) {
    for (int c = 0; c < 8; ++c) data.feature_names.push_back(fmt::format("pixel_{}_{}", r, c));
  }
  for (int k = 0; k < 10; ++k) data.class_names.push_back(std::to_string(k));
  data.image_channels = 1;
  data.image_height = 8;
  data.image_width = 8;
  set_class_targets(data, table.values.col(64), "digits.csv.gz");
  return data;
}

Dataset load_diabetes() {
  const std::string x_text = embedded_text("diabetes_data_raw.csv.gz");
  const std::string y_text = embedded_text("diabetes_target.csv.gz");
  const Table x =
      parse_csv(x_text, "diabetes_data_raw.csv.gz", {.header = false, .delimiter = ' '});
  const Table y = parse_csv(y_text, "diabetes_target.csv.gz", {.header = false, .delimiter = ' '});
  DESCENT_ASSERT(x.values.rows() == y.values.rows() && x.values.cols() == 10);
  Dataset data;
  data.name = "diabetes";
  data.content_hash = combine({xxh64(x_text), xxh64(y_text)});
  data.features = x.values;
  data.targets = y.values.col(0);
  data.task = Task::regression;
  data.feature_names = {"age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"};
  return data;
}

// Pixels and labels of one IDX pair, appended at row `offset` of data.
void fill_from_idx(Dataset& data, Index offset, const IdxArray& images, const IdxArray& labels) {
  const Index n = images.shape[0];
  const Index pixels = static_cast<Index>(images.data.size()) / std::max<Index>(n, 1);
  const std::uint8_t* src = images.data.data();
  double* dst = data.features.data() + offset * pixels;
  // Threads share the page faults of the fresh (large) matrix.
#pragma omp parallel for schedule(static)
  for (Index k = 0; k < n * pixels; ++k) dst[k] = src[k];
  for (Index i = 0; i < n; ++i) data.targets[offset + i] = labels.data[static_cast<std::size_t>(i)];
}

std::string shape_text(const IdxArray& a) {
  std::string out;
  for (std::int64_t d : a.shape) out += (out.empty() ? "" : " x ") + std::to_string(d);
  return out;
}

void check_idx_pair(const IdxArray& images, const IdxArray& labels, const std::string& where) {
  if (images.shape.size() != 3) {
    throw_input("{}: an IDX array of rank {} ({}); images need rank 3 (n x height x width)", where,
                images.shape.size(), shape_text(images));
  }
  if (labels.shape.size() != 1 || images.shape[0] != labels.shape[0]) {
    throw_input("{}: {} images but labels of shape {} (expected {})", where, images.shape[0],
                shape_text(labels), images.shape[0]);
  }
}

// The labels file that goes with an MNIST-style images file name.
std::string labels_path_for(const std::string& images_path) {
  const std::filesystem::path path(images_path);
  std::string name = path.filename().string();
  for (auto [from, to] : {std::pair{"images", "labels"}, std::pair{"idx3", "idx1"}}) {
    const std::size_t at = name.find(from);
    if (at != std::string::npos) name.replace(at, std::string_view(from).size(), to);
  }
  return (path.parent_path() / name).string();
}

Dataset make_image_dataset(const std::string& name, const std::vector<IdxArray>& images,
                           const std::vector<IdxArray>& labels) {
  Index rows = 0;
  for (const IdxArray& a : images) rows += a.shape[0];
  Dataset data;
  data.name = name;
  data.image_channels = 1;
  data.image_height = static_cast<int>(images[0].shape[1]);
  data.image_width = static_cast<int>(images[0].shape[2]);
  const Index pixels = Index{data.image_height} * data.image_width;
  data.features.resize(rows, pixels);
  descent::detail::prefault(
      data.features.data(), static_cast<std::size_t>(data.features.size()) * sizeof(double));
  data.targets.resize(rows);
  Index offset = 0;
  for (std::size_t k = 0; k < images.size(); ++k) {
    if (images[k].shape[1] != data.image_height || images[k].shape[2] != data.image_width) {
      throw_input("{}: image files differ in size", name);
    }
    fill_from_idx(data, offset, images[k], labels[k]);
    offset += images[k].shape[0];
  }
  for (Index p = 0; p < pixels; ++p) {
    data.feature_names.push_back(
        fmt::format("pixel_{}_{}", p / data.image_width, p % data.image_width));
  }
  return data;
}

Dataset load_fashion_mnist() {
  const std::string dir(kFashionMnistDir);
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) {
    throw_input(
        "fashion-mnist is not installed ({} is missing); install it with "
        "`apt-get install dataset-fashion-mnist`",
        dir);
  }
  // The four files decompress in parallel (the training images dominate).
  const std::vector<std::string> files = {"train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                                          "train-labels-idx1-ubyte.gz",
                                          "t10k-labels-idx1-ubyte.gz"};
  std::vector<IdxArray> arrays(files.size());
  std::vector<std::uint64_t> hashes(files.size());
  std::vector<std::exception_ptr> errors(files.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t k = 0; k < files.size(); ++k) {
    try {
      const std::string path = dir + "/" + files[k];
      const std::string bytes = read_maybe_gzip(path);
      hashes[k] = xxh64(bytes);
      arrays[k] = parse_idx(bytes, path);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  std::vector<IdxArray> images, labels;  // moved, not copied (an initializer list would copy)
  images.push_back(std::move(arrays[0]));
  images.push_back(std::move(arrays[1]));
  labels.push_back(std::move(arrays[2]));
  labels.push_back(std::move(arrays[3]));
  check_idx_pair(images[0], labels[0], dir + "/train");
  check_idx_pair(images[1], labels[1], dir + "/t10k");
  Dataset data = make_image_dataset("fashion-mnist", images, labels);
  data.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  data.num_classes = 10;
  data.predefined_test_rows = images[1].shape[0];
  data.content_hash = combine({hashes[0], hashes[1], hashes[2], hashes[3]});
  return data;
}

Dataset load_idx_dataset(const std::string& path, const std::string& bytes) {
  IdxArray images = parse_idx(bytes, path);
  if (images.shape.size() != 3) {
    throw_input(
        "{}: an IDX array of rank {} ({}); a data set needs the images file (rank 3: n x "
        "height x width) with its labels file beside it",
        path, images.shape.size(), shape_text(images));
  }
  const std::string labels_file = labels_path_for(path);
  if (labels_file == path || !std::filesystem::exists(labels_file)) {
    throw_input("{}: no labels file beside it (looked for '{}')", path, labels_file);
  }
  const std::string label_bytes = read_maybe_gzip(labels_file);
  const IdxArray labels = parse_idx(label_bytes, labels_file);
  check_idx_pair(images, labels, path);
  std::vector<IdxArray> image_parts, label_parts;
  image_parts.push_back(std::move(images));
  label_parts.push_back(labels);
  Dataset data = make_image_dataset(path, image_parts, label_parts);
  int max_label = 0;
  for (std::uint8_t y : labels.data) max_label = std::max<int>(max_label, y);
  for (int k = 0; k <= max_label; ++k) data.class_names.push_back(std::to_string(k));
  data.num_classes = max_label + 1;
  data.content_hash = combine({xxh64(bytes), xxh64(label_bytes)});
  return data;
}

// Classification with the target column's distinct texts, in sorted order, as the classes.
Dataset with_text_classes(Dataset data, const std::vector<std::string>& labels) {
  std::map<std::string, int> classes;
  for (const std::string& label : labels) {
    classes.emplace(label, 0);
    if (classes.size() > kMaxTextClasses) {
      throw_input("{}: the target column holds more than {} distinct texts (class names)",
                  data.name, kMaxTextClasses);
    }
  }
  int k = 0;
  for (auto& [label, index] : classes) {
    index = k++;
    data.class_names.push_back(label);
  }
  data.targets.resize(static_cast<Index>(labels.size()));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    data.targets[static_cast<Index>(i)] = classes[labels[i]];
  }
  data.task = Task::classification;
  data.num_classes = k;
  return data;
}

// "a, b, c, ... (40 columns)": the first names of a header, for a note.
std::string column_list(const std::vector<std::string>& columns) {
  constexpr std::size_t kShown = 6;
  std::string out;
  for (std::size_t j = 0; j < std::min(kShown, columns.size()); ++j) {
    out += (j == 0 ? "" : ", ") + columns[j];
  }
  if (columns.size() > kShown) out += fmt::format(", ... ({} columns)", columns.size());
  return out;
}

// The target column as a later load can name it again: its header name if unique, else its index.
std::string target_key(const Table& table, Index target) {
  const std::string& name = table.columns[static_cast<std::size_t>(target)];
  const bool unique = std::count(table.columns.begin(), table.columns.end(), name) == 1;
  return table.header && unique ? name : std::to_string(target);
}

Dataset load_csv_dataset(const std::string& path, const std::string& text,
                         const DatasetOptions& options) {
  CsvOptions csv;
  csv.drop_missing = options.drop_missing;
  csv.text_column = options.target.empty() ? "-1" : options.target;  // class names may be text
  const Table table = parse_csv(text, path, csv);
  if (table.values.cols() < 2) {
    throw_input("{}: needs at least one feature and a target column", path);
  }
  const Index target = table.text_column;
  Dataset data;
  data.name = path;
  data.content_hash = xxh64(text);
  data.target = target_key(table, target);
  if (table.header) {
    data.notes.push_back(fmt::format("{}: the first row is read as the header: {}", path,
                                     column_list(table.columns)));
  }
  const Index n = table.values.rows();
  const Index d = table.values.cols() - 1;
  data.features.resize(n, d);
  for (Index j = 0, k = 0; j <= d; ++j) {
    if (j == target) continue;
    data.features.col(k) = table.values.col(j);
    data.feature_names.push_back(table.columns[static_cast<std::size_t>(j)]);
    ++k;
  }
  const Vec y = table.values.col(target);
  if (y.array().isNaN().any()) return with_text_classes(std::move(data), table.text);
  std::map<double, int> classes;
  bool integral = true;
  for (Index i = 0; i < n && integral; ++i) {
    integral = y[i] == std::floor(y[i]) && y[i] >= 0.0 && y[i] < kMaxLabel;
    if (integral) classes.emplace(y[i], 0);
    if (classes.size() > kMaxClasses) integral = false;
  }
  const std::size_t allowed = std::max<std::size_t>(2, static_cast<std::size_t>(n) / kRowsPerClass);
  if (!integral || classes.size() > allowed) {
    data.targets = y;
    data.task = Task::regression;
    return data;
  }
  int k = 0;
  for (auto& [label, index] : classes) {
    index = k++;
    data.class_names.push_back(fmt::format("{}", label));
  }
  data.targets.resize(n);
  for (Index i = 0; i < n; ++i) data.targets[i] = classes[y[i]];
  data.task = Task::classification;
  data.num_classes = k;
  return data;
}

bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// IDX by name (MNIST's "train-images-idx3-ubyte", "x.idx") or by a first byte no text has.
bool looks_like_idx(const std::string& path, std::string_view head) {
  if (!head.empty() && head[0] == 0) return true;
  const std::string name = std::filesystem::path(path).filename().string();
  for (std::size_t at = name.find("idx"); at != std::string::npos; at = name.find("idx", at + 1)) {
    if (at + 3 == name.size() || std::isdigit(static_cast<unsigned char>(name[at + 3])))
      return true;
  }
  return name.find("ubyte") != std::string::npos;
}

// Reads the file once and loads it as CSV or IDX (see load_dataset).
Dataset load_file(const std::string& path, const DatasetOptions& options) {
  InputFile file(path);
  const bool csv_name =
      has_suffix(path, ".csv") || has_suffix(path, ".csv.gz") || has_suffix(path, ".txt");
  if (csv_name || (!is_gzip(file.head(2)) && !looks_like_idx(path, file.head(1)))) {
    return load_csv_dataset(path, read_maybe_gzip(file, true), options);
  }
  if (!is_gzip(file.head(2))) {
    // Stop at the header when it is wrong, and at its size when more follows (/dev/zero).
    const std::uint64_t size = idx_file_size(file.head(kMaxIdxHeader), path);
    if (size >= kMaxInputBytes) {
      throw_input("{}: IDX header: its shape needs {}, over the limit of {} on input files", path,
                  format_size(size), format_size(kMaxInputBytes));
    }
    const std::string_view head = file.head(static_cast<std::size_t>(size) + 1);
    if (head.size() > size) throw_input("{}: more bytes than its IDX header's shape needs", path);
  }
  const std::string bytes = read_maybe_gzip(file);
  if (looks_like_idx(path, std::string_view(bytes).substr(0, 1))) {
    return load_idx_dataset(path, bytes);
  }
  return load_csv_dataset(path, bytes, options);
}

}  // namespace

std::vector<std::string> builtin_dataset_names() {
  return {"digits", "iris", "breast_cancer", "wine", "diabetes", "fashion-mnist"};
}

Dataset load_dataset(std::string_view name_or_path, const DatasetOptions& options) {
  std::string key(name_or_path);
  std::replace(key.begin(), key.end(), '-', '_');
  if (key == "digits") return load_digits();
  if (key == "iris") return load_iris();
  if (key == "breast_cancer") return load_breast_cancer();
  if (key == "wine") return load_wine();
  if (key == "diabetes") return load_diabetes();
  if (key == "fashion_mnist") return load_fashion_mnist();

  const std::string path(name_or_path);
  if (!std::filesystem::exists(path)) {
    std::string names;
    for (const std::string& n : builtin_dataset_names()) names += (names.empty() ? "" : ", ") + n;
    throw_input("no data set '{}': not a built-in name ({}) and no such file", path, names);
  }
  return load_file(path, options);
}

}  // namespace descent::io
