// The built-in test problems with hand-derived gradients and Hessians (checked against finite
// differences in tests/optim/problems_test.cpp).
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen
#include "descent/optim/problems.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace descent::optim {
namespace {

Vec vec(std::initializer_list<double> values) {
  Vec v(static_cast<Index>(values.size()));
  Index i = 0;
  for (double value : values) v[i++] = value;
  return v;
}

// f = sum_i c_i x_i^2: the course's quadratics.
Objective diagonal_quadratic(Vec c) {
  Objective o;
  o.value_grad = [c](const Vec& x, Vec* g) {
    if (g) *g = 2.0 * c.cwiseProduct(x);
    return c.dot(x.cwiseProduct(x));
  };
  o.hessian = [c](const Vec&, Mat& h) { h = Mat((2.0 * c).asDiagonal()); };
  return o;
}

// Rosenbrock in n dimensions: sum_{i<n-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2.
Objective rosenbrock() {
  Objective o;
  o.value_grad = [](const Vec& x, Vec* g) {
    const Index n = x.size();
    double f = 0;
    if (g) g->setZero();
    for (Index i = 0; i + 1 < n; ++i) {
      const double a = 1 - x[i];
      const double b = x[i + 1] - x[i] * x[i];
      f += a * a + 100 * b * b;
      if (g) {
        (*g)[i] += -2 * a - 400 * x[i] * b;
        (*g)[i + 1] += 200 * b;
      }
    }
    return f;
  };
  o.hessian = [](const Vec& x, Mat& h) {
    const Index n = x.size();
    h.setZero(n, n);
    for (Index i = 0; i + 1 < n; ++i) {
      h(i, i) += 2 - 400 * x[i + 1] + 1200 * x[i] * x[i];
      h(i, i + 1) += -400 * x[i];
      h(i + 1, i) += -400 * x[i];
      h(i + 1, i + 1) += 200;
    }
  };
  return o;
}

// Beale: sum_k (c_k - x + x y^k)^2, c = (1.5, 2.25, 2.625).
Objective beale() {
  Objective o;
  o.value_grad = [](const Vec& v, Vec* g) {
    const double x = v[0], y = v[1];
    const double c[3] = {1.5, 2.25, 2.625};
    double f = 0, gx = 0, gy = 0;
    for (int k = 1; k <= 3; ++k) {
      const double yk = std::pow(y, k);
      const double r = c[k - 1] - x + x * yk;
      f += r * r;
      gx += 2 * r * (yk - 1);
      gy += 2 * r * x * k * std::pow(y, k - 1);
    }
    if (g) *g << gx, gy;
    return f;
  };
  o.hessian = [](const Vec& v, Mat& h) {
    const double x = v[0], y = v[1];
    const double c[3] = {1.5, 2.25, 2.625};
    double hxx = 0, hxy = 0, hyy = 0;
    for (int k = 1; k <= 3; ++k) {
      const double yk = std::pow(y, k);
      const double dyk = k * std::pow(y, k - 1);
      const double ddyk = k > 1 ? k * (k - 1) * std::pow(y, k - 2) : 0.0;
      const double r = c[k - 1] - x + x * yk;
      const double rx = yk - 1, ry = x * dyk;
      hxx += 2 * rx * rx;
      hxy += 2 * (ry * rx + r * dyk);
      hyy += 2 * (ry * ry + r * x * ddyk);
    }
    h.resize(2, 2);
    h << hxx, hxy, hxy, hyy;
  };
  return o;
}

// Booth: (x + 2y - 7)^2 + (2x + y - 5)^2.
Objective booth() {
  Objective o;
  o.value_grad = [](const Vec& v, Vec* g) {
    const double a = v[0] + 2 * v[1] - 7, b = 2 * v[0] + v[1] - 5;
    if (g) *g << 2 * a + 4 * b, 4 * a + 2 * b;
    return a * a + b * b;
  };
  o.hessian = [](const Vec&, Mat& h) {
    h.resize(2, 2);
    h << 10, 8, 8, 10;
  };
  return o;
}

// Himmelblau: (x^2 + y - 11)^2 + (x + y^2 - 7)^2.
Objective himmelblau() {
  Objective o;
  o.value_grad = [](const Vec& v, Vec* g) {
    const double x = v[0], y = v[1];
    const double a = x * x + y - 11, b = x + y * y - 7;
    if (g) *g << 4 * x * a + 2 * b, 2 * a + 4 * y * b;
    return a * a + b * b;
  };
  o.hessian = [](const Vec& v, Mat& h) {
    const double x = v[0], y = v[1];
    h.resize(2, 2);
    h << 12 * x * x + 4 * y - 42, 4 * (x + y), 4 * (x + y), 4 * x + 12 * y * y - 26;
  };
  return o;
}

// Rastrigin (2-D): 20 + sum x_i^2 - 10 cos(2 pi x_i).
Objective rastrigin() {
  constexpr double tau = 2 * std::numbers::pi;
  Objective o;
  o.value_grad = [](const Vec& v, Vec* g) {
    double f = 10.0 * static_cast<double>(v.size());
    for (Index i = 0; i < v.size(); ++i) {
      f += v[i] * v[i] - 10 * std::cos(tau * v[i]);
      if (g) (*g)[i] = 2 * v[i] + 10 * tau * std::sin(tau * v[i]);
    }
    return f;
  };
  o.hessian = [](const Vec& v, Mat& h) {
    h.setZero(v.size(), v.size());
    for (Index i = 0; i < v.size(); ++i) h(i, i) = 2 + 10 * tau * tau * std::cos(tau * v[i]);
  };
  return o;
}

// Styblinski-Tang (2-D): 0.5 sum x_i^4 - 16 x_i^2 + 5 x_i.
Objective styblinski_tang() {
  Objective o;
  o.value_grad = [](const Vec& v, Vec* g) {
    double f = 0;
    for (Index i = 0; i < v.size(); ++i) {
      const double x = v[i];
      f += 0.5 * (x * x * x * x - 16 * x * x + 5 * x);
      if (g) (*g)[i] = 0.5 * (4 * x * x * x - 32 * x + 5);
    }
    return f;
  };
  o.hessian = [](const Vec& v, Mat& h) {
    h.setZero(v.size(), v.size());
    for (Index i = 0; i < v.size(); ++i) h(i, i) = 0.5 * (12 * v[i] * v[i] - 32);
  };
  return o;
}

// Matyas: 0.26 (x^2 + y^2) - 0.48 x y.
Objective matyas() {
  Objective o;
  o.value_grad = [](const Vec& v, Vec* g) {
    const double x = v[0], y = v[1];
    if (g) *g << 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x;
    return 0.26 * (x * x + y * y) - 0.48 * x * y;
  };
  o.hessian = [](const Vec&, Mat& h) {
    h.resize(2, 2);
    h << 0.52, -0.48, -0.48, 0.52;
  };
  return o;
}

std::vector<Problem> build() {
  std::vector<Problem> all;
  all.push_back({"rosenbrock", "Rosenbrock's banana valley (2-D)", "(1 - x)^2 + 100*(y - x^2)^2",
                 {"x", "y"}, vec({-1.2, 1.0}), {vec({1.0, 1.0})}, 0.0,
                 "lbfgs(line_search_fn=strong_wolfe, tolerance_change=1e-14)", 100, rosenbrock()});
  {
    std::string formula;
    for (int i = 1; i < 5; ++i) {
      formula += fmt::format("{}100*(x{} - x{}^2)^2 + (1 - x{})^2", i > 1 ? " + " : "", i + 1, i, i);
    }
    all.push_back({"rosenbrock5", "Rosenbrock in 5 dimensions", formula,
                   {"x1", "x2", "x3", "x4", "x5"}, vec({-1.2, 1.0, -1.2, 1.0, -1.2}),
                   {Vec::Ones(5)}, 0.0, "lbfgs(line_search_fn=strong_wolfe, tolerance_change=1e-14)", 100, rosenbrock()});
  }
  all.push_back({"beale", "Beale's function: flat plateaus, a narrow valley",
                 "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", {"x", "y"},
                 vec({1.0, 1.0}), {vec({3.0, 0.5})}, 0.0, "adam(lr=0.05)", 3000, beale()});
  all.push_back({"booth", "Booth's function: a tilted bowl", "(x + 2*y - 7)^2 + (2*x + y - 5)^2",
                 {"x", "y"}, vec({0.0, 0.0}), {vec({1.0, 3.0})}, 0.0, "gd(lr=0.05)", 500,
                 booth()});
  all.push_back({"himmelblau", "Himmelblau's function: four minima",
                 "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", {"x", "y"}, vec({0.0, 0.0}),
                 {vec({3.0, 2.0}), vec({-2.805118086952745, 3.131312518250573}),
                  vec({-3.779310253377747, -3.283185991286170}),
                  vec({3.584428340330492, -1.848126526964404})},
                 0.0, "gd(lr=0.01)", 1000, himmelblau()});
  all.push_back({"rastrigin", "Rastrigin's function (2-D): many local minima",
                 "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", {"x", "y"}, vec({0.3, -0.2}),
                 {vec({0.0, 0.0})}, 0.0, "gd(lr=0.001)", 2000, rastrigin()});
  all.push_back({"styblinski_tang", "Styblinski-Tang (2-D)",
                 "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)", {"x", "y"}, vec({-1.0, -1.0}),
                 {vec({-2.903534027771178, -2.903534027771178})}, -78.33233140754282,
                 "gd(lr=0.01)", 1000, styblinski_tang()});
  all.push_back({"matyas", "Matyas: a flat, slightly tilted bowl", "0.26*(x^2 + y^2) - 0.48*x*y",
                 {"x", "y"}, vec({1.0, 2.0}), {vec({0.0, 0.0})}, 0.0, "gd(lr=1)", 2000, matyas()});
  all.push_back({"ill_conditioned", "A quadratic with condition number 1000: 0.5 x^2 + 500 y^2",
                 "0.5*x^2 + 500*y^2", {"x", "y"}, vec({1.0, 1.0}), {vec({0.0, 0.0})}, 0.0,
                 "adam(lr=0.01)", 2000, diagonal_quadratic(vec({0.5, 500.0}))});
  all.push_back({"parabola", "Course: x^2 from x = 10", "x^2", {"x"}, vec({10.0}),
                 {vec({0.0})}, 0.0, "gd(lr=0.2)", 10, diagonal_quadratic(vec({1.0}))});
  all.push_back({"bowl", "Course: 3x^2 + y^2 from (1, 1)", "3*x^2 + y^2", {"x", "y"},
                 vec({1.0, 1.0}), {vec({0.0, 0.0})}, 0.0, "gd(lr=0.1)", 100,
                 diagonal_quadratic(vec({3.0, 1.0}))});
  all.push_back({"ellipse", "Course: x1^2 + 2 x2^2 from (-5, -2)", "x1^2 + 2*x2^2",
                 {"x1", "x2"}, vec({-5.0, -2.0}), {vec({0.0, 0.0})}, 0.0, "gd(lr=0.1)", 20,
                 diagonal_quadratic(vec({1.0, 2.0}))});
  all.push_back({"valley", "Course: 0.1 x1^2 + 2 x2^2 from (-5, -2), a narrow valley",
                 "0.1*x1^2 + 2*x2^2", {"x1", "x2"}, vec({-5.0, -2.0}), {vec({0.0, 0.0})}, 0.0,
                 "momentum(lr=0.6, momentum=0.5)", 20, diagonal_quadratic(vec({0.1, 2.0}))});
  return all;
}

}  // namespace

const std::vector<Problem>& problems() {
  static const std::vector<Problem> all = build();
  return all;
}

const Problem* find_problem(std::string_view name) {
  for (const auto& problem : problems()) {
    if (problem.name == name) return &problem;
  }
  return nullptr;
}

}  // namespace descent::optim
