#include "serve/server.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string_view>

#include "descent/core/error.hpp"
#include "descent/ml/data.hpp"
#include "descent/ml/model.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/schedule.hpp"
#include "serve/assets.hpp"
// After Eigen (through the headers above): httplib.h brings <resolv.h>, whose _res macro breaks
// Eigen's headers.
#include <httplib.h>

namespace descent::serve {
namespace {

// A count of things running at once with a ceiling: take() fails past it.
class Slots {
 public:
  explicit Slots(int max) : max_(max) {}
  bool take() {
    std::lock_guard lock(mutex_);
    if (used_ >= max_) return false;
    ++used_;
    return true;
  }
  void give() {
    {
      std::lock_guard lock(mutex_);
      --used_;
    }
    changed_.notify_all();
  }
  int used() const {
    std::lock_guard lock(mutex_);
    return used_;
  }
  bool wait_zero(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return used_ == 0; });
  }

 private:
  int max_;
  int used_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
};

// One slot held for as long as this lives (shared by the lambdas of a streamed response).
struct SlotHold {
  explicit SlotHold(Slots& s) : slots(s) {}
  ~SlotHold() { slots.give(); }
  SlotHold(const SlotHold&) = delete;
  SlotHold& operator=(const SlotHold&) = delete;
  Slots& slots;
};

std::shared_ptr<SlotHold> hold(Slots& slots, const char* what, int max) {
  if (!slots.take()) {
    throw ApiError(429,
                   fmt::format("{} {} run at once already; try again when one ends", max, what));
  }
  return std::make_shared<SlotHold>(slots);
}

std::string_view mime_type(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "application/javascript; charset=utf-8";  // not compressed
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

// With the charset named, httplib does not compress the answer: its brotli (quality 11) takes
// seconds for a 200 x 200 grid, far longer than sending it uncompressed over loopback.
constexpr const char* kJson = "application/json; charset=utf-8";

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), kJson);
}

// Runs a handler; a refused request answers its status with {"error": ...}.
void guarded(httplib::Response& res, const std::function<void()>& handler) {
  try {
    handler();
  } catch (const ApiError& e) {
    send_json(res, e.status(), error_json(e.status(), e.what()));
  } catch (const Error& e) {
    const int status =
        e.code() == ErrorCode::bad_usage || e.code() == ErrorCode::bad_input ? 400 : 500;
    send_json(res, status, error_json(status, e.what()));
  } catch (const nlohmann::json::exception& e) {
    send_json(res, 400, error_json(400, fmt::format("the body is not valid JSON: {}", e.what())));
  } catch (const std::bad_alloc&) {
    send_json(res, 413, error_json(413, "the request needs more memory than the server has"));
  } catch (const std::exception& e) {
    send_json(res, 500, error_json(500, e.what()));
  }
}

bool send_event(httplib::DataSink& sink, std::string_view event, const nlohmann::json& data) {
  const std::string text = fmt::format("event: {}\ndata: {}\n\n", event, data.dump());
  return sink.write(text.data(), text.size());
}

}  // namespace

struct Server::Impl {
  explicit Impl(const Limits& l) : limits(l), runs(l.max_runs), trainings(l.max_trainings) {}

  struct Run {
    std::atomic<bool> stop{false};
  };

  Limits limits;
  httplib::Server http;
  Slots runs;
  Slots trainings;
  std::atomic<bool> stopping{false};
  std::mutex runs_mutex;
  std::map<std::uint64_t, std::shared_ptr<Run>> training_runs;
  std::uint64_t next_id = 1;

  void routes();
  void post_json(const std::string& path, std::function<std::string(const nlohmann::json&)> fn);
  void start_training(const httplib::Request& req, httplib::Response& res);
  void stream_training(const ml::LabeledData& data, const TrainRequest& request, std::uint64_t id,
                       Run& run, httplib::DataSink& sink);
  void cancel(const httplib::Request& req, httplib::Response& res);
};

void Server::Impl::post_json(const std::string& path,
                             std::function<std::string(const nlohmann::json&)> fn) {
  http.Post(path, [this, fn](const httplib::Request& req, httplib::Response& res) {
    guarded(res, [&] {
      const auto body = nlohmann::json::parse(req.body);
      const auto slot = hold(runs, "contours and races", limits.max_runs);
      res.set_content(fn(body), kJson);
    });
  });
}

void Server::Impl::routes() {
  http.Get("/api/problems", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, problems_json());
  });
  post_json("/api/contour", [this](const nlohmann::json& r) { return contour_json(r, limits); });
  post_json("/api/race",
            [this](const nlohmann::json& r) { return race_json(r, limits, &stopping).dump(); });
  http.Get("/api/train", [this](const httplib::Request& req, httplib::Response& res) {
    guarded(res, [&] { start_training(req, res); });
  });
  http.Post(R"(/api/train/(\d+)/cancel)",
            [this](const httplib::Request& req, httplib::Response& res) {
              guarded(res, [&] { cancel(req, res); });
            });
  // The page: web/index.html at /, the other files of web/ by name.
  http.Get(R"(/([A-Za-z0-9_.-]*))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1].str().empty() ? "index.html" : req.matches[1].str();
    for (const auto& asset : detail::web_assets()) {
      if (asset.name == name) {
        res.set_content(std::string(asset.bytes), std::string(mime_type(name)));
        return;
      }
    }
    send_json(res, 404, error_json(404, fmt::format("no page '{}'", req.path)));
  });
  // Statuses httplib sets itself (404 unrouted, 413 payload too large, 400 malformed) get a
  // JSON body too.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const std::string message = res.status == 404
                                        ? fmt::format("no endpoint {} {}", req.method, req.path)
                                    : res.status == 413 ? "the request body is too large"
                                                        : fmt::format("HTTP {}", res.status);
        send_json(res, res.status, error_json(res.status, message));
        return httplib::Server::HandlerResponse::Handled;
      }));
}

