// Draws gradient descent, Adam and Newton on a tilted quadratic over its contours, from the
// library (no CLI): run three optimizers from one start with a trace, then save the picture.
// Usage: example_plot_contours [out.svg|out.png|out.pdf]   (default: a file in the temp directory)
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "descent/plot/race.hpp"
#include "descent/plot/render.hpp"

int main(int argc, char** argv) {
  using namespace descent;
  try {
    const std::string out = argc > 1 ? argv[1]
                                     : (std::filesystem::temp_directory_path() / "descent_plot_contours.svg").string();
    plot::RaceOptions options{.expr = "x^2 + 3*y^2 + x*y - 2*x",
                              .at = {{"x", -2.5}, {"y", 1.5}},
                              .optimizers = {"gd(lr=0.1)", "adam(lr=0.3)", "newton"},
                              .steps = 40};
    options.paths.arrows = true;
    const plot::RaceResult result = plot::race(options);
    const plot::RenderReport report = plot::save(result.figure, out);
    for (const auto& run : result.runs) {
      std::printf("%-14s f = %.6g after %lld steps\n", run.label.c_str(), run.summary.f,
                  static_cast<long long>(run.summary.steps));
    }
    std::printf("wrote %s (%zu shapes, %zu legend entries)\n", out.c_str(), report.shapes, report.legend.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "example_plot_contours: %s\n", e.what());
    return 1;
  }
}
