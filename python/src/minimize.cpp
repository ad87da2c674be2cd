// minimize: the optim module's driver on a formula (compiled, jit-compiled when it pays, as the
// CLI does) or on a Python callable. The driver runs with the GIL released; it takes the GIL
// only to call Python (the objective, the callback) and, now and then, to look for Ctrl-C.
#include "descent/optim/minimize.hpp"

#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "descent/numdiff/numdiff.hpp"
#include "descent/optim/objectives.hpp"

namespace descent::python {
namespace {

// What a callback receives after each update (and at the start, step 0).
struct StepState {
  std::int64_t step = 0;
  py::array_t<double> x;
  double fun = 0.0;
  py::array_t<double> jac;
  double grad_norm = 0.0;
  double lr = 0.0;
};

struct Settings {
  std::string method;
  std::string schedule;
  std::int64_t steps = 0;
  double tol = 0.0;
  bool maximize = false;
  bool trace = false;
  py::object callback;  // None or callable(StepState) -> truthy to stop
  std::vector<double> lower, upper;  // the box, one entry per coordinate; both empty: none
};

double to_double(const py::handle& value) {
  const double v = PyFloat_AsDouble(value.ptr());
  if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

bool truthy(const py::handle& value) {
  const int t = PyObject_IsTrue(value.ptr());
  if (t < 0) throw py::error_already_set();
  return t == 1;
}

void copy_gradient(const py::handle& object, Vec* grad, const char* who) {
  const Vec g = to_vec(object, who);
  if (g.size() != grad->size()) {
    throw py::value_error(std::string(who) + " returned " + std::to_string(g.size()) +
                          " values; x has " + std::to_string(grad->size()));
  }
  *grad = g;
}

// A Python function as an objective: fun(x) -> f; fun(x) -> (f, grad) with jac=True; or
// jac(x) -> grad; without a gradient, central finite differences (2n calls per gradient).
// Every call takes the GIL; x is passed as a fresh float64 array (the caller may keep it).
struct PythonObjective {
  py::object fun, jac, hess;
  bool fun_returns_grad = false;
  std::int64_t fun_calls = 0, jac_calls = 0, hess_calls = 0;

  bool finite_differences() const { return !fun_returns_grad && jac.is_none(); }

  double value(const Vec& x) {
    py::gil_scoped_acquire gil;
    ++fun_calls;
    py::object r = fun(to_numpy(x));
    if (fun_returns_grad) {
      return to_double(py::reinterpret_borrow<py::tuple>(r)[0]);
    }
    return to_double(r);
  }

  double value_grad(const Vec& x, Vec* grad) {
    if (!grad) return value(x);
    if (finite_differences()) {
      const double f = value(x);
      *grad = numdiff::gradient([this](const Vec& p) { return value(p); }, x);
      return f;
    }
    py::gil_scoped_acquire gil;
    py::array_t<double> xa = to_numpy(x);
    ++fun_calls;
    py::object r = fun(xa);
    if (fun_returns_grad) {
      auto t = py::reinterpret_borrow<py::sequence>(r);
      if (!py::isinstance<py::sequence>(r) || py::len(t) != 2) {
        throw py::type_error("with jac=True, fun must return (f, gradient)");
      }
      copy_gradient(t[0 + 1], grad, "fun");
      return to_double(t[0]);
    }
    const double f = to_double(r);
    ++jac_calls;
    copy_gradient(jac(xa), grad, "jac");
    return f;
  }

  void hessian(const Vec& x, Mat& h) {
    py::gil_scoped_acquire gil;
    ++hess_calls;
    auto a =
        py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(hess(to_numpy(x)));
    if (!a) throw py::error_already_set();
    const auto n = x.size();
    if (a.ndim() != 2 || a.shape(0) != n || a.shape(1) != n) {
      throw py::value_error("hess must return an n x n array with n = " + std::to_string(n));
    }
    h.resize(n, n);
    for (Index i = 0; i < n; ++i) {
      for (Index j = 0; j < n; ++j) h(i, j) = a.at(i, j);
    }
  }
};

py::dict summary_dict(const RunSummary& s, const Vec& jac, std::int64_t nfev) {
  py::dict d;
  d["x"] = to_numpy(s.x);
  d["fun"] = s.f;
  d["jac"] = to_numpy(jac);
  d["grad_norm"] = s.grad_norm;
  d["nit"] = s.steps;
  d["nfev"] = nfev;
  d["reason"] = std::string(to_string(s.reason));
  d["status"] = static_cast<int>(s.reason);
  d["success"] = s.reason == StopReason::converged || s.reason == StopReason::no_progress ||
                 s.reason == StopReason::stopped_by_callback;
  d["message"] = s.message;
  d["best_x"] = to_numpy(s.best_x);
  d["best_fun"] = s.best_f;
  d["best_step"] = s.best_step;
  if (!s.trace.empty()) {
    py::list trace;
    for (const auto& p : s.trace) {
      py::dict row;
      row["step"] = p.step;
      row["x"] = to_numpy(p.x);
      row["fun"] = p.f;
      row["grad_norm"] = p.grad_norm;
      row["lr"] = p.lr;
      trace.append(row);
    }
    d["trace"] = trace;
  }
  return d;
}

// Runs the driver without the GIL; the step hook polls for Ctrl-C, keeps the last gradient
// (the result's jac) and calls the Python callback.
py::dict run(const optim::Objective& objective, const Vec& x0, const Settings& s,
             const std::function<std::int64_t(const RunSummary&)>& nfev) {
  auto optimizer = optim::make_optimizer(s.method);
  auto schedule = optim::make_schedule(s.schedule, optimizer->lr(), s.steps);
  InterruptCheck interrupts;
  Vec last_grad = Vec::Zero(x0.size());
  const bool has_callback = !s.callback.is_none();
  optim::MinimizeOptions options{
      .steps = s.steps, .tol = s.tol, .maximize = s.maximize, .trace = s.trace};
  if (!s.lower.empty() || !s.upper.empty()) {
    options.bounds.lower = Eigen::Map<const Vec>(s.lower.data(), static_cast<Index>(s.lower.size()));
    options.bounds.upper = Eigen::Map<const Vec>(s.upper.data(), static_cast<Index>(s.upper.size()));
  }
  options.on_step = [&](const optim::StepInfo& info) {
    last_grad = info.grad;
    if (!has_callback) {
      interrupts.poll();
      return true;
    }
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    StepState state{info.step,           to_numpy(info.x), info.f,
                    to_numpy(info.grad), info.grad_norm,   info.lr};
    return !truthy(s.callback(state));
  };
  RunSummary summary;
  {
    py::gil_scoped_release release;
    summary = optim::minimize(objective, x0, *optimizer, schedule.get(), options);
  }
  py::dict d = summary_dict(summary, last_grad, nfev(summary));
  d["method"] = optimizer->spec();
  d["schedule"] = schedule->spec();
  return d;
}

py::dict minimize_formula(const std::string& formula, const std::vector<std::string>& variables,
                          const std::vector<double>& x0, const Settings& s,
                          const std::string& jit) {
  const optim::Jit mode = jit == "on"    ? optim::Jit::on
                          : jit == "off" ? optim::Jit::off
                                         : optim::Jit::automatic;
  auto optimizer = optim::make_optimizer(s.method);  // only to know whether it needs a Hessian
  optim::Objective objective;
  {
    py::gil_scoped_release release;  // parsing and jit compilation can take a while
    objective =
        optim::formula_objective(formula, variables, optimizer->needs_hessian(), mode, s.steps + 1);
  }
  Vec x = Eigen::Map<const Vec>(x0.data(), static_cast<Index>(x0.size()));
  return run(objective, x, s, [](const RunSummary& r) { return r.evaluations; });
}

py::dict minimize_callable(py::object fun, const py::handle& x0, py::object jac, py::object hess,
                           bool fun_returns_grad, const Settings& s) {
  auto py_objective = std::make_shared<PythonObjective>();
  py_objective->fun = std::move(fun);
  py_objective->jac = std::move(jac);
  py_objective->hess = std::move(hess);
  py_objective->fun_returns_grad = fun_returns_grad;
  optim::Objective objective;
  objective.value_grad = [py_objective](const Vec& x, Vec* g) {
    return py_objective->value_grad(x, g);
  };
  if (!py_objective->hess.is_none()) {
    objective.hessian = [py_objective](const Vec& x, Mat& h) { py_objective->hessian(x, h); };
  }
  py::dict d = run(objective, to_vec(x0, "x0"), s,
                   [&](const RunSummary&) { return py_objective->fun_calls; });
  d["njev"] = py_objective->jac_calls;
  d["nhev"] = py_objective->hess_calls;
  if (py_objective->finite_differences()) {
    d["message"] = d["message"].cast<std::string>() +
                   " (gradient by central finite differences, 2n calls of fun each; pass jac "
                   "for exact gradients)";
    d["finite_differences"] = true;
  } else {
    d["finite_differences"] = false;
  }
  // Release the Python objects while holding the GIL (the objective's copies die with it).
  py_objective->fun = py::none();
  py_objective->jac = py::none();
  py_objective->hess = py::none();
  return d;
}

Settings settings(std::string method, std::string schedule, std::int64_t steps, double tol,
                  bool maximize, bool trace, py::object callback, std::vector<double> lower,
                  std::vector<double> upper) {
  return {std::move(method), std::move(schedule), steps,
          tol,               maximize,             trace,
          std::move(callback), std::move(lower),   std::move(upper)};
}

}  // namespace

void bind_minimize(py::module_& m) {
  py::class_<StepState>(m, "StepState", "What a minimize callback sees after each update.")
      .def_readonly("step", &StepState::step, "updates taken (0 at the start)")
      .def_readonly("x", &StepState::x, "the point (a copy)")
      .def_readonly("fun", &StepState::fun, "f(x)")
      .def_readonly("jac", &StepState::jac, "the gradient at x (a copy)")
      .def_readonly("grad_norm", &StepState::grad_norm, "||gradient||_2")
      .def_readonly("lr", &StepState::lr, "the learning rate of this update")
      .def("__repr__", [](const StepState& s) {
        return "StepState(step=" + std::to_string(s.step) + ", fun=" + std::to_string(s.fun) + ")";
      });
  m.def(
      "minimize_formula",
      [](const std::string& formula, const std::vector<std::string>& variables,
         const std::vector<double>& x0, std::string method, std::string schedule,
         std::int64_t steps, double tol, bool maximize, bool trace, py::object callback,
         const std::string& jit, std::vector<double> lower, std::vector<double> upper) {
        return minimize_formula(formula, variables, x0,
                                settings(std::move(method), std::move(schedule), steps, tol,
                                         maximize, trace, std::move(callback), std::move(lower),
                                         std::move(upper)),
                                jit);
      },
      py::arg("formula"), py::arg("variables"), py::arg("x0"), py::arg("method"),
      py::arg("schedule"), py::arg("steps"), py::arg("tol"), py::arg("maximize"), py::arg("trace"),
      py::arg("callback"), py::arg("jit"), py::arg("lower") = std::vector<double>{},
      py::arg("upper") = std::vector<double>{},
      "The driver on a compiled formula; returns a dict. lower/upper: the box (empty: none).");
  m.def(
      "minimize_callable",
      [](py::object fun, const py::object& x0, py::object jac, py::object hess,
         bool fun_returns_grad, std::string method, std::string schedule, std::int64_t steps,
         double tol, bool maximize, bool trace, py::object callback, std::vector<double> lower,
         std::vector<double> upper) {
        return minimize_callable(std::move(fun), x0, std::move(jac), std::move(hess),
                                 fun_returns_grad,
                                 settings(std::move(method), std::move(schedule), steps, tol,
                                          maximize, trace, std::move(callback), std::move(lower),
                                          std::move(upper)));
      },
      py::arg("fun"), py::arg("x0"), py::arg("jac"), py::arg("hess"), py::arg("fun_returns_grad"),
      py::arg("method"), py::arg("schedule"), py::arg("steps"), py::arg("tol"), py::arg("maximize"),
      py::arg("trace"), py::arg("callback"), py::arg("lower") = std::vector<double>{},
      py::arg("upper") = std::vector<double>{},
      "The driver on a Python function; returns a dict. lower/upper: the box (empty: none).");
}

}  // namespace descent::python
