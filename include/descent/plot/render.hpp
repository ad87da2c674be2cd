// Rendering a Figure through Cairo to SVG, PNG or PDF, chosen by the file's extension: drawn in
// memory, then written by io::write_file_atomic. Example: save(fig, "rosenbrock.png");
#pragma once

#include <string>
#include <vector>

#include "descent/plot/figure.hpp"

namespace descent::plot {

enum class Format { svg, png, pdf };

// The format for a path's extension (.svg, .png, .pdf, any case). Anything else throws
// descent::Error (bad_usage) naming the extensions we can write.
Format format_from_path(const std::string& path);

// What a render drew, for tests and --json: every text (title, tick and axis labels, legend
// entries) and the count of stroked or filled shapes.
struct RenderReport {
  std::vector<std::string> texts{};
  std::vector<std::string> legend{};
  std::size_t shapes = 0;
};

// Draws `figure` into `path`. SVG files also carry the figure's title as <title> and every text
// as a line of <desc> ("legend: adam(lr=0.1)"), since Cairo writes text as glyph outlines.
// Throws descent::Error (bad_usage for the extension, io when the file cannot be written).
RenderReport save(const Figure& figure, const std::string& path);

}  // namespace descent::plot
