// Data sets, training, trained models and pictures: the io, ml and plot modules as the CLI's
// `train`, `predict` and `plot` use them. Training runs with the GIL released and looks for
// Ctrl-C after every batch.
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "descent/io/dataset.hpp"
#include "descent/ml/checkpoint.hpp"
#include "descent/ml/data.hpp"
#include "descent/ml/trainer.hpp"
#include "descent/plot/race.hpp"
#include "descent/plot/render.hpp"
#include "descent/plot/training_plot.hpp"

namespace descent::python {
namespace {

py::array_t<double> matrix(const RowMat& m) {
  py::array_t<double> out({static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.cols())});
  std::copy(m.data(), m.data() + m.size(), out.mutable_data());
  return out;
}

RowMat to_rowmat(const py::handle& object) {
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(object);
  if (!a) throw py::error_already_set();
  if (a.ndim() != 2) {
    throw py::value_error("X must be a 2-D array (one sample per row); it has " +
                          std::to_string(a.ndim()) + " dimensions");
  }
  RowMat m(a.shape(0), a.shape(1));
  std::copy(a.data(), a.data() + a.size(), m.data());
  return m;
}

py::tuple load_dataset(const std::string& name) {
  io::Dataset d;
  {
    py::gil_scoped_release release;
    d = io::load_dataset(name);
  }
  py::object y;
  if (d.task == io::Task::classification) {
    py::array_t<std::int64_t> labels(d.targets.size());
    for (Index i = 0; i < d.targets.size(); ++i) {
      labels.mutable_data()[i] = static_cast<std::int64_t>(d.targets[i]);
    }
    y = labels;
  } else {
    y = to_numpy(d.targets);
  }
  py::dict info;
  info["name"] = d.name;
  info["classification"] = d.task == io::Task::classification;
  info["num_classes"] = d.num_classes;
  info["feature_names"] = d.feature_names;
  info["class_names"] = d.class_names;
  info["image_shape"] = py::make_tuple(d.image_channels, d.image_height, d.image_width);
  info["predefined_test_rows"] = d.predefined_test_rows;
  return py::make_tuple(matrix(d.features), y, info);
}

// (X, y) arrays as a data set: integer y is classification over 0..max(y), float y regression.
ml::LabeledData from_arrays(const py::handle& x, const py::handle& y) {
  io::Dataset d;
  d.name = "arrays";
  d.features = to_rowmat(x);
  const auto ya =
      py::reinterpret_borrow<py::array>(py::module_::import("numpy").attr("asarray")(y));
  const char kind = ya.dtype().kind();
  d.targets = to_vec(ya, "y");
  if (d.targets.size() != d.features.rows()) {
    throw py::value_error("y has " + std::to_string(d.targets.size()) + " values; X has " +
                          std::to_string(d.features.rows()) + " rows");
  }
  for (Index c = 0; c < d.features.cols(); ++c) {
    std::string name(1, 'x');  // (not "x" + ...: GCC 12's false -Wrestrict at -O3)
    name += std::to_string(c);
    d.feature_names.push_back(std::move(name));
  }
  if (kind == 'i' || kind == 'u' || kind == 'b') {
    d.task = io::Task::classification;
    const double top = d.targets.size() ? d.targets.maxCoeff() : 0.0;
    if (d.targets.size() && d.targets.minCoeff() < 0) {
      throw py::value_error("class labels in y must be 0, 1, ...; found a negative one");
    }
    d.num_classes = std::max(2, static_cast<int>(top) + 1);
    for (int k = 0; k < d.num_classes; ++k) d.class_names.push_back(std::to_string(k));
  } else {
    d.task = io::Task::regression;
  }
  return ml::to_labeled(std::move(d));
}

struct Model {
  ml::Checkpoint checkpoint;
};

py::object predict(const Model& model, const py::handle& x, bool probabilities) {
  const RowMat features = to_rowmat(x);
  ml::Predictions p;
  {
    py::gil_scoped_release release;
    p = ml::predict(model.checkpoint, features);
  }
  if (probabilities) {
    if (!p.classification) throw py::value_error("a regression model has no class probabilities");
    const auto n = static_cast<py::ssize_t>(p.probabilities.size());
    const auto k = static_cast<py::ssize_t>(model.checkpoint.shape.num_classes);
    py::array_t<double> out({n, k});
    for (py::ssize_t i = 0; i < n; ++i) {
      std::copy(p.probabilities[i].begin(), p.probabilities[i].end(), out.mutable_data(i, 0));
    }
    return out;
  }
  if (p.classification) {
    py::array_t<std::int64_t> out(static_cast<py::ssize_t>(p.values.size()));
    for (std::size_t i = 0; i < p.values.size(); ++i) {
      out.mutable_data()[i] = static_cast<std::int64_t>(p.values[i]);
    }
    return out;
  }
  return to_numpy(Eigen::Map<const Vec>(p.values.data(), static_cast<Index>(p.values.size())));
}

py::dict epoch_dict(const ml::EpochRecord& r) {
  py::dict d;
  d["epoch"] = r.epoch;
  d["train_loss"] = r.train_loss;
  d["test_loss"] = r.test_loss;
  d["test_metric"] = r.test_metric;
  d["lr"] = r.lr;
  d["seconds"] = r.seconds;
  d["train_seconds"] = r.train_seconds;
  return d;
}

py::dict train(const py::object& data, const ml::TrainOptions& options, py::object on_epoch) {
  ml::LabeledData labeled;
  if (py::isinstance<py::str>(data)) {
    const auto name = data.cast<std::string>();
    py::gil_scoped_release release;
    labeled = ml::load_labeled(name);
  } else {
    auto pair = py::reinterpret_borrow<py::sequence>(data);
    if (!py::isinstance<py::sequence>(data) || py::len(pair) != 2) {
      throw py::type_error("data must be a data set name or path, or a pair (X, y)");
    }
    labeled = from_arrays(pair[0], pair[1]);
  }
  InterruptCheck interrupts;
  ml::TrainCallbacks callbacks;
  callbacks.on_batch = [&](std::int64_t, std::int64_t, std::int64_t) { interrupts.now(); };
  if (!on_epoch.is_none()) {
    callbacks.on_epoch = [&](const ml::EpochRecord& r) {
      py::gil_scoped_acquire gil;
      on_epoch(epoch_dict(r));
    };
  }
  ml::TrainResult r;
  {
    py::gil_scoped_release release;
    r = ml::train(labeled, options, callbacks);
  }
  py::list history;
  for (const auto& e : r.history.epochs) history.append(epoch_dict(e));
  py::dict d;
  d["history"] = history;
  d["classification"] = r.history.classification;
  d["model"] = r.model;
  d["optimizer"] = r.optimizer;
  d["schedule"] = r.schedule;
  d["layers"] = r.layers;
  d["parameters"] = r.parameters;
  d["train_rows"] = r.train_rows;
  d["test_rows"] = r.test_rows;
  d["train_loss"] = r.train_loss;
  d["test_loss"] = r.test_loss;
  d["test_metric"] = r.test_metric;
  d["reason"] = std::string(to_string(r.reason));
  d["message"] = r.message;
  d["best_epoch"] = r.best_epoch;
  d["final_model"] = Model{std::move(r.final_state)};
  return d;
}

ml::TrainingHistory history_from(const py::list& epochs, bool classification) {
  ml::TrainingHistory h;
  h.classification = classification;
  for (const auto& e : epochs) {
    auto d = py::reinterpret_borrow<py::dict>(e);
    h.epochs.push_back({d["epoch"].cast<std::int64_t>(), d["train_loss"].cast<double>(),
                        d["test_loss"].cast<double>(), d["test_metric"].cast<double>(),
                        d["lr"].cast<double>(), d["seconds"].cast<double>(),
                        d["train_seconds"].cast<double>()});
  }
  return h;
}

py::dict plot_race(const plot::RaceOptions& options, const std::string& out) {
  plot::RaceResult r;
  {
    py::gil_scoped_release release;
    r = plot::race(options);
    plot::save(r.figure, out);
  }
  py::dict runs;
  for (const auto& run : r.runs) {
    py::dict d;
    d["x"] = to_numpy(run.summary.x);
    d["fun"] = run.summary.f;
    d["nit"] = run.summary.steps;
    d["reason"] = std::string(to_string(run.summary.reason));
    d["message"] = run.summary.message;
    runs[py::str(run.label)] = d;
  }
  return runs;
}

}  // namespace

