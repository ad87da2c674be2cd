// The training request of `descent serve` (query parameters in, TrainOptions out) and the JSON
// of its events, in the shapes `descent train --json` prints.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "common/run_json.hpp"
#include "descent/core/run_summary.hpp"
#include "descent/io/dataset.hpp"
#include "serve/api.hpp"

namespace descent::serve {
namespace {

// The data sets compiled into the binary; the page never names a file on the server, and
// fashion-mnist (60,000 images) is more than a page's run needs.
constexpr std::array<std::string_view, 5> kTrainData{"digits", "iris", "breast_cancer", "wine",
                                                     "diabetes"};

std::int64_t integer(const std::string& key, const std::string& text, std::int64_t lo,
                     std::int64_t hi) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw ApiError(400, fmt::format("'{}' = '{}'; expected an integer", key, text));
  }
  if (n < lo) throw ApiError(400, fmt::format("'{}' = {}; must be at least {}", key, n, lo));
  if (n > hi) throw ApiError(413, fmt::format("'{}' = {}; at most {}", key, n, hi));
  return n;
}

std::string spec(const std::string& key, const std::string& text, const Limits& limits) {
  if (text.size() > limits.max_spec_chars) {
    throw ApiError(413, fmt::format("'{}' has {} characters; at most {}", key, text.size(),
                                    limits.max_spec_chars));
  }
  return text;
}

}  // namespace

TrainRequest parse_train(const std::multimap<std::string, std::string>& params,
                         const Limits& limits) {
  TrainRequest r;
  r.options.epochs = 20;
  for (const auto& [key, value] : params) {
    if (key == "data") {
      if (std::find(kTrainData.begin(), kTrainData.end(), value) == kTrainData.end()) {
        throw ApiError(400, fmt::format("data '{}' is not one of the built-in sets: {}", value,
                                        fmt::join(kTrainData, ", ")));
      }
      r.data = value;
    } else if (key == "model") {
      r.options.model = spec(key, value, limits);
    } else if (key == "optimizer") {
      r.options.optimizer = spec(key, value, limits);
    } else if (key == "schedule") {
      r.options.schedule = spec(key, value, limits);
    } else if (key == "epochs") {
      r.options.epochs = integer(key, value, 1, limits.max_epochs);
    } else if (key == "batch_size") {
      r.options.batch_size = integer(key, value, 0, 100'000);
    } else if (key == "seed") {
      r.options.seed = static_cast<std::uint64_t>(integer(key, value, 0, INT64_MAX));
    } else {
      throw ApiError(400, fmt::format("unknown parameter '{}'; known: data, model, optimizer, "
                                      "schedule, epochs, batch_size, seed",
                                      key));
    }
  }
  return r;
}

nlohmann::json epoch_json(const ml::EpochRecord& e, bool classification, bool has_test) {
  const auto test = [has_test](double v) {
    return has_test ? apps::json_num(v) : nlohmann::json(nullptr);
  };
  return {{"epoch", e.epoch},
          {"train_loss", apps::json_num(e.train_loss)},
          {"test_loss", test(e.test_loss)},
          {classification ? "test_accuracy" : "test_r2", test(e.test_metric)},
          {"lr", apps::json_num(e.lr)},
          {"seconds", e.seconds}};
}

nlohmann::json train_summary_json(const std::string& data, const ml::TrainOptions& options,
                                  const ml::TrainResult& r) {
  const bool cls = r.history.classification;
  const bool has_test = r.test_rows > 0;
  nlohmann::json epochs = nlohmann::json::array();
  for (const auto& e : r.history.epochs) epochs.push_back(epoch_json(e, cls, has_test));
  nlohmann::json doc{
      {"data", data},
      {"model", r.model},
      {"optimizer", r.optimizer},
      {"schedule", r.schedule},
      {"batch_size",
       options.batch_size == 0 ? nlohmann::json("full") : nlohmann::json(options.batch_size)},
      {"parameters", r.parameters},
      {"train_rows", r.train_rows},
      {"test_rows", r.test_rows},
      {"epochs", epochs},
      {"train_loss", apps::json_num(r.train_loss)},
      {"test_loss", has_test ? apps::json_num(r.test_loss) : nlohmann::json(nullptr)},
      {cls ? "test_accuracy" : "test_r2",
       has_test ? apps::json_num(r.test_metric) : nlohmann::json(nullptr)},
      {"best_epoch", r.best_epoch},
      {"reason", std::string(to_string(r.reason))},
      {"ranks", r.ranks},
      {"threads", r.threads}};
  if (!r.message.empty()) doc["message"] = r.message;
  return doc;
}

}  // namespace descent::serve
