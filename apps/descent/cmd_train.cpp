// `descent train`: trains a model on a data set (digits by default) and reports every epoch.
// Example: descent train --data iris --model softmax --optimizer "adam(lr=0.01)" --epochs 50
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "args.hpp"
#include "command.hpp"
#include "curvature_output.hpp"
#include "descent/core/error.hpp"
#include "descent/io/output_path.hpp"
#include "descent/ml/checkpoint.hpp"
#include "descent/ml/curvature.hpp"
#include "descent/ml/trainer.hpp"
#include "descent/parallel/world.hpp"
#include "descent/plot/render.hpp"
#include "descent/plot/training_plot.hpp"
#include "flags.hpp"
#include "output.hpp"
#include "signals.hpp"

namespace descent::cli {
namespace {

struct TrainArgs {
  std::string data = "digits";
  std::string target;
  std::string batch_size = "32";
  ml::TrainOptions options;
  bool no_standardize = false;
  bool json = false;
  std::string plot;  // --plot FILE: loss and accuracy per epoch (plot module)
  std::string allreduce = "exact";  // several processes: exact or fast
  bool curvature = false;  // --curvature: top Hessian eigenvalues of the final training loss
  // Which flags were given (a resume takes the others from its checkpoint).
  CLI::Option* model_flag = nullptr;
  CLI::Option* optimizer_flag = nullptr;
  CLI::Option* schedule_flag = nullptr;
  CLI::Option* data_flag = nullptr;
  CLI::Option* target_flag = nullptr;
  CLI::Option* batch_flag = nullptr;
  CLI::Option* fraction_flag = nullptr;
  CLI::Option* seed_flag = nullptr;
  CLI::Option* standardize_flag = nullptr;
  CLI::Option* clip_norm_flag = nullptr;
  CLI::Option* clip_value_flag = nullptr;
  CLI::Option* early_stop_flag = nullptr;
  CLI::Option* accumulate_flag = nullptr;
  CLI::Option* param_group_flag = nullptr;
};

std::int64_t parse_batch_size(const std::string& text) {
  if (text == "full") return 0;
  const double value = parse_number(text, "--batch-size");
  if (value < 1 || value != std::floor(value) || value > static_cast<double>(ml::kMaxBatchSize)) {
    throw_usage("--batch-size must be a positive integer or 'full', got '{}'", text);
  }
  return static_cast<std::int64_t>(value);
}

// On --resume, every setting the user did not give comes from the checkpoint.
void fill_from_checkpoint(TrainArgs& a) {
  const ml::Checkpoint saved = ml::load_checkpoint(a.options.resume);
  auto& o = a.options;
  if (!*a.model_flag) o.model = saved.model;
  if (!*a.optimizer_flag) o.optimizer = saved.optimizer;
  if (!*a.schedule_flag) o.schedule = saved.schedule;
  if (!*a.data_flag) a.data = saved.data;
  if (!*a.target_flag) a.target = saved.target;
  if (!*a.batch_flag) a.batch_size = saved.batch_size == 0 ? "full" : std::to_string(saved.batch_size);
  if (!*a.fraction_flag) o.test_fraction = saved.test_fraction;
  if (!*a.seed_flag) o.seed = saved.seed;
  if (!*a.standardize_flag) a.no_standardize = !saved.standardize;
  if (!*a.clip_norm_flag) o.clip_norm = saved.clip_norm;
  if (!*a.clip_value_flag) o.clip_value = saved.clip_value;
  if (!*a.early_stop_flag) o.early_stop = saved.early_stop;
  if (!*a.accumulate_flag) o.accumulate = saved.accumulate;
  if (!*a.param_group_flag) o.param_groups = saved.param_groups;
}

// Outputs are checked before the work: writable, and none is the data or another output. The
// checkpoint may be the one resumed from (read whole first); the plot may not.
void check_outputs(const TrainArgs& a) {
  const auto& o = a.options;
  if (!a.plot.empty()) plot::format_from_path(a.plot);  // a bad extension fails before training
  io::check_output_path({"--checkpoint", o.checkpoint}, {{"--data", a.data}});
  io::check_output_path({"--plot", a.plot}, {{"--data", a.data}, {"--resume", o.resume}},
                        {{"--checkpoint", o.checkpoint}});
}

// "epoch 3/20 [########            ] 45/90" on stderr, redrawn in place.
void draw_progress(std::int64_t epoch, std::int64_t epochs, std::int64_t done, std::int64_t total) {
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(kWidth * done / std::max<std::int64_t>(total, 1));
  std::cerr << fmt::format("\repoch {}/{} [{}{}] {}/{}", epoch, epochs, std::string(filled, '#'),
                           std::string(kWidth - filled, ' '), done, total)
            << std::flush;
}

std::string metric_name(bool classification) { return classification ? "test_accuracy" : "test_r2"; }

nlohmann::json to_json(const TrainArgs& a, const ml::TrainResult& r, const ml::Combiner* processes) {
  const bool cls = r.history.classification;
  // Without a test set (--test-fraction 0) the test figures are null, not NaN.
  const auto test_num = [&r](double v) {
    return r.test_rows == 0 ? nlohmann::json(nullptr) : json_num(v);
  };
  nlohmann::json epochs = nlohmann::json::array();
  for (const auto& e : r.history.epochs) {
    epochs.push_back({{"epoch", e.epoch},
                      {"train_loss", json_num(e.train_loss)},
                      {"test_loss", test_num(e.test_loss)},
                      {metric_name(cls), test_num(e.test_metric)},
                      {"lr", json_num(e.lr)},
                      {"seconds", e.seconds},
                      {"train_seconds", e.train_seconds}});
  }
  nlohmann::json doc = {
      {"data", a.data},
      {"model", r.model},
      {"optimizer", r.optimizer},
      {"schedule", r.schedule},
      {"batch_size",
       a.options.batch_size == 0 ? nlohmann::json("full") : nlohmann::json(a.options.batch_size)},
      {"parameters", r.parameters},
      {"train_rows", r.train_rows},
      {"test_rows", r.test_rows},
      {"epochs", epochs},
      {"train_loss", json_num(r.train_loss)},
      {"test_loss", test_num(r.test_loss)},
      {metric_name(cls), test_num(r.test_metric)},
      {"best_epoch", r.best_epoch},
      {"accumulate", a.options.accumulate},
      {"reason", std::string(to_string(r.reason))},
      {"ranks", r.ranks},
      {"threads", r.threads}};
  if (processes) {
    doc["allreduce"] = a.allreduce;
    doc["communication_seconds"] = processes->communication_seconds();  // process 0's, waiting included
  }
  if (!a.options.early_stop.empty()) {
    doc["early_stop"] = {{"kept_epoch", r.kept_epoch}, {"stopped", r.early_stopped}};
  }
  if (!a.options.param_groups.empty()) doc["param_groups"] = a.options.param_groups;
  if (!r.message.empty()) doc["message"] = flag_message(r.message);
  if (r.reason == StopReason::stopped_by_callback) doc["signal"] = signal_name(stop_signal());
  return doc;
}

// "1 process x 2 threads", "4 processes (exact allreduce) x 1 thread"
std::string processes(const TrainArgs& a, const ml::TrainResult& r) {
  return fmt::format("{} process{}{} x {} thread{}", r.ranks, r.ranks == 1 ? "" : "es",
                     r.ranks == 1 ? "" : fmt::format(" ({} allreduce)", a.allreduce), r.threads, r.threads == 1 ? "" : "s");
}

void print_human(const TrainArgs& a, const ml::TrainResult& r) {
  const bool cls = r.history.classification;
  std::cout << fmt::format("{} on {} ({} train / {} test rows), {} parameters, {}, batch {}, {}\n", r.model, a.data,
                           r.train_rows, r.test_rows, r.parameters, r.optimizer,
                           a.options.batch_size == 0 ? std::string("full") : std::to_string(a.options.batch_size),
                           processes(a, r));
  const bool tested = r.test_rows > 0;  // --test-fraction 0: no test columns, no NaN
  std::vector<std::string> header{"epoch", "train loss"};
  if (tested) header.insert(header.end(), {"test loss", cls ? "test acc" : "test R^2"});
  header.insert(header.end(), {"lr", "seconds"});
  Table table(header);
  for (const auto& e : r.history.epochs) {
    std::vector<std::string> row{std::to_string(e.epoch), fmt_num(e.train_loss)};
    if (tested) {
      row.insert(row.end(), {fmt_num(e.test_loss), cls ? fmt::format("{:.2f}%", 100 * e.test_metric)
                                                       : fmt_num(e.test_metric)});
    }
    row.insert(row.end(), {fmt_num(e.lr, 4), fmt::format("{:.2f}", e.seconds)});
    table.add_row(row);
  }
  table.print(std::cout);
  const std::string metric = cls ? fmt::format("test accuracy {:.2f}%", 100 * r.test_metric)
                                 : fmt::format("test R^2 {}", fmt_num(r.test_metric));
  const char* outcome = r.reason == StopReason::diverged              ? "diverged"
                        : r.reason == StopReason::stopped_by_callback ? "interrupted"
                        : r.early_stopped                              ? "stopped early"
                                                                      : "done";
  const std::string test = tested ? fmt::format("test loss {}, {}", fmt_num(r.test_loss), metric)
                                  : std::string("no test set (--test-fraction 0)");
  std::cout << fmt::format("{}: train loss {}, {}\n", outcome, fmt_num(r.train_loss), test);
  if (!a.options.early_stop.empty() && r.reason != StopReason::diverged) {
    std::cout << fmt::format("early stopping ({}): kept epoch {}, its parameters are the result{}\n",
                             r.final_state.early_stop, r.kept_epoch,
                             a.options.checkpoint.empty() ? "" : " (predict uses them)");
  }
}

// On a stop by signal: what was kept, on stderr. Returns 128 + the signal, as a shell would.
int report_interrupt(const TrainArgs& a, const ml::TrainResult& r) {
  const int signal = stop_signal();
  const std::int64_t epochs = r.history.epochs.empty() ? 0 : r.history.epochs.back().epoch;
  std::string kept = "an epoch in progress is not kept";
  if (!a.options.checkpoint.empty() && r.checkpoint_error.empty()) {
    kept += fmt::format("; {} holds epoch {}: continue with --resume {}", a.options.checkpoint,
                        epochs, a.options.checkpoint);
  }
  std::cout.flush();
  std::cerr << fmt::format("descent: interrupted by {}: stopped after epoch {} of {} ({})\n",
                           signal_name(signal), epochs, a.options.epochs, kept);
  return 128 + signal;
}

int run_train(TrainArgs& a) {
  auto& opts = a.options;
  if (!opts.resume.empty()) fill_from_checkpoint(a);
  opts.batch_size = parse_batch_size(a.batch_size);
  opts.standardize = !a.no_standardize;
  // Under mpirun every process trains; process 0 alone checks and writes files and prints.
  const parallel::World* world = parallel::World::current();
  const bool lead = !world || world->rank() == 0;
  if (lead) check_outputs(a);
  const ml::LabeledData data = ml::load_labeled(a.data, {.target = a.target});
  if (lead) {
    for (const std::string& note : data.notes) std::cerr << "descent: note: " << note << '\n';
  }
  const auto combiner =
      world ? world->combiner(a.allreduce == "fast" ? ml::Reduction::fast : ml::Reduction::exact)
            : nullptr;
  opts.combiner = combiner.get();

  ml::TrainCallbacks callbacks;
  // One process stops cleanly after a batch on SIGINT / SIGTERM. Under mpirun the processes
  // would stop at different batches and wait on each other, so a signal ends the job at once
  // (the last checkpoint is whole: it is renamed into place).
  if (!world || world->alone()) callbacks.stop = request_graceful_stop();
  const bool progress = lead && stderr_is_terminal() && !a.json;
  if (progress) {
    callbacks.on_batch = [epochs = opts.epochs](std::int64_t epoch, std::int64_t done,
                                                std::int64_t total) {
      if (done == total || done % 8 == 0) draw_progress(epoch, epochs, done, total);
    };
  }
  const ml::TrainResult result = ml::train(data, opts, callbacks);
  if (progress) std::cerr << "\r\033[K" << std::flush;
  if (!lead) return result.reason == StopReason::diverged ? 3 : 0;
  std::optional<optim::Curvature> curvature;
  if (a.curvature && result.reason != StopReason::stopped_by_callback) {
    curvature = ml::training_curvature(data, result.final_state);
  }
  std::optional<Error> plot_error;
  if (!a.plot.empty()) {
    plot_error = try_write([&] {
      plot::save_training_plot(a.plot, result.history,
                               fmt::format("{} on {}", result.model, a.data));
    });
  }

  if (a.json) {
    nlohmann::json doc = to_json(a, result, combiner.get());
    if (curvature) doc["curvature"] = curvature_json(*curvature);
    std::cout << doc.dump(2) << '\n';
  } else {
    print_human(a, result);
    if (curvature) {
      std::cout << "\ncurvature of the training loss at the final parameters (Lanczos on central "
                   "differences of the full-batch gradient):\n";
      print_curvature(std::cout, *curvature);
    }
  }
  // Precedence: the signal's status, then a write error's, then divergence.
  const int interrupted =
      result.reason == StopReason::stopped_by_callback ? report_interrupt(a, result) : 0;
  std::optional<Error> checkpoint_error;
  if (!result.checkpoint_error.empty())
    checkpoint_error = Error(ErrorCode::io, result.checkpoint_error);
  int status = 0;
  if (result.reason == StopReason::diverged) {
    std::cout.flush();
    std::cerr << "descent: " << flag_message(result.message) << '\n';
    status = 3;
  }
  status = report_errors({checkpoint_error, plot_error}, status);
  return interrupted != 0 ? interrupted : status;
}

RunFn setup(CLI::App& sub) {
  auto a = std::make_shared<TrainArgs>();
  auto& o = a->options;
  a->data_flag = sub.add_option("--data", a->data, "built-in data set (digits, iris, breast_cancer, wine, diabetes, "
                                                   "fashion-mnist) or a CSV / IDX file")->capture_default_str();
  a->target_flag = sub.add_option("--target", a->target,
                                  "CSV target column (name or 0-based index; default: the last)");
  a->model_flag =
      sub.add_option("--model", o.model,
                     "linear, logistic, softmax, mlp(hidden=[64], activation=relu), "
                     "cnn(channels=[8,16], kernel=3, hidden=64); default: by data set; mlp and cnn "
                     "take init=uniform (PyTorch's default, the default), he, xavier or zeros");
  a->optimizer_flag = sub.add_option("--optimizer", o.optimizer, "a first-order optimizer spec, e.g. adam(lr=0.001, weight_decay=1e-4), or train's own "
                                                             "muon(lr=0.02) and svrg(lr=0.1); default: adam "
                                                             "for classes, sgd(lr=0.01) for linear regression, adam(lr=0.1) otherwise");
  a->schedule_flag = sub.add_option("--schedule", o.schedule, "learning-rate schedule, stepped after every step")
                         ->capture_default_str();
  a->batch_flag = sub.add_option("--batch-size", a->batch_size, "samples per step: N, 1 (SGD) or full (batch GD)")
                      ->capture_default_str();
  sub.add_option("--epochs", o.epochs, "epochs in total (a resumed run continues up to this)")
      ->capture_default_str()
      ->check(integer_in(0, ml::kMaxEpochs));
  a->fraction_flag = sub.add_option("--test-fraction", o.test_fraction,
                                    "share of rows held out for testing, in [0, 1)")
                         ->capture_default_str()
                         ->check(number_in(0, 1, false, /*hi_open=*/true));
  a->seed_flag = sub.add_option("--seed", o.seed, "seed of the split, initialization and shuffling")
                     ->capture_default_str()
                     ->check(seed_value());
  sub.add_option("--checkpoint", o.checkpoint, "write a checkpoint to FILE after every epoch");
  sub.add_option("--resume", o.resume, "continue from a checkpoint (settings not given come from it)");
  a->standardize_flag = sub.add_flag("--no-standardize", a->no_standardize, "use the features as they are");
  a->clip_norm_flag = sub.add_option("--clip-norm", o.clip_norm, "clip the gradient's norm to X")
                          ->check(number_in(0, INFINITY));
  a->clip_value_flag =
      sub.add_option("--clip-value", o.clip_value, "clip every gradient entry to [-X, X]")
          ->check(number_in(0, INFINITY));
  a->early_stop_flag = sub.add_option("--early-stop", o.early_stop,
                                      "stop after `patience` epochs without improvement and keep the best epoch: "
                                      "'patience=5, min_delta=1e-4, monitor=test_loss' (monitor: train_loss, "
                                      "test_loss, test_accuracy)");
  a->accumulate_flag = sub.add_option("--accumulate", o.accumulate,
                                      "one optimizer step per K minibatches (the mean gradient of their rows)")
                           ->check(integer_in(1, ml::kMaxAccumulate));
  a->param_group_flag = sub.add_option("--param-group", o.param_groups,
                                       "options for some parameters, as torch's param_groups (repeatable): "
                                       "'bias: weight_decay=0', 'layer1: lr=1e-4' (selectors: weight, bias, "
                                       "layerN, layerN.weight, layerN.bias)");
  sub.add_option("--threads", o.threads, "threads for the linear algebra (default: all cores)")
      ->check(integer_in(0, ml::kMaxThreads));
  sub.add_option("--allreduce", a->allreduce, "under mpirun: exact (shard gradients gathered and added in order: "
                                              "bit-identical to one process) or fast (MPI_Allreduce: not bit-identical)")
      ->check(CLI::IsMember({"exact", "fast"}))
      ->capture_default_str();
  sub.add_flag("--json", a->json, "print one JSON document");
  sub.add_flag("--curvature", a->curvature,
               "after training: the top 3 Hessian eigenvalues of the training loss (Lanczos) and "
               "the largest stable gd step 2 / lambda_max");
  sub.add_option("--plot", a->plot, "also draw loss and accuracy per epoch to FILE (.svg, .png, .pdf)");

  return [a]() { return run_train(*a); };
}

const bool kRegistered = register_command({"train", "train a model on a data set (digits by default)", 60, setup});

}  // namespace
}  // namespace descent::cli