void bind_ml(py::module_& m) {
  m.def("load_dataset", &load_dataset, py::arg("name"),
        "(X, y, info) of a built-in data set or a CSV / IDX file.");
  m.def("dataset_names", &io::builtin_dataset_names, "The built-in data set names.");

  py::class_<Model>(m, "Model", "A trained model (a checkpoint).")
      .def_static(
          "load",
          [](const std::string& path) {
            py::gil_scoped_release release;
            return Model{ml::load_checkpoint(path)};
          },
          py::arg("path"), "Reads a checkpoint written by train (or `descent train --checkpoint`).")
      .def(
          "save",
          [](const Model& model, const std::string& path) {
            py::gil_scoped_release release;
            ml::save_checkpoint(path, model.checkpoint);
          },
          py::arg("path"), "Writes the checkpoint (atomically).")
      .def("predict", &predict, py::arg("X"), py::arg("probabilities") = false,
           "Class indices (int64) or values (float64) for the rows of X; with "
           "probabilities=True, the class probabilities (rows x classes).")
      .def_property_readonly("spec", [](const Model& mo) { return mo.checkpoint.model; })
      .def_property_readonly("optimizer", [](const Model& mo) { return mo.checkpoint.optimizer; })
      .def_property_readonly("data", [](const Model& mo) { return mo.checkpoint.data; })
      .def_property_readonly("inputs", [](const Model& mo) { return mo.checkpoint.shape.inputs; })
      .def_property_readonly("classification",
                             [](const Model& mo) { return mo.checkpoint.shape.classification; })
      .def_property_readonly("num_classes",
                             [](const Model& mo) { return mo.checkpoint.shape.num_classes; })
      .def_property_readonly("class_names",
                             [](const Model& mo) { return mo.checkpoint.class_names; })
      .def_property_readonly("epoch", [](const Model& mo) { return mo.checkpoint.epoch; })
      .def_property_readonly("history", [](const Model& mo) {
        py::list out;
        for (const auto& e : mo.checkpoint.history.epochs) out.append(epoch_dict(e));
        return out;
      });

  m.def(
      "train",
      [](const py::object& data, std::string model, std::string optimizer, std::string schedule,
         std::int64_t batch_size, std::int64_t epochs, double test_fraction, std::uint64_t seed,
         bool standardize, double clip_norm, double clip_value, int threads, std::string checkpoint,
         std::string resume, py::object on_epoch) {
        ml::TrainOptions o{std::move(model),
                           std::move(optimizer),
                           std::move(schedule),
                           batch_size,
                           epochs,
                           test_fraction,
                           seed,
                           standardize,
                           clip_norm,
                           clip_value,
                           threads,
                           std::move(checkpoint),
                           std::move(resume)};
        return train(data, o, std::move(on_epoch));
      },
      py::arg("data"), py::arg("model"), py::arg("optimizer"), py::arg("schedule"),
      py::arg("batch_size"), py::arg("epochs"), py::arg("test_fraction"), py::arg("seed"),
      py::arg("standardize"), py::arg("clip_norm"), py::arg("clip_value"), py::arg("threads"),
      py::arg("checkpoint"), py::arg("resume"), py::arg("on_epoch"),
      "Trains a model; returns a dict with the epoch history and the final model.");

  m.def(
      "plot_race",
      [](std::string expr, std::vector<std::pair<std::string, double>> at,
         std::vector<std::string> optimizers, std::string schedule, std::int64_t steps, double tol,
         int width, int height, const std::string& out) {
        plot::RaceOptions o;
        o.expr = std::move(expr);
        o.at = std::move(at);
        o.optimizers = std::move(optimizers);
        o.schedule = std::move(schedule);
        o.steps = steps;
        o.tol = tol;
        o.width = width;
        o.height = height;
        return plot_race(o, out);
      },
      py::arg("expr"), py::arg("at"), py::arg("optimizers"), py::arg("schedule"), py::arg("steps"),
      py::arg("tol"), py::arg("width"), py::arg("height"), py::arg("out"),
      "Runs optimizers on a formula or problem and draws their paths to `out`.");
  m.def(
      "plot_training",
      [](const py::list& epochs, bool classification, const std::string& title,
         const std::string& out, int width, int height) {
        const auto h = history_from(epochs, classification);
        py::gil_scoped_release release;
        plot::save_training_plot(out, h, title, width, height);
      },
      py::arg("history"), py::arg("classification"), py::arg("title"), py::arg("out"),
      py::arg("width"), py::arg("height"), "Draws a training history's loss and metric to `out`.");
}

}  // namespace descent::python
