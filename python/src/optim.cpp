// descent.optim's core: one C++ optimizer per parameter array (the same kernels as everywhere
// else, stepping numpy float32 / float64 arrays in place, without copies and without the GIL),
// and the lr schedules that drive them. The torch-style names live in python/descent/optim.py.
#include <pybind11/stl.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::python {
namespace {

// A parameter and its gradient as spans over the arrays' own memory.
struct Slot {
  bool single = false;
  std::span<float> pf;
  std::span<const float> gf;
  std::span<double> pd;
  std::span<const double> gd;
};

template <typename T>
bool is_array_of(const py::handle& a) {
  return py::isinstance<py::array_t<T, py::array::c_style>>(a);
}

template <typename T>
std::span<T> writable_span(const py::handle& h) {
  auto a = py::reinterpret_borrow<py::array_t<T, py::array::c_style>>(h);
  return {a.mutable_data(), static_cast<std::size_t>(a.size())};
}

template <typename T>
std::span<const T> readable_span(const py::handle& h) {
  auto a = py::reinterpret_borrow<py::array_t<T, py::array::c_style>>(h);
  return {a.data(), static_cast<std::size_t>(a.size())};
}

Slot slot(const py::handle& param, const py::handle& grad, std::size_t i) {
  const std::string where = "params[" + std::to_string(i) + "]";
  const bool f32 = is_array_of<float>(param);
  if (!f32 && !is_array_of<double>(param)) {
    throw py::type_error(where + " must be a C-contiguous numpy array of float32 or float64");
  }
  if (!py::reinterpret_borrow<py::array>(param).writeable()) {
    throw py::value_error(where + " is read-only; the optimizer updates it in place");
  }
  if (f32 ? !is_array_of<float>(grad) : !is_array_of<double>(grad)) {
    throw py::type_error("grads[" + std::to_string(i) + "] must be a C-contiguous " +
                         (f32 ? "float32" : "float64") + " array like " + where);
  }
  const auto pa = py::reinterpret_borrow<py::array>(param);
  const auto ga = py::reinterpret_borrow<py::array>(grad);
  if (pa.size() != ga.size()) {
    throw py::value_error("grads[" + std::to_string(i) + "] has " + std::to_string(ga.size()) +
                          " elements; " + where + " has " + std::to_string(pa.size()));
  }
  Slot s;
  s.single = f32;
  if (f32) {
    s.pf = writable_span<float>(param);
    s.gf = readable_span<float>(grad);
  } else {
    s.pd = writable_span<double>(param);
    s.gd = readable_span<double>(grad);
  }
  return s;
}

// The hyperparameters live in `lead` (never stepped: schedules and users set its lr and
// momentum); each parameter array has its own optimizer (its own state), given lead's lr and
// momentum before every step.
class ArrayOptimizer {
 public:
  ArrayOptimizer(const std::string& spec, std::size_t count) : lead_(optim::make_optimizer(spec)) {
    if (lead_->needs_closure()) {
      throw py::value_error(lead_->name() +
                            " re-evaluates the objective; use descent.minimize for it");
    }
    for (std::size_t i = 0; i < count; ++i) per_array_.push_back(optim::make_optimizer(spec));
  }

  void step(const py::sequence& params, const py::sequence& grads) {
    if (py::len(params) != per_array_.size() || py::len(grads) != per_array_.size()) {
      throw py::value_error("step needs " + std::to_string(per_array_.size()) +
                            " gradients (one per parameter array), got " +
                            std::to_string(py::len(grads)));
    }
    std::vector<Slot> slots;
    for (std::size_t i = 0; i < per_array_.size(); ++i)
      slots.push_back(slot(params[i], grads[i], i));
    const auto momentum = lead_->momentum();
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      auto& o = *per_array_[i];
      o.set_lr(lead_->lr());
      if (momentum) o.set_momentum(*momentum);
      if (slots[i].single) {
        o.step(slots[i].pf, slots[i].gf);
      } else {
        o.step(slots[i].pd, slots[i].gd);
      }
    }
  }

  optim::Optimizer& lead() { return *lead_; }
  std::string spec() const { return lead_->spec(); }
  double lr() const { return lead_->lr(); }
  void set_lr(double lr) { lead_->set_lr(lr); }
  std::optional<double> momentum() const { return lead_->momentum(); }
  void set_momentum(double m) { lead_->set_momentum(m); }

  std::vector<py::bytes> save_state() const {
    std::vector<py::bytes> out;
    for (const auto& o : per_array_) out.emplace_back(o->save_state());
    return out;
  }
  void load_state(const std::vector<std::string>& states) {
    if (states.size() != per_array_.size()) {
      throw py::value_error("the state holds " + std::to_string(states.size()) +
                            " parameter arrays; this optimizer has " +
                            std::to_string(per_array_.size()));
    }
    for (std::size_t i = 0; i < states.size(); ++i) per_array_[i]->load_state(states[i]);
  }
  void reset() {
    for (auto& o : per_array_) o->reset();
  }

 private:
  std::unique_ptr<optim::Optimizer> lead_;
  std::vector<std::unique_ptr<optim::Optimizer>> per_array_;
};

class ArraySchedule {
 public:
  ArraySchedule(const std::string& spec, ArrayOptimizer& optimizer, std::int64_t run_steps)
      : schedule_(optim::make_schedule(spec, optimizer.lr(), run_steps)) {
    schedule_->start(optimizer.lead());
  }
  void step(ArrayOptimizer& optimizer) { schedule_->step(optimizer.lead()); }
  double lr() const { return schedule_->lr(); }
  std::int64_t step_count() const { return schedule_->step_count(); }
  void set_step_count(std::int64_t count, ArrayOptimizer& optimizer) {
    schedule_->set_step_count(count, optimizer.lead());
  }
  std::string spec() const { return schedule_->spec(); }

 private:
  std::unique_ptr<optim::Schedule> schedule_;
};

}  // namespace

void bind_optim(py::module_& m) {
  py::class_<ArrayOptimizer>(m, "ArrayOptimizer",
                             "One optimizer spec over a list of numpy arrays, stepped in place.")
      .def(py::init<const std::string&, std::size_t>(), py::arg("spec"), py::arg("count"))
      .def("step", &ArrayOptimizer::step, py::arg("params"), py::arg("grads"),
           "One update of every array in place (GIL released).")
      .def_property("lr", &ArrayOptimizer::lr, &ArrayOptimizer::set_lr)
      .def_property_readonly("momentum", &ArrayOptimizer::momentum)
      .def("set_momentum", &ArrayOptimizer::set_momentum, py::arg("momentum"))
      .def_property_readonly("spec", &ArrayOptimizer::spec)
      .def("save_state", &ArrayOptimizer::save_state)
      .def("load_state", &ArrayOptimizer::load_state, py::arg("states"))
      .def("reset", &ArrayOptimizer::reset);
  py::class_<ArraySchedule>(m, "ArraySchedule", "An lr schedule driving an ArrayOptimizer.")
      .def(py::init<const std::string&, ArrayOptimizer&, std::int64_t>(), py::arg("spec"),
           py::arg("optimizer"), py::arg("run_steps") = 0)
      .def("step", &ArraySchedule::step, py::arg("optimizer"))
      .def_property_readonly("lr", &ArraySchedule::lr)
      .def_property_readonly("step_count", &ArraySchedule::step_count)
      .def("set_step_count", &ArraySchedule::set_step_count, py::arg("count"), py::arg("optimizer"))
      .def_property_readonly("spec", &ArraySchedule::spec);
}

}  // namespace descent::python
