// `descent landscape --data NAME --model SPEC [--epochs N] [--1d] --out FILE`: trains, then draws
// the training loss on a filter-normalized random plane around the trained parameters (or, with
// --1d, along the line from the initial to the trained parameters).
// Example: descent landscape --data digits --model 'mlp(hidden=[32])' --epochs 5 --out landscape.png
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "command.hpp"
#include "descent/core/error.hpp"
#include "descent/io/output_path.hpp"
#include "descent/ml/trainer.hpp"
#include "descent/plot/landscape.hpp"
#include "descent/plot/model_landscape.hpp"
#include "descent/parallel/world.hpp"
#include "descent/plot/render.hpp"
#include "output.hpp"

namespace descent::cli {
namespace {

struct LandscapeCliOptions {
  plot::LandscapeOptions landscape;
  std::string out;
  bool json = false;
};

int run_landscape(LandscapeCliOptions& o) {
  plot::format_from_path(o.out);
  // Under mpirun the processes train together and split the grid; process 0 alone writes.
  const parallel::World* world = parallel::World::current();
  const bool lead = !world || world->rank() == 0;
  if (lead) io::check_output_path({"--out", o.out}, {{"--data", o.landscape.data}});
  const auto processes = world ? world->combiner(ml::Reduction::exact) : nullptr;
  o.landscape.processes = processes.get();
  const plot::LandscapeResult r = plot::model_landscape(o.landscape);
  if (!lead) return 0;
  const auto write_error = try_write([&] { plot::save(r.figure, o.out); });
  if (o.json) {
    nlohmann::json doc{{"file", o.out},
                       {"data", o.landscape.data},
                       {"model", r.training.model},
                       {"optimizer", r.training.optimizer},
                       {"epochs", o.landscape.epochs},
                       {"parameters", r.training.parameters},
                       {"ranks", r.training.ranks},
                       {"kind", o.landscape.one_dimensional ? "line" : "plane"},
                       {"train_loss", json_num(r.trained_loss)}};
    if (o.landscape.one_dimensional) {
      doc["alpha"] = nlohmann::json::array();
      doc["loss"] = nlohmann::json::array();
      for (std::size_t k = 0; k < r.alphas.size(); ++k) {
        doc["alpha"].push_back(json_num(r.alphas[k]));
        doc["loss"].push_back(json_num(r.losses[k]));
      }
    } else {
      doc["resolution"] = r.surface.nx;
      doc["span"] = o.landscape.span;
      double lo = INFINITY, hi = -INFINITY;
      for (double v : r.surface.values) {
        if (std::isfinite(v)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      }
      // null, not inf/-inf, when the loss is finite nowhere on the plane.
      doc["loss_min"] = lo <= hi ? json_num(lo) : nlohmann::json(nullptr);
      doc["loss_max"] = lo <= hi ? json_num(hi) : nlohmann::json(nullptr);
    }
    std::cout << doc.dump(2) << '\n';
    return report_errors({write_error}, 0);
  }
  std::cout << fmt::format("trained {} ({} parameters) on {} for {} epochs with {}: training loss {}\n",
                           r.training.model, r.training.parameters, o.landscape.data, o.landscape.epochs,
                           o.landscape.optimizer, fmt_num(r.trained_loss));
  if (write_error) return report_errors({write_error}, 0);
  std::cout << "wrote " << o.out << '\n';
  return 0;
}

RunFn setup(CLI::App& sub) {
  auto o = std::make_shared<LandscapeCliOptions>();
  auto& l = o->landscape;
  sub.add_option("--data", l.data, "data set name (digits, iris, ...) or a CSV file (default digits)");
  sub.add_option("--target", l.target, "CSV target column");
  sub.add_option("--model", l.model, "model spec, e.g. mlp(hidden=[32]) (default: by the data)");
  sub.add_option("--optimizer", l.optimizer, "optimizer spec for training (default adam)");
  sub.add_option("--epochs", l.epochs, "training epochs (default 10)")
      ->check(integer_in(0, ml::kMaxEpochs));
  sub.add_option("--batch-size", l.batch_size, "minibatch size (default 32)")
      ->check(integer_in(1, ml::kMaxBatchSize));
  sub.add_option("--seed", l.seed, "seed for training and the random directions (default 0)")
      ->check(seed_value());
  sub.add_flag("--1d", l.one_dimensional, "the line from the initial to the trained parameters");
  sub.add_option("--resolution", l.resolution,
                 "grid nodes per axis (default 41) or points on the line (61)")
      ->check(integer_in(3, static_cast<std::int64_t>(plot::kMaxLineResolution)));
  sub.add_option("--span", l.span,
                 "plane: a, b in [-span, span]; line: a in [-span/4, 1 + span/4] (default 1)")
      ->check(number_in(0, plot::kMaxSpan, /*lo_open=*/true));
  sub.add_option("--levels", l.levels, "number of contour levels (default 20)")
      ->check(integer_in(1, 200));
  sub.add_option("--width", l.width, "picture width in px (default 800)")
      ->check(integer_in(16, plot::kMaxPixels));
  sub.add_option("--height", l.height, "picture height in px (default 600)")
      ->check(integer_in(16, plot::kMaxPixels));
  sub.add_option("--out", o->out, "picture file: .svg, .png or .pdf")->required();
  sub.add_flag("--json", o->json, "print one JSON document");
  return [o] { return run_landscape(*o); };
}

const bool kRegistered = register_command(
    {"landscape", "train a model, then draw its loss landscape (Li et al. 2018)", 75, setup});

}  // namespace
}  // namespace descent::cli
