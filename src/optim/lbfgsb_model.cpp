// L-BFGS-B's model, Cauchy point and subspace step (src/optim/lbfgsb_model.hpp).
// The equations are those of Byrd, Lu, Nocedal and Zhu (1995), "A limited memory algorithm for
// bound constrained optimization", sections 3 to 5; the names follow the paper.
// clang-format off
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen
#include "lbfgsb_model.hpp"
// clang-format on

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>

namespace descent::optim::detail {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

bool CompactBfgs::update(Vec s, Vec y) {
  const double sy = s.dot(y);
  if (!(sy > kEps * y.squaredNorm())) return false;
  if (static_cast<std::int64_t>(s_.size()) == memory_) {
    s_.pop_front();
    y_.pop_front();
  }
  theta_ = y.squaredNorm() / sy;
  s_.push_back(std::move(s));
  y_.push_back(std::move(y));
  rebuild();
  return true;
}

void CompactBfgs::clear() {
  s_.clear();
  y_.clear();
  theta_ = 1.0;
  w_.resize(0, 0);
  m_.resize(0, 0);
}

void CompactBfgs::rebuild() {
  const auto k = static_cast<Index>(s_.size());
  const Index n = s_.front().size();
  Mat s(n, k), y(n, k);
  for (Index j = 0; j < k; ++j) {
    s.col(j) = s_[static_cast<std::size_t>(j)];
    y.col(j) = y_[static_cast<std::size_t>(j)];
  }
  w_.resize(n, 2 * k);
  w_ << y, theta_ * s;
  const Mat sy = s.transpose() * y;
  Mat middle = Mat::Zero(2 * k, 2 * k);
  middle.topLeftCorner(k, k) = -Mat(sy.diagonal().asDiagonal());
  const Mat lower = sy.triangularView<Eigen::StrictlyLower>();
  middle.bottomLeftCorner(k, k) = lower;
  middle.topRightCorner(k, k) = lower.transpose();
  middle.bottomRightCorner(k, k) = theta_ * (s.transpose() * s);
  m_ = middle.fullPivLu().inverse();
}

CauchyPoint cauchy_point(const CompactBfgs& model, const Bounds& box, const Vec& x, const Vec& g) {
  const Index n = x.size();
  const Index k2 = model.w().cols();
  const double theta = model.theta();
  CauchyPoint cp{x, Vec::Zero(k2), std::vector<char>(static_cast<std::size_t>(n), 1)};
  Vec t(n), d(n);
  std::vector<Index> order;
  for (Index i = 0; i < n; ++i) {
    const double lo = box.lower[i], hi = box.upper[i];
    t[i] = g[i] < 0 && hi < kInf    ? (x[i] - hi) / g[i]
           : g[i] > 0 && lo > -kInf ? (x[i] - lo) / g[i]
                                    : kInf;
    d[i] = t[i] == 0 ? 0 : -g[i];
    if (t[i] == 0 || lo == hi) cp.free[static_cast<std::size_t>(i)] = 0, d[i] = 0;
    if (t[i] > 0 && t[i] < kInf && lo != hi) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](Index a, Index b) { return t[a] < t[b]; });
  Vec p = k2 ? Vec(model.w().transpose() * d) : Vec();
  double fp = -d.squaredNorm();
  double fpp = theta * d.squaredNorm() - (k2 ? p.dot(model.m() * p) : 0.0);
  const double fpp0 = fpp;
  double dt_min = fpp > 0 ? -fp / fpp : 0.0;
  double t_old = 0.0;
  for (const Index b : order) {
    const double dt = t[b] - t_old;
    if (dt_min < dt) break;
    const double xb = d[b] > 0 ? box.upper[b] : box.lower[b];
    const double z = xb - x[b], gb = g[b];
    cp.x[b] = xb;
    fp += dt * fpp + gb * gb + theta * gb * z;
    fpp -= theta * gb * gb;
    if (k2) {
      cp.c += dt * p;
      const Vec wb = model.w().row(b).transpose();
      const Vec mwb = model.m() * wb;
      fp -= gb * mwb.dot(cp.c);
      fpp -= 2 * gb * mwb.dot(p) + gb * gb * wb.dot(mwb);
      p += gb * wb;
    }
    fpp = std::max(kEps * fpp0, fpp);
    d[b] = 0;
    cp.free[static_cast<std::size_t>(b)] = 0;
    dt_min = fpp > 0 ? -fp / fpp : 0.0;
    t_old = t[b];
  }
  dt_min = std::max(dt_min, 0.0);
  const double t_cauchy = t_old + dt_min;
  for (Index i = 0; i < n; ++i) {
    if (cp.free[static_cast<std::size_t>(i)] && d[i] != 0) cp.x[i] = x[i] + t_cauchy * d[i];
  }
  project(box, cp.x);  // rounding in t_cauchy * d must not leave the box
  if (k2) cp.c += dt_min * p;
  return cp;
}

Vec subspace_minimum(const CompactBfgs& model, const Bounds& box, const Vec& x, const Vec& g,
                     const CauchyPoint& cauchy) {
  std::vector<Index> free;
  for (Index i = 0; i < x.size(); ++i) {
    if (cauchy.free[static_cast<std::size_t>(i)]) free.push_back(i);
  }
  if (free.empty() || model.pairs() == 0) return cauchy.x;
  const double theta = model.theta();
  const auto nf = static_cast<Index>(free.size());
  const Index k2 = model.w().cols();
  const Vec mc = model.m() * cauchy.c;
  Mat a(nf, k2);
  Vec r(nf);
  for (Index j = 0; j < nf; ++j) {
    const Index i = free[static_cast<std::size_t>(j)];
    a.row(j) = model.w().row(i);
    r[j] = g[i] + theta * (cauchy.x[i] - x[i]) - model.w().row(i).dot(mc);
  }
  // (theta I - A M A^T)^{-1} r = r / theta + A (I - M A^T A / theta)^{-1} M A^T r / theta^2
  const Mat n_mat = Mat::Identity(k2, k2) - model.m() * (a.transpose() * a) / theta;
  const Vec v = n_mat.fullPivLu().solve(Vec(model.m() * (a.transpose() * r)));
  const Vec du = -r / theta - a * v / (theta * theta);
  Vec projected = cauchy.x;
  for (Index j = 0; j < nf; ++j) {
    const Index i = free[static_cast<std::size_t>(j)];
    projected[i] = std::clamp(cauchy.x[i] + du[j], box.lower[i], box.upper[i]);
  }
  if ((projected - x).dot(g) <= 0) return projected;
  double alpha = 1.0;  // the unconstrained step, truncated to the box
  for (Index j = 0; j < nf; ++j) {
    const Index i = free[static_cast<std::size_t>(j)];
    if (du[j] < 0) alpha = std::min(alpha, (box.lower[i] - cauchy.x[i]) / du[j]);
    if (du[j] > 0) alpha = std::min(alpha, (box.upper[i] - cauchy.x[i]) / du[j]);
  }
  Vec truncated = cauchy.x;
  for (Index j = 0; j < nf; ++j) truncated[free[static_cast<std::size_t>(j)]] += alpha * du[j];
  project(box, truncated);
  return truncated;
}

}  // namespace descent::optim::detail
