// The line searches' non-template part: torch's cubic interpolation and MINPACK-2's dcsrch and
// dcstep (built with -ffp-contract=off, see CMakeLists.txt, as scipy's Fortran is).
#include "line_search.hpp"

#include <cmath>

namespace descent::optim::detail {
namespace {

// The minimizer of the cubic through (a, fa, da) and (b, fb, db) as dcstep writes it: s scales
// against overflow; clamp_zero as dcstep's third case (the cubic may not tend to infinity).
double dcstep_gamma(double theta, double da, double db, bool clamp_zero) {
  const double s = std::max(std::abs(theta), std::max(std::abs(da), std::abs(db)));
  const double disc = (theta / s) * (theta / s) - (da / s) * (db / s);
  return s * std::sqrt(clamp_zero ? std::max(0.0, disc) : disc);
}

struct Interval {
  double& stx;
  double& fx;
  double& dx;
  double& sty;
  double& fy;
  double& dy;
};

// dcstep's third case: a lower value, derivatives of the same sign, the derivative shrinks.
double dcstep_shrinking(const Interval& v, double stp, double dp, double fp, bool brackt,
                        double stpmin, double stpmax) {
  const double theta = 3.0 * (v.fx - fp) / (stp - v.stx) + v.dx + dp;
  double gamma = dcstep_gamma(theta, v.dx, dp, true);
  if (stp > v.stx) gamma = -gamma;
  const double p = (gamma - dp) + theta;
  const double q = (gamma + (v.dx - dp)) + gamma;
  const double r = p / q;
  double stpc = stp > v.stx ? stpmax : stpmin;
  if (r < 0.0 && gamma != 0.0) stpc = stp + r * (v.stx - stp);
  const double stpq = stp + (dp / (dp - v.dx)) * (v.stx - stp);
  if (brackt) {
    const double stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
    if (stp > v.stx) return std::min(stp + 0.66 * (v.sty - stp), stpf);
    return std::max(stp + 0.66 * (v.sty - stp), stpf);
  }
  const double stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
  return std::max(stpmin, std::min(stpmax, stpf));
}

// dcstep: the safeguarded step of More and Thuente from the interval's ends (stx: the best step
// so far, sty: the other end) and the trial (stp, fp, dp); updates the interval and brackt.
double dcstep_trial(const Interval& v, double stp, double fp, double dp, bool brackt, double stpmin,
                    double stpmax) {
  const double sgnd = dp * (v.dx / std::abs(v.dx));
  if (fp > v.fx) {  // a higher value: the minimum is bracketed
    const double theta = 3.0 * (v.fx - fp) / (stp - v.stx) + v.dx + dp;
    double gamma = dcstep_gamma(theta, v.dx, dp, false);
    if (stp < v.stx) gamma = -gamma;
    const double p = (gamma - v.dx) + theta;
    const double q = ((gamma - v.dx) + gamma) + dp;
    const double stpc = v.stx + p / q * (stp - v.stx);
    const double stpq =
        v.stx + ((v.dx / ((v.fx - fp) / (stp - v.stx) + v.dx)) / 2.0) * (stp - v.stx);
    return std::abs(stpc - v.stx) < std::abs(stpq - v.stx) ? stpc : stpc + (stpq - stpc) / 2.0;
  }
  if (sgnd < 0.0) {  // a lower value, derivatives of opposite sign: bracketed
    const double theta = 3.0 * (v.fx - fp) / (stp - v.stx) + v.dx + dp;
    double gamma = dcstep_gamma(theta, v.dx, dp, false);
    if (stp > v.stx) gamma = -gamma;
    const double p = (gamma - dp) + theta;
    const double q = ((gamma - dp) + gamma) + v.dx;
    const double stpc = stp + p / q * (v.stx - stp);
    const double stpq = stp + (dp / (dp - v.dx)) * (v.stx - stp);
    return std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
  }
  if (std::abs(dp) < std::abs(v.dx)) {  // lower, same sign, the derivative shrinks
    return dcstep_shrinking(v, stp, dp, fp, brackt, stpmin, stpmax);
  }
  if (brackt) {  // lower, same sign, the derivative does not shrink
    const double theta = 3.0 * (fp - v.fy) / (v.sty - stp) + v.dy + dp;
    double gamma = dcstep_gamma(theta, v.dy, dp, false);
    if (stp > v.sty) gamma = -gamma;
    const double p = (gamma - dp) + theta;
    const double q = ((gamma - dp) + gamma) + v.dy;
    return stp + p / q * (v.sty - stp);
  }
  return stp > v.stx ? stpmax : stpmin;
}

// dcstep in full: the new trial step, with the interval and brackt updated.
double dcstep(const Interval& v, double stp, double fp, double dp, bool& brackt, double stpmin,
              double stpmax) {
  const double sgnd = dp * (v.dx / std::abs(v.dx));
  const double stpf = dcstep_trial(v, stp, fp, dp, brackt, stpmin, stpmax);
  if (fp > v.fx || sgnd < 0.0) brackt = true;
  if (fp > v.fx) {
    v.sty = stp, v.fy = fp, v.dy = dp;
  } else {
    if (sgnd < 0.0) v.sty = v.stx, v.fy = v.fx, v.dy = v.dx;
    v.stx = stp, v.fx = fp, v.dx = dp;
  }
  return stpf;
}

}  // namespace

MoreThuente::MoreThuente(double f0, double g0, double stp, const MoreThuenteOptions& options)
    : o_(options), stp_(stp) {
  if (stp < o_.stpmin || stp > o_.stpmax || g0 >= 0.0 || o_.ftol < 0.0 || o_.gtol < 0.0 ||
      o_.xtol < 0.0 || o_.stpmin < 0.0 || o_.stpmax < o_.stpmin) {
    task_ = SearchTask::error;
    return;
  }
  finit_ = f0, ginit_ = g0, gtest_ = o_.ftol * ginit_;
  width_ = o_.stpmax - o_.stpmin;
  width1_ = width_ / 0.5;
  fx_ = fy_ = finit_;
  gx_ = gy_ = ginit_;
  stmax_ = stp + 4.0 * stp;
}

SearchTask MoreThuente::next(double f, double g) {
  if (task_ != SearchTask::fg) return task_;
  const double ftest = finit_ + stp_ * gtest_;
  if (stage_ == 1 && f <= ftest && g >= 0.0) stage_ = 2;
  // The tests in dcsrch's order: a later one overrides an earlier one.
  if (brackt_ && (stp_ <= stmin_ || stp_ >= stmax_)) task_ = SearchTask::warning;
  if (brackt_ && stmax_ - stmin_ <= o_.xtol * stmax_) task_ = SearchTask::warning;
  if (stp_ == o_.stpmax && f <= ftest && g <= gtest_) task_ = SearchTask::warning;
  if (stp_ == o_.stpmin && (f > ftest || g >= gtest_)) task_ = SearchTask::warning;
  if (f <= ftest && std::abs(g) <= o_.gtol * (-ginit_)) task_ = SearchTask::convergence;
  if (task_ != SearchTask::fg) return task_;
  if (stage_ == 1 && f <= fx_ && f > ftest) {
    // A lower value without sufficient decrease: step on the modified function psi.
    double fxm = fx_ - stx_ * gtest_, fym = fy_ - sty_ * gtest_;
    double gxm = gx_ - gtest_, gym = gy_ - gtest_;
    stp_ = dcstep({stx_, fxm, gxm, sty_, fym, gym}, stp_, f - stp_ * gtest_, g - gtest_, brackt_,
                  stmin_, stmax_);
    fx_ = fxm + stx_ * gtest_, fy_ = fym + sty_ * gtest_;
    gx_ = gxm + gtest_, gy_ = gym + gtest_;
  } else {
    stp_ = dcstep({stx_, fx_, gx_, sty_, fy_, gy_}, stp_, f, g, brackt_, stmin_, stmax_);
  }
  if (brackt_) {  // bisect when the interval does not shrink fast enough
    if (std::abs(sty_ - stx_) >= 0.66 * width1_) stp_ = stx_ + 0.5 * (sty_ - stx_);
    width1_ = width_;
    width_ = std::abs(sty_ - stx_);
  }
  stmin_ = brackt_ ? std::min(stx_, sty_) : stp_ + 1.1 * (stp_ - stx_);
  stmax_ = brackt_ ? std::max(stx_, sty_) : stp_ + 4.0 * (stp_ - stx_);
  stp_ = std::min(std::max(stp_, o_.stpmin), o_.stpmax);
  // No further progress possible: the best step so far.
  if (brackt_ && (stp_ <= stmin_ || stp_ >= stmax_ || stmax_ - stmin_ <= o_.xtol * stmax_)) {
    stp_ = stx_;
  }
  return task_;
}

double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         const double* bounds) {
  double lo = x1 <= x2 ? x1 : x2;
  double hi = x1 <= x2 ? x2 : x1;
  if (bounds) {
    lo = bounds[0];
    hi = bounds[1];
  }
  const double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  const double d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= 0) {
    const double d2 = std::sqrt(d2_square);
    double min_pos;
    if (x1 <= x2) {
      min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2));
    } else {
      min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    }
    return std::min(std::max(min_pos, lo), hi);
  }
  return (lo + hi) / 2.;
}

}  // namespace descent::optim::detail
