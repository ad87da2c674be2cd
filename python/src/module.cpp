// descent._descent: the extension module behind `import descent`. descent::Error becomes a
// Python exception (bad usage and bad input: ValueError, with the library's message; io:
// OSError); errors raised by the user's Python code propagate unchanged.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "descent/core/error.hpp"

namespace descent::python {

py::array_t<double> to_numpy(const Vec& v) {
  py::array_t<double> out(v.size());
  std::copy(v.data(), v.data() + v.size(), out.mutable_data());
  return out;
}

Vec to_vec(const py::handle& object, const char* what) {
  auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(object);
  if (!array) throw py::error_already_set();
  if (array.ndim() > 1) {
    throw py::value_error(std::string(what) + " must be a 1-D array; it has " +
                          std::to_string(array.ndim()) + " dimensions");
  }
  Vec v(array.size());
  std::copy(array.data(), array.data() + array.size(), v.data());
  return v;
}

void InterruptCheck::now() {
  const auto t = std::chrono::steady_clock::now();
  if (t - last_ < std::chrono::milliseconds(20)) return;
  last_ = t;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

}  // namespace descent::python

PYBIND11_MODULE(_descent, m) {
  namespace py = pybind11;
  using descent::ErrorCode;
  m.doc() = "descent's C++ core (use the package `descent`, not this module directly)";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const descent::Error& e) {
      switch (e.code()) {
        case ErrorCode::bad_usage:
        case ErrorCode::bad_input:
          PyErr_SetString(PyExc_ValueError, e.what());
          return;
        case ErrorCode::io:
          PyErr_SetString(PyExc_OSError, e.what());
          return;
        case ErrorCode::diverged:
          PyErr_SetString(PyExc_ArithmeticError, e.what());
          return;
        case ErrorCode::internal:
          PyErr_SetString(PyExc_RuntimeError, e.what());
          return;
      }
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
  descent::python::bind_symbolic(m);
  descent::python::bind_minimize(m);
  descent::python::bind_optim(m);
  descent::python::bind_ml(m);
}