void Server::Impl::start_training(const httplib::Request& req, httplib::Response& res) {
  const TrainRequest request = parse_train(req.params, limits);
  // Specs are checked before the stream starts, so that a mistake is a 400 with its message.
  auto data = std::make_shared<const ml::LabeledData>(ml::load_labeled(request.data));
  const std::string model =
      request.options.model.empty() ? ml::default_model(data->shape) : request.options.model;
  constexpr Index kMaxParameters = 2'000'000;  // about a second an epoch on digits
  if (const Index n = ml::count_params(model, data->shape); n > kMaxParameters) {
    throw ApiError(413, fmt::format("{} has {} parameters; the page trains at most {}", model, n,
                                    kMaxParameters));
  }
  if (!request.options.optimizer.empty()) {
    const auto optimizer = optim::make_optimizer(request.options.optimizer);
    optim::make_schedule(request.options.schedule, optimizer->lr(), 1);
  }
  auto slot = hold(trainings, "training runs", limits.max_trainings);
  auto run = std::make_shared<Run>();
  std::uint64_t id = 0;
  {
    std::lock_guard lock(runs_mutex);
    id = next_id++;
    training_runs[id] = run;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, data, request, id, run, slot](std::size_t, httplib::DataSink& sink) {
        stream_training(*data, request, id, *run, sink);
        sink.done();
        return true;
      },
      [this, id](bool) {
        std::lock_guard lock(runs_mutex);
        training_runs.erase(id);
      });
}

void Server::Impl::stream_training(const ml::LabeledData& data, const TrainRequest& request,
                                   std::uint64_t id, Run& run, httplib::DataSink& sink) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(limits.train_seconds));
  auto last_write = Clock::now();
  if (!send_event(sink, "start", {{"id", id}, {"data", request.data}})) return;
  ml::TrainCallbacks callbacks;
  callbacks.stop = &run.stop;
  callbacks.on_epoch = [&](const ml::EpochRecord& e) {
    if (!send_event(sink, "epoch",
                    epoch_json(e, data.shape.classification, !std::isnan(e.test_loss)))) {
      run.stop = true;  // the connection closed: its run ends
    }
    last_write = Clock::now();
  };
  // Between epochs a comment line every 200 ms finds out whether the client is still there.
  callbacks.on_batch = [&](std::int64_t, std::int64_t, std::int64_t) {
    const auto now = Clock::now();
    if (stopping || now > deadline) run.stop = true;
    if (now - last_write > std::chrono::milliseconds(200)) {
      last_write = now;
      constexpr std::string_view kAlive = ": alive\n\n";
      if (!sink.write(kAlive.data(), kAlive.size())) run.stop = true;
    }
  };
  try {
    const ml::TrainResult result = ml::train(data, request.options, callbacks);
    send_event(sink, "done", train_summary_json(request.data, request.options, result));
  } catch (const std::exception& e) {
    send_event(sink, "failed", error_json(400, e.what()));
  }
}

void Server::Impl::cancel(const httplib::Request& req, httplib::Response& res) {
  const std::uint64_t id = std::stoull(req.matches[1].str());
  std::lock_guard lock(runs_mutex);
  const auto it = training_runs.find(id);
  if (it == training_runs.end())
    throw ApiError(404, fmt::format("no training run {} is running", id));
  it->second->stop = true;
  send_json(res, 200, {{"id", id}, {"cancelled", true}});
}

Server::Server(const Limits& limits) : impl_(std::make_unique<Impl>(limits)) {
  auto& http = impl_->http;
  const auto threads = static_cast<std::size_t>(std::max(1, limits.threads));
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(limits.max_body_bytes);
  http.set_read_timeout(limits.timeout_seconds, 0);
  http.set_write_timeout(limits.timeout_seconds, 0);
  http.set_keep_alive_timeout(limits.keep_alive_seconds);
  http.set_keep_alive_max_count(100);
  http.set_default_headers(
      {{"Content-Security-Policy", "default-src 'self'"}, {"X-Content-Type-Options", "nosniff"}});
  impl_->routes();
}

Server::~Server() { stop(); }

int Server::bind(const std::string& host, int port) {
  // A client that goes away mid-response is a failed write, not a signal that ends the process.
  std::signal(SIGPIPE, SIG_IGN);
  const int bound = port == 0 ? impl_->http.bind_to_any_port(host)
                              : (impl_->http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    throw Error(ErrorCode::io, fmt::format("cannot listen on {}:{} (in use, or not an address of "
                                           "this machine)",
                                           host, port));
  }
  return bound;
}

void Server::run() { impl_->http.listen_after_bind(); }

bool Server::running() const { return impl_->http.is_running(); }

void Server::stop() {
  impl_->stopping = true;
  {
    std::lock_guard lock(impl_->runs_mutex);
    for (auto& [id, run] : impl_->training_runs) run->stop = true;
  }
  impl_->http.stop();
}

int Server::trainings() const { return impl_->trainings.used(); }

bool Server::wait_no_trainings(std::chrono::milliseconds timeout) const {
  return impl_->trainings.wait_zero(timeout);
}

}  // namespace descent::serve
