// The pieces of the extension module descent._descent (one bind_* per area) and what they share:
// conversions between numpy and Eigen, and the Ctrl-C check for C++ work done without the GIL.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "descent/core/types.hpp"

namespace descent::python {

namespace py = pybind11;

void bind_symbolic(py::module_& m);
void bind_minimize(py::module_& m);
void bind_optim(py::module_& m);
void bind_ml(py::module_& m);

// A copy of v as a new 1-D float64 array.
py::array_t<double> to_numpy(const Vec& v);
// A 1-D float64 copy of any array-like (lists too); ValueError for other shapes.
Vec to_vec(const py::handle& object, const char* what);

// Polled from C++ loops that run with the GIL released: now and then (at most every 20 ms, and
// looking at the clock only every 16 polls) it takes the GIL and runs Python's signal handlers,
// so that Ctrl-C raises KeyboardInterrupt (thrown here as py::error_already_set) within a fraction
// of a second. Signal handlers run only in the main thread; elsewhere the check costs nothing.
class InterruptCheck {
 public:
  void poll() {
    if (++polls_ % 16 != 0) return;
    now();
  }
  // Checks at once (rate-limited by the clock only).
  void now();

 private:
  std::uint64_t polls_ = 0;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace descent::python
