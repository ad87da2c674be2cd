#include "descent/plot/contour.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "descent/core/error.hpp"

namespace descent::plot {

double Grid::x_at(std::size_t i) const {
  return nx < 2 ? x_lo : x_lo + (x_hi - x_lo) * static_cast<double>(i) / static_cast<double>(nx - 1);
}

double Grid::y_at(std::size_t j) const {
  return ny < 2 ? y_lo : y_lo + (y_hi - y_lo) * static_cast<double>(j) / static_cast<double>(ny - 1);
}

double Grid::interpolate(double x, double y) const {
  if (nx < 2 || ny < 2) return values.empty() ? std::nan("") : values.front();
  const double u = std::clamp((x - x_lo) / (x_hi - x_lo), 0.0, 1.0) * static_cast<double>(nx - 1);
  const double v = std::clamp((y - y_lo) / (y_hi - y_lo), 0.0, 1.0) * static_cast<double>(ny - 1);
  const auto i = std::min(static_cast<std::size_t>(u), nx - 2);
  const auto j = std::min(static_cast<std::size_t>(v), ny - 2);
  const double s = u - static_cast<double>(i);
  const double t = v - static_cast<double>(j);
  return (1 - s) * (1 - t) * at(i, j) + s * (1 - t) * at(i + 1, j) + (1 - s) * t * at(i, j + 1) +
         s * t * at(i + 1, j + 1);
}

Grid Grid::sample(const BatchFn& f, double x_lo, double x_hi, double y_lo, double y_hi,
                  std::size_t nx, std::size_t ny) {
  DESCENT_ASSERT(nx >= 2 && ny >= 2);
  Grid grid{nx, ny, x_lo, x_hi, y_lo, y_hi, std::vector<double>(nx * ny)};
  std::vector<double> points(2 * nx * ny);
  for (std::size_t j = 0; j < ny; ++j) {
    for (std::size_t i = 0; i < nx; ++i) {
      points[2 * (j * nx + i)] = grid.x_at(i);
      points[2 * (j * nx + i) + 1] = grid.y_at(j);
    }
  }
  f(points.data(), nx * ny, grid.values.data());
  return grid;
}

std::vector<double> contour_levels(const std::vector<double>& values, std::size_t count,
                                   LevelScale scale) {
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double v : values) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  if (finite.empty() || count == 0) return {};
  std::sort(finite.begin(), finite.end());
  const double lo = finite.front();
  const double span = finite.back() - lo;
  if (!(span > 0.0)) return {};
  const double quarter = finite[finite.size() / 4] - lo;
  const bool use_log = scale == LevelScale::log ||
                       (scale == LevelScale::automatic && quarter < span / 30.0);
  std::vector<double> levels;
  levels.reserve(count);
  if (use_log) {
    // Offsets above the minimum from a small positive floor to the span, evenly in log space:
    // the floor is the 1% quantile (or span * 1e-6) so the lowest level circles the minimum.
    const double floor_offset = std::max(finite[finite.size() / 100] - lo, span * 1e-6);
    const double a = std::log(floor_offset);
    const double b = std::log(span);
    for (std::size_t k = 0; k < count; ++k) {
      const double t = static_cast<double>(k) / static_cast<double>(count);
      levels.push_back(lo + std::exp(a + (b - a) * t));
    }
  } else {
    for (std::size_t k = 1; k <= count; ++k) {
      levels.push_back(lo + span * static_cast<double>(k) / static_cast<double>(count + 1));
    }
  }
  return levels;
}

