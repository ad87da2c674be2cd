// `descent predict`: applies a trained model (a checkpoint of `descent train`) to new rows.
// Example: descent predict --checkpoint run.ckpt --data new_rows.csv --out predictions.csv
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "command.hpp"
#include "descent/core/error.hpp"
#include "descent/io/csv.hpp"
#include "descent/io/files.hpp"
#include "descent/io/output_path.hpp"
#include "descent/ml/checkpoint.hpp"
#include "descent/ml/trainer.hpp"
#include "output.hpp"

namespace descent::cli {
namespace {

struct PredictArgs {
  std::string checkpoint;
  std::string data;
  std::string out;
  bool json = false;
};

// The names of the model's features that the header lacks, quoted, or "" when it has them all.
std::string missing_names(const io::Table& table, const ml::Checkpoint& c) {
  std::string missing;
  for (const auto& name : c.feature_names) {
    if (std::find(table.columns.begin(), table.columns.end(), name) != table.columns.end())
      continue;
    missing += fmt::format("{}'{}'", missing.empty() ? "" : ", ", name);
  }
  return missing;
}

// The feature columns of a CSV for the model: with a header, the training feature names (in any
// order; other columns are ignored), every one of them required; without a header, every column
// (or every column but a trailing target column) in order.
RowMat feature_columns(const io::Table& table, const ml::Checkpoint& c, const std::string& source) {
  const Index inputs = c.shape.inputs;
  std::vector<Index> picked;
  if (table.header && !c.feature_names.empty()) {
    const std::string missing = missing_names(table, c);
    if (!missing.empty()) {
      throw_input(
          "{}: the model's features {} are not among the file's columns; its header must "
          "name all {} features the model was trained on (or leave the header out and give "
          "them in training order)",
          source, missing, inputs);
    }
    for (const auto& name : c.feature_names) {
      picked.push_back(std::find(table.columns.begin(), table.columns.end(), name) -
                       table.columns.begin());
    }
  } else {
    if (table.values.cols() != inputs && table.values.cols() != inputs + 1) {
      throw_input("{}: the model takes {} features; the file has {} columns", source, inputs,
                  table.values.cols());
    }
    for (Index j = 0; j < inputs; ++j) picked.push_back(j);
  }
  RowMat x(table.values.rows(), inputs);
  for (Index j = 0; j < inputs; ++j) x.col(j) = table.values.col(picked[static_cast<std::size_t>(j)]);
  return x;
}

RowMat load_features(const std::string& data, const ml::Checkpoint& c) {
  if (std::filesystem::exists(data)) {
    const io::Table table = io::read_csv(data);
    if (table.header)
      std::cerr << "descent: note: " << data << ": the first row is read as the header\n";
    return feature_columns(table, c, data);
  }
  // Not a file: a built-in data set by name (all of its rows).
  return ml::load_labeled(data).features;
}

std::string class_label(const ml::Checkpoint& c, double index) {
  const auto i = static_cast<std::size_t>(index);
  return i < c.class_names.size() ? c.class_names[i] : fmt::format("{}", i);
}

std::string to_csv(const ml::Checkpoint& c, const ml::Predictions& p) {
  std::string out = "prediction";
  const std::size_t classes = p.probabilities.empty() ? 0 : p.probabilities.front().size();
  for (std::size_t k = 0; k < classes; ++k) out += ",p_" + class_label(c, static_cast<double>(k));
  out += '\n';
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    out += p.classification ? class_label(c, p.values[i]) : fmt::format("{:.17g}", p.values[i]);
    for (std::size_t k = 0; k < classes; ++k) out += fmt::format(",{:.6g}", p.probabilities[i][k]);
    out += '\n';
  }
  return out;
}

nlohmann::json to_json(const ml::Checkpoint& c, const ml::Predictions& p) {
  nlohmann::json doc = {{"model", c.model}, {"rows", p.values.size()}};
  if (p.classification) {
    nlohmann::json classes = nlohmann::json::array();
    const std::size_t k = p.probabilities.empty() ? 0 : p.probabilities.front().size();
    for (std::size_t j = 0; j < k; ++j) classes.push_back(class_label(c, static_cast<double>(j)));
    doc["classes"] = classes;
    nlohmann::json predictions = nlohmann::json::array();
    for (double v : p.values) predictions.push_back(class_label(c, v));
    doc["predictions"] = predictions;
    doc["probabilities"] = p.probabilities;
  } else {
    nlohmann::json predictions = nlohmann::json::array();
    for (double v : p.values) predictions.push_back(json_num(v));
    doc["predictions"] = predictions;
  }
  return doc;
}

RunFn setup(CLI::App& sub) {
  auto a = std::make_shared<PredictArgs>();
  sub.add_option("--checkpoint", a->checkpoint, "a checkpoint written by `descent train --checkpoint`")->required();
  sub.add_option("--data", a->data, "a CSV file with the training features (by name, or in order), or a built-in set")
      ->required();
  sub.add_option("--out", a->out, "write the predictions CSV to FILE (atomically) instead of stdout");
  sub.add_flag("--json", a->json, "print one JSON document");
  return [a]() {
    io::check_output_path({"--out", a->out},
                          {{"--checkpoint", a->checkpoint}, {"--data", a->data}});
    const ml::Checkpoint checkpoint = ml::load_checkpoint(a->checkpoint);
    const ml::Predictions predictions = ml::predict(checkpoint, load_features(a->data, checkpoint));
    std::optional<Error> write_error;
    if (!a->out.empty()) {
      write_error =
          try_write([&] { io::write_file_atomic(a->out, to_csv(checkpoint, predictions)); });
    }
    if (a->json) {
      std::cout << to_json(checkpoint, predictions).dump(2) << '\n';
    } else if (a->out.empty()) {
      std::cout << to_csv(checkpoint, predictions);
    }
    return report_errors({write_error}, 0);
  };
}

const bool kRegistered = register_command({"predict", "predict with a trained model (a checkpoint)", 61, setup});

}  // namespace
}  // namespace descent::cli
