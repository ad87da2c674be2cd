// Contours of a function sampled on a regular 2-D grid: level selection (logarithmic when the
// values span decades, so Rosenbrock's valley shows) and marching squares for the iso-lines.
// Example: Grid g = Grid::sample(f, -2, 2, -1, 3, 200, 200); auto lines = trace_contour(g, 1.0);
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace descent::plot {

// Values on nx x ny nodes: node (i, j) sits at (x_lo + i dx, y_lo + j dy), value[j * nx + i].
struct Grid {
  std::size_t nx = 0;
  std::size_t ny = 0;
  double x_lo = 0.0;
  double x_hi = 1.0;
  double y_lo = 0.0;
  double y_hi = 1.0;
  std::vector<double> values{};

  double x_at(std::size_t i) const;
  double y_at(std::size_t j) const;
  double at(std::size_t i, std::size_t j) const { return values[j * nx + i]; }
  // Bilinear interpolation at (x, y) inside the grid (clamped to its edge); NaN if a corner is.
  double interpolate(double x, double y) const;

  // Fills the grid from a batched function: `points` holds n rows of (x, y), row-major, and the
  // function writes n values. Called once for the whole grid.
  using BatchFn = std::function<void(const double* points, std::size_t n, double* out)>;
  static Grid sample(const BatchFn& f, double x_lo, double x_hi, double y_lo, double y_hi,
                     std::size_t nx, std::size_t ny);
};

struct Point2 {
  double x = 0.0;
  double y = 0.0;
};
using Polyline = std::vector<Point2>;

enum class LevelScale { automatic, linear, log };

// `count` levels strictly inside the finite range of the grid's values. Logarithmic spacing
// of (f - min) when `scale` says so, or when automatic and the values span decades (the lower
// quarter of the grid lies within 1/30 of the range above the minimum).
std::vector<double> contour_levels(const std::vector<double>& values, std::size_t count,
                                   LevelScale scale = LevelScale::automatic);

// The iso-line f = level as polylines in data coordinates (marching squares, saddles resolved by
// the cell's mean, segments joined into chains; closed loops repeat their first point).
std::vector<Polyline> trace_contour(const Grid& grid, double level);

}  // namespace descent::plot