namespace {

// Edges of the grid get integer ids: horizontal edge (i, j)-(i+1, j) and vertical (i, j)-(i, j+1).
struct EdgeIds {
  std::size_t nx;
  std::size_t ny;
  std::int64_t horizontal(std::size_t i, std::size_t j) const {
    return static_cast<std::int64_t>(j * (nx - 1) + i);
  }
  std::int64_t vertical(std::size_t i, std::size_t j) const {
    return static_cast<std::int64_t>((nx - 1) * ny + j * nx + i);
  }
};

struct Segment {
  std::int64_t a;
  std::int64_t b;
};

// Joins segments that share edge ids into chains (each edge is shared by at most two cells).
std::vector<std::vector<std::int64_t>> join_segments(const std::vector<Segment>& segments) {
  std::unordered_map<std::int64_t, std::vector<std::size_t>> by_edge;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    by_edge[segments[s].a].push_back(s);
    by_edge[segments[s].b].push_back(s);
  }
  std::vector<bool> used(segments.size(), false);
  auto next_segment = [&](std::int64_t edge) -> std::ptrdiff_t {
    for (std::size_t s : by_edge[edge]) {
      if (!used[s]) return static_cast<std::ptrdiff_t>(s);
    }
    return -1;
  };
  auto extend = [&](std::vector<std::int64_t>& chain) {
    for (std::ptrdiff_t s = next_segment(chain.back()); s >= 0; s = next_segment(chain.back())) {
      used[static_cast<std::size_t>(s)] = true;
      const Segment& seg = segments[static_cast<std::size_t>(s)];
      chain.push_back(seg.a == chain.back() ? seg.b : seg.a);
    }
  };
  std::vector<std::vector<std::int64_t>> chains;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    if (used[s]) continue;
    used[s] = true;
    std::vector<std::int64_t> chain{segments[s].a, segments[s].b};
    extend(chain);
    std::reverse(chain.begin(), chain.end());
    extend(chain);
    chains.push_back(std::move(chain));
  }
  return chains;
}

}  // namespace

std::vector<Polyline> trace_contour(const Grid& grid, double level) {
  const std::size_t nx = grid.nx;
  const std::size_t ny = grid.ny;
  if (nx < 2 || ny < 2) return {};
  const EdgeIds ids{nx, ny};
  std::unordered_map<std::int64_t, Point2> crossing;
  auto cross = [&](std::int64_t id, double xa, double ya, double fa, double xb, double yb, double fb) {
    const double t = std::clamp((level - fa) / (fb - fa), 0.0, 1.0);
    crossing.emplace(id, Point2{xa + (xb - xa) * t, ya + (yb - ya) * t});
    return id;
  };
  std::vector<Segment> segments;
  for (std::size_t j = 0; j + 1 < ny; ++j) {
    for (std::size_t i = 0; i + 1 < nx; ++i) {
      const double f00 = grid.at(i, j), f10 = grid.at(i + 1, j);
      const double f01 = grid.at(i, j + 1), f11 = grid.at(i + 1, j + 1);
      if (!std::isfinite(f00) || !std::isfinite(f10) || !std::isfinite(f01) || !std::isfinite(f11)) {
        continue;
      }
      const int mask = (f00 > level ? 1 : 0) | (f10 > level ? 2 : 0) | (f11 > level ? 4 : 0) |
                       (f01 > level ? 8 : 0);
      if (mask == 0 || mask == 15) continue;
      const double x0 = grid.x_at(i), x1 = grid.x_at(i + 1);
      const double y0 = grid.y_at(j), y1 = grid.y_at(j + 1);
      // The four edges, crossed only where their ends differ in sign.
      auto bottom = [&] { return cross(ids.horizontal(i, j), x0, y0, f00, x1, y0, f10); };
      auto top = [&] { return cross(ids.horizontal(i, j + 1), x0, y1, f01, x1, y1, f11); };
      auto left = [&] { return cross(ids.vertical(i, j), x0, y0, f00, x0, y1, f01); };
      auto right = [&] { return cross(ids.vertical(i + 1, j), x1, y0, f10, x1, y1, f11); };
      const bool center_above = (f00 + f10 + f01 + f11) / 4.0 > level;
      switch (mask) {
        case 1: case 14: segments.push_back({left(), bottom()}); break;
        case 2: case 13: segments.push_back({bottom(), right()}); break;
        case 3: case 12: segments.push_back({left(), right()}); break;
        case 4: case 11: segments.push_back({right(), top()}); break;
        case 6: case 9: segments.push_back({bottom(), top()}); break;
        case 7: case 8: segments.push_back({left(), top()}); break;
        case 5:  // corners 00 and 11 above: the centre decides whether they connect
          if (center_above) {
            segments.push_back({left(), top()});
            segments.push_back({bottom(), right()});
          } else {
            segments.push_back({left(), bottom()});
            segments.push_back({right(), top()});
          }
          break;
        case 10:  // corners 10 and 01 above
          if (center_above) {
            segments.push_back({left(), bottom()});
            segments.push_back({right(), top()});
          } else {
            segments.push_back({left(), top()});
            segments.push_back({bottom(), right()});
          }
          break;
        default: break;
      }
    }
  }
  std::vector<Polyline> lines;
  for (const auto& chain : join_segments(segments)) {
    Polyline line;
    line.reserve(chain.size());
    for (std::int64_t id : chain) line.push_back(crossing.at(id));
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace descent::plot
