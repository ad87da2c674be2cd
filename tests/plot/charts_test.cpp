#include "descent/plot/charts.hpp"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/plot/layout.hpp"
#include "descent/plot/render.hpp"
#include "plot/svg_check.hpp"

namespace descent::plot {
namespace {

// f(x, y) = 3x^2 + y^2 with its gradient, batched.
void quadratic(const double* p, std::size_t n, double* out, double* grads) {
  for (std::size_t k = 0; k < n; ++k) {
    const double x = p[2 * k], y = p[2 * k + 1];
    out[k] = 3 * x * x + y * y;
    if (grads != nullptr) {
      grads[2 * k] = 6 * x;
      grads[2 * k + 1] = 2 * y;
    }
  }
}

// Gradient descent by hand on the quadratic: x <- x - lr * grad (docs/architecture.md:
// from (1, 1) with lr 0.1 the first steps are (0.4, 0.8) and (0.16, 0.64)).
RunSummary gd_run(double lr, int steps) {
  RunSummary s;
  Vec x(2);
  x << 1.0, 1.0;
  for (int k = 0; k <= steps; ++k) {
    TracePoint t;
    t.step = k;
    t.x = x;
    t.f = 3 * x[0] * x[0] + x[1] * x[1];
    Vec g(2);
    g << 6 * x[0], 2 * x[1];
    t.grad_norm = g.norm();
    s.trace.push_back(t);
    if (k < steps) x -= lr * g;
  }
  s.x = x;
  s.steps = steps;
  return s;
}

FunctionView quadratic_view() {
  return {quadratic, {"x", "y"}, "3x^2 + y^2", {Vec::Zero(2)}};
}

TEST(ContourPanel, DrawsEachRunAsALabelledPathWithTheStartAndTheMinimum) {
  const std::vector<LabeledRun> runs{{"gd(lr=0.1)", gd_run(0.1, 10)}, {"gd(lr=0.3)", gd_run(0.3, 10)}};
  const Panel panel = contour_panel(quadratic_view(), runs, {.levels = 12});
  ASSERT_EQ(panel.series.size(), 2u);
  EXPECT_EQ(panel.series[0].x.size(), 11u);
  EXPECT_NE(panel.series[0].color.hex(), panel.series[1].color.hex());
  EXPECT_EQ(panel.legend_labels(), (std::vector<std::string>{"gd(lr=0.1)", "gd(lr=0.3)", "start", "minimum"}));
  ASSERT_TRUE(panel.fill.has_value());
  EXPECT_EQ(panel.fill->levels.size(), 12u);
  EXPECT_EQ(panel.contours.size(), 12u);
  EXPECT_DOUBLE_EQ(panel.series[0].x[1], 0.4);  // first gd step of the course example
  EXPECT_DOUBLE_EQ(panel.series[0].y[1], 0.8);
}

TEST(ContourPanel, FirstPointOfAPathSitsAtItsStartInPixels) {
  const std::vector<LabeledRun> runs{{"gd", gd_run(0.1, 5)}};
  Figure fig = paths_figure(quadratic_view(), runs, {.range = Range2{-2, 2, -1, 3}}, 800, 600);
  const PanelLayout pl = layout(fig).panels.front();
  const Point2 start = pl.to_pixel(fig.panels[0].series[0].x[0], fig.panels[0].series[0].y[0]);
  // (1, 1) in [-2, 2] x [-1, 3] is 3/4 across and 1/2 up the plot area.
  EXPECT_NEAR(start.x, pl.plot.x + 0.75 * pl.plot.w, 1e-9);
  EXPECT_NEAR(start.y, pl.plot.y + 0.5 * pl.plot.h, 1e-9);
  const PointMark& mark = fig.panels[0].points.front();
  EXPECT_EQ(mark.label, "start");
  EXPECT_DOUBLE_EQ(mark.x, 1.0);
  EXPECT_DOUBLE_EQ(mark.y, 1.0);
}

TEST(ContourPanel, ArrowsPointDownhill) {
  const Panel panel = contour_panel(quadratic_view(), {{"gd", gd_run(0.1, 3)}},
                                    {.range = Range2{-1, 1, -1, 1}, .arrows = true});
  ASSERT_FALSE(panel.arrows.empty());
  for (const auto& a : panel.arrows) {
    // -grad . (position) < 0 for the bowl: every arrow points towards the origin.
    EXPECT_LT(a.dx * a.x + a.dy * a.y, 0.0);
  }
}

TEST(ContourPanel, RangeFromRunsContainsEveryPathAndTheMinimizer) {
  const std::vector<LabeledRun> runs{{"gd", gd_run(0.1, 10)}};
  const Range2 r = range_from_runs(runs, {Vec::Zero(2)});
  EXPECT_LT(r.x_lo, 0.0);
  EXPECT_GT(r.x_hi, 1.0);
  EXPECT_LT(r.y_lo, 0.0);
  EXPECT_GT(r.y_hi, 1.0);
}

TEST(ContourPanel, RunawayPathDoesNotStretchTheRange) {
  // lr 0.4 on 3x^2: x -> (1 - 2.4) x, |x| grows 1.4x per step: 1.4^40 ~ 7e5.
  const std::vector<LabeledRun> runs{{"gd(lr=0.1)", gd_run(0.1, 10)}, {"gd(lr=0.4)", gd_run(0.4, 40)}};
  const Range2 r = range_from_runs(runs, {Vec::Zero(2)});
  EXPECT_LT(r.x_hi - r.x_lo, 50.0);
}

TEST(PathsFigure, ThreeVariablesAreBadUsage) {
  FunctionView view{quadratic, {"x", "y", "z"}, "f", {}};
  try {
    paths_figure(view, {}, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
  }
}

TEST(CurvePanel, IteratesSitOnTheCurve) {
  // f(x) = x^2 from 10 with lr 0.2: x_k = 10 * 0.6^k.
  RunSummary run;
  double x = 10.0;
  for (int k = 0; k <= 10; ++k) {
    run.trace.push_back({k, Vec::Constant(1, x), x * x, 2 * std::abs(x), 0.2});
    x -= 0.2 * 2 * x;
  }
  FunctionView view{[](const double* p, std::size_t n, double* out, double* g) {
                      for (std::size_t k = 0; k < n; ++k) {
                        out[k] = p[k] * p[k];
                        if (g != nullptr) g[k] = 2 * p[k];
                      }
                    },
                    {"x"}, "x^2", {Vec::Zero(1)}};
  const Panel panel = curve_panel(view, {{"gd(lr=0.2)", run}}, {});
  ASSERT_EQ(panel.series.size(), 2u);  // the curve, the iterates
  const Series& iterates = panel.series[1];
  for (std::size_t k = 0; k < iterates.x.size(); ++k) EXPECT_DOUBLE_EQ(iterates.y[k], iterates.x[k] * iterates.x[k]);
  EXPECT_NEAR(iterates.x.back(), 10 * std::pow(0.6, 10), 1e-12);  // 0.060466 (docs/architecture.md)
  EXPECT_LE(panel.x.lo, 0.0);
  EXPECT_GE(panel.x.hi, 10.0);
}

TEST(MinimizeFigure, HasThePathsAndALogConvergencePanel) {
  const Figure fig = minimize_figure(quadratic_view(), {"gd(lr=0.1)", gd_run(0.1, 20)}, {});
  ASSERT_EQ(fig.panels.size(), 2u);
  EXPECT_EQ(fig.columns, 2u);
  EXPECT_TRUE(fig.panels[1].y.log);
  EXPECT_EQ(fig.panels[1].legend_labels(), (std::vector<std::string>{"f", "|grad f|"}));
}

TEST(TrainingFigure, SavesLossAndAccuracyPanelsAsWellFormedSvg) {
  std::vector<EpochPoint> epochs;
  for (int e = 1; e <= 5; ++e) epochs.push_back({double(e), 1.0 / e, 1.2 / e, 0.8 + 0.03 * e});
  const Figure fig = training_figure(epochs, "digits");
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("descent_train_" + std::to_string(getpid()) + ".svg")).string();
  const RenderReport report = save(fig, path);
  const std::string svg = test::read_file(path);
  EXPECT_TRUE(test::well_formed_xml(svg));
  EXPECT_NE(svg.find("legend: train loss"), std::string::npos);
  EXPECT_NE(svg.find("legend: test loss"), std::string::npos);
  EXPECT_NE(svg.find("legend: test accuracy"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace descent::plot
