// Lanczos with full reorthogonalization on Hessian-vector products, and gd(lr=auto)
// (include/descent/optim/curvature.hpp).
// clang-format off
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen
#include "descent/optim/curvature.hpp"
// clang-format on

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/rng.hpp"
#include "descent/core/spec.hpp"

namespace descent::optim {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

void check_options(const CurvatureOptions& o, Index n) {
  if (n < 1) throw_usage("curvature: no variables");
  if (o.top < 1 || o.top > kMaxCurvatureTop) {
    throw_usage("curvature: top = {}; must lie in [1, {}]", o.top, kMaxCurvatureTop);
  }
  if (o.iterations < 0 || o.iterations > kMaxLanczosIterations) {
    throw_usage("curvature: iterations = {}; must lie in [0, {}]", o.iterations,
                kMaxLanczosIterations);
  }
  if (!(o.tol > 0 && o.tol < 1)) throw_usage("curvature: tol = {}; must lie in (0, 1)", o.tol);
}

// Removes from w its components along the first k columns of q (twice: "twice is enough").
void reorthogonalize(const Mat& q, Index k, Vec& w) {
  for (int pass = 0; pass < 2; ++pass) w -= q.leftCols(k) * (q.leftCols(k).transpose() * w);
}

}  // namespace

Curvature curvature(const HessianProduct& product, Index n, const CurvatureOptions& options) {
  check_options(options, n);
  const Index wanted = options.iterations > 0 ? options.iterations : 2 * options.top + 30;
  const Index fits = kMaxLanczosValues / n;
  if (fits < std::min<Index>(n, options.top + 1)) {
    throw_usage(
        "curvature: {} variables; Lanczos needs {} x {} numbers, more than {}; ask for "
        "fewer eigenvalues (top)",
        n, n, options.top + 1, kMaxLanczosValues);
  }
  const Index limit = std::min({n, wanted, kMaxLanczosIterations, fits});
  Mat q(n, limit);
  Vec alpha(limit), beta(limit);
  Rng rng(options.seed);
  Vec w(n);
  for (Index i = 0; i < n; ++i) w[i] = rng.normal();
  q.col(0) = w / w.norm();
  Index k = 0;
  bool invariant = false;  // the Krylov space closed: T's eigenvalues are H's exactly
  while (k < limit) {
    product(q.col(k), w);
    if (!w.allFinite()) throw_input("curvature: a Hessian-vector product is not finite here");
    alpha[k] = q.col(k).dot(w);
    reorthogonalize(q, k + 1, w);
    beta[k] = w.norm();
    ++k;
    const double scale = alpha.head(k).cwiseAbs().maxCoeff() + beta.head(k).maxCoeff();
    if (beta[k - 1] <= 1e3 * kEps * std::max(scale, 1e-300)) {
      invariant = true;
      break;
    }
    if (k < limit) q.col(k) = w / beta[k - 1];
  }
  if (k == n) invariant = true;
  Mat t = Mat::Zero(k, k);
  for (Index i = 0; i < k; ++i) {
    t(i, i) = alpha[i];
    if (i + 1 < k) t(i, i + 1) = t(i + 1, i) = beta[i];
  }
  const Eigen::SelfAdjointEigenSolver<Mat> eig(t);
  const Vec& theta = eig.eigenvalues();  // ascending
  const double lambda_max = theta[k - 1];
  const double tol = options.tol * std::max(std::abs(lambda_max), kEps);
  auto residual = [&](Index i) {
    return invariant ? 0.0 : beta[k - 1] * std::abs(eig.eigenvectors()(k - 1, i));
  };
  Curvature c;
  c.iterations = k;
  for (Index i = k - 1; i >= 0 && static_cast<std::int64_t>(c.top.size()) < options.top; --i) {
    c.top.push_back(theta[i]);
    c.converged.push_back(residual(i) <= tol);
  }
  if (residual(0) <= tol) c.smallest = theta[0];
  if (c.smallest && *c.smallest > 0 && lambda_max > 0) c.condition = lambda_max / *c.smallest;
  c.lambda_max = lambda_max;
  c.max_stable_lr = lambda_max > 0 ? 2 / lambda_max : std::numeric_limits<double>::infinity();
  return c;
}

HessianProduct hessian_product(const Objective& objective, const Vec& x, bool* exact) {
  if (exact) *exact = static_cast<bool>(objective.hessian);
  if (objective.hessian) {
    Mat h;
    objective.hessian(x, h);
    if (!h.allFinite()) throw_input("curvature: the Hessian is not finite here");
    return [h = std::move(h)](const Vec& v, Vec& out) { out.noalias() = h * v; };
  }
  auto value_grad = objective.value_grad;
  return [value_grad, x](const Vec& v, Vec& out) {
    const double h = std::cbrt(kEps) * std::max(1.0, x.norm()) / std::max(v.norm(), 1e-300);
    Vec plus(x.size()), minus(x.size());
    value_grad(x + h * v, &plus);
    value_grad(x - h * v, &minus);
    out = (plus - minus) / (2 * h);
  };
}

double auto_lr(const Objective& objective, const Vec& x0, double* lambda_max) {
  const Curvature c = curvature(hessian_product(objective, x0), x0.size(), {.top = 1});
  if (lambda_max) *lambda_max = c.lambda_max;
  if (!(c.lambda_max > 0)) {
    throw_input(
        "lr=auto: the largest Hessian eigenvalue at the start is {} (no positive "
        "curvature to set a step by); give lr a number",
        c.lambda_max);
  }
  return 1 / c.lambda_max;
}

AutoLrSpec resolve_auto_lr(const std::string& text, const Objective& objective, const Vec& x0) {
  Spec spec = Spec::parse(text, "optimizer");
  const SpecValue* lr = spec.find("lr");
  if (!lr || lr->kind != SpecValue::Kind::word || lr->word != "auto") return {text, {}};
  const std::string& name = spec.name();
  if (name != "gd" && name != "sgd" && name != "momentum") {
    throw_usage(
        "{}: lr=auto is for gd, sgd and momentum (1 / the largest Hessian eigenvalue at "
        "the start); give {} a number",
        name, name);
  }
  double lambda_max = 0;
  const double lr_value = auto_lr(objective, x0, &lambda_max);
  SpecValue number;
  number.number = lr_value;  // Kind::number
  spec.set("lr", number);
  return {spec.text(),
          fmt::format("lr=auto: the largest Hessian eigenvalue at the start is {:.6g}, so lr = 1 / "
                      "lambda_max = {:.6g} (the largest stable step, 2 / lambda_max, is {:.6g})",
                      lambda_max, lr_value, 2 / lambda_max)};
}

}  // namespace descent::optim
