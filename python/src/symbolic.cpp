// diff, grad and the built-in problems: the symbolic module's parse / differentiate / compile,
// as the CLI's `diff` and `grad` use them.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/problems.hpp"
#include "descent/optim/schedule.hpp"
#include "descent/symbolic/formula.hpp"

namespace descent::python {
namespace {

std::string diff(const std::string& formula, const std::vector<std::string>& vars) {
  symbolic::Expr f = symbolic::parse(formula);
  for (const auto& v : vars) f = symbolic::diff(f, v);
  return symbolic::to_string(f);
}

// f, its gradient and (hessian=True) its Hessian at `at` (names in order -> values).
py::tuple grad(const std::string& formula, const std::vector<std::string>& vars,
               const std::vector<double>& x, bool hessian) {
  using D = symbolic::Program::Derivatives;
  auto program = symbolic::compile_formula(formula, vars, hessian ? D::hessian : D::gradient);
  const auto n = static_cast<py::ssize_t>(vars.size());
  py::array_t<double> g(n);
  if (!hessian) {
    const double f = program.value_grad(x.data(), g.mutable_data());
    return py::make_tuple(f, g);
  }
  py::array_t<double> h({n, n});
  const double f = program.value_grad_hessian(x.data(), g.mutable_data(), h.mutable_data());
  return py::make_tuple(f, g, h);
}

std::vector<std::string> gradient_formulas(const std::string& formula,
                                           const std::vector<std::string>& vars) {
  std::vector<std::string> out;
  for (const auto& e : symbolic::gradient(symbolic::parse(formula), vars)) {
    out.push_back(symbolic::to_string(e));
  }
  return out;
}

py::tuple problem_value_grad(const std::string& name, const py::handle& x) {
  const optim::Problem* p = optim::find_problem(name);
  if (!p) throw py::value_error("unknown problem '" + name + "'");
  const Vec v = to_vec(x, "x");
  if (v.size() != p->start.size()) {
    throw py::value_error(name + " has " + std::to_string(p->start.size()) + " variables; x has " +
                          std::to_string(v.size()));
  }
  Vec g(v.size());
  const double f = p->objective.value_grad(v, &g);
  return py::make_tuple(f, to_numpy(g));
}

py::list problems() {
  py::list out;
  for (const auto& p : optim::problems()) {
    py::list minimizers;
    for (const auto& m : p.minimizers) minimizers.append(to_numpy(m));
    py::dict d;
    d["name"] = p.name;
    d["description"] = p.description;
    d["formula"] = p.formula;
    d["variables"] = p.variables;
    d["start"] = to_numpy(p.start);
    d["minimizers"] = minimizers;
    d["minimum"] = p.minimum;
    d["suggested_optimizer"] = p.suggested_optimizer;
    d["suggested_steps"] = p.suggested_steps;
    out.append(d);
  }
  return out;
}

}  // namespace

void bind_symbolic(py::module_& m) {
  m.def("diff", &diff, py::arg("formula"), py::arg("variables"),
        "The derivative of `formula` by each of `variables` in turn, simplified, as text.");
  m.def("grad", &grad, py::arg("formula"), py::arg("variables"), py::arg("x"),
        py::arg("hessian") = false,
        "(f, gradient) or (f, gradient, Hessian) of the compiled formula at x (in `variables`' "
        "order).");
  m.def("gradient_formulas", &gradient_formulas, py::arg("formula"), py::arg("variables"),
        "The partial derivatives of `formula`, as text, in `variables`' order.");
  m.def("problems", &problems, "The built-in test problems, as dicts.");
  m.def("problem_value_grad", &problem_value_grad, py::arg("name"), py::arg("x"),
        "(f, gradient) of a built-in problem's exact C++ objective at x.");
  m.def("optimizer_names", &optim::optimizer_names, "The optimizer names specs may use.");
  m.def("schedule_names", &optim::schedule_names, "The schedule names specs may use.");
  m.def("jit_available", &symbolic::Program::jit_available,
        "Whether formulas can be compiled to native code here (libgccjit).");
}

}  // namespace descent::python
