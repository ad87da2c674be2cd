// What the endpoints of `descent serve` compute, as JSON in and JSON out (docs/api.md), apart
// from HTTP (server.cpp): the contour grid of a formula, a race of optimizers, the problems,
// and the parsing of a training request. Every size a request controls is checked against
// Limits first; a breach is an ApiError with the HTTP status to answer (400 bad input, 413 too
// large). Example: nlohmann::json r = race_json(nlohmann::json::parse(body), Limits{}, nullptr);
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "descent/ml/checkpoint.hpp"
#include "descent/ml/trainer.hpp"

namespace descent::serve {

// What one request may ask for, and what the server runs at once. The defaults keep a request
// under about a second of work and the whole server within a few hundred megabytes.
struct Limits {
  std::size_t max_body_bytes = 64 * 1024;  // a request's body (413 beyond)
  std::size_t max_formula_chars = 1000;    // a formula (413)
  std::size_t max_spec_chars = 200;        // an optimizer, schedule or model spec (413)
  std::size_t max_resolution = 500;        // contour grid nodes per axis (413)
  std::size_t max_levels = 100;            // contour levels (413)
  std::int64_t max_steps = 100'000;        // steps of each optimizer in a race (413)
  std::size_t max_optimizers = 8;          // optimizers in one race (413)
  std::int64_t max_epochs = 1000;          // epochs of a training run (413)
  int max_runs = 4;                        // contours and races computing at once (429 beyond)
  int max_trainings = 2;                   // training streams at once (429 beyond)
  double run_seconds = 10.0;               // a race's optimizers stop after this (reason stopped)
  double train_seconds = 120.0;            // a training run stops after this
  // The server's worker threads: each serves one connection at a time, also while it idles
  // between requests (browsers keep several open, some opened ahead of use).
  int threads = 32;
  int timeout_seconds = 5;     // reading a request / writing a response
  int keep_alive_seconds = 2;  // an idle connection is closed after this
};

// A refused request: the HTTP status (400, 404, 413, 429) and a message for the user.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

// GET /api/problems: {"problems": [...]} as `descent problems --json` prints it.
nlohmann::json problems_json();

// POST /api/contour: {"expr", "range": [x_lo, x_hi, y_lo, y_hi], "resolution", "levels"}.
// Two variables: the grid of f and |grad f|, the levels and their colours (the PNG plots');
// one variable: the curve. Throws ApiError (400, 413) or descent::Error for a bad formula.
// Returns the JSON text (its grid arrays are written directly, see api.cpp).
std::string contour_json(const nlohmann::json& request, const Limits& limits);

// POST /api/race: {"expr", "at": [...], "optimizers": [spec, ...], "schedule", "steps", "tol"}.
// Each optimizer runs from `at` as `descent minimize --json --trace` would (the same objective,
// the same numbers) and its run is reported in that shape. A run stops early when `stop` turns
// true or after limits.run_seconds (reason stopped_by_callback).
nlohmann::json race_json(const nlohmann::json& request, const Limits& limits,
                         const std::atomic<bool>* stop);

// GET /api/train?data=digits&model=...: the data set (a built-in one by name; never a file)
// and the training options, checked against the limits (ApiError 400 / 413).
struct TrainRequest {
  std::string data = "digits";
  ml::TrainOptions options{};
};
TrainRequest parse_train(const std::multimap<std::string, std::string>& params,
                         const Limits& limits);

// One epoch as `descent train --json` prints it in "epochs".
nlohmann::json epoch_json(const ml::EpochRecord& record, bool classification, bool has_test);

// The run's summary as `descent train --json` prints it.
nlohmann::json train_summary_json(const std::string& data, const ml::TrainOptions& options,
                                  const ml::TrainResult& result);

// The JSON body of an error: {"error": message, "status": status}.
nlohmann::json error_json(int status, const std::string& message);

}  // namespace descent::serve
