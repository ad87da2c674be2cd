#include "descent/plot/render.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include "descent/core/error.hpp"
#include "descent/plot/layout.hpp"
#include "painter.hpp"

namespace descent::plot {

Format format_from_path(const std::string& path) {
  const auto dot = path.find_last_of('.');
  const auto slash = path.find_last_of('/');
  std::string ext = (dot == std::string::npos || (slash != std::string::npos && dot < slash))
                        ? std::string()
                        : path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == "svg") return Format::svg;
  if (ext == "png") return Format::png;
  if (ext == "pdf") return Format::pdf;
  if (ext.empty()) throw_usage("cannot write '{}': no picture format; use .svg, .png or .pdf", path);
  throw_usage("cannot write '{}': unknown picture format '.{}'; use .svg, .png or .pdf", path, ext);
}

namespace {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

// Cairo writes text as glyph outlines; add the words as <title> and <desc> after the root tag.
void annotate_svg(const std::string& path, const std::string& title, const RenderReport& report) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  in.close();
  std::string svg = buffer.str();
  const auto root = svg.find("<svg");
  const auto end = root == std::string::npos ? root : svg.find('>', root);
  if (end == std::string::npos) throw Error(ErrorCode::internal, "cairo wrote an SVG without a root element");
  std::string notes = fmt::format("\n<title>{}</title>\n<desc>", xml_escape(title.empty() ? "descent plot" : title));
  for (const auto& t : report.texts) notes += fmt::format("\n{}", xml_escape(t));
  notes += "\n</desc>";
  svg.insert(end + 1, notes);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << svg;
  if (!out) throw Error(ErrorCode::io, "cannot write '" + path + "'");
}

void draw(cairo_t* cr, const Figure& figure, RenderReport& report) {
  const FigureLayout fl = layout(figure);
  detail::Painter painter(cr, fl.scale, report);
  painter.background(figure.width, figure.height);
  painter.figure_title(figure.title, figure.width);
  for (std::size_t k = 0; k < figure.panels.size(); ++k) painter.panel(figure.panels[k], fl.panels[k]);
}

void check(cairo_status_t status, const std::string& path) {
  if (status != CAIRO_STATUS_SUCCESS) {
    std::remove((path + ".tmp").c_str());
    throw Error(ErrorCode::io, "cannot write '" + path + "': " + cairo_status_to_string(status));
  }
}

}  // namespace

RenderReport save(const Figure& figure, const std::string& path) {
  const Format format = format_from_path(path);
  if (figure.width < 16 || figure.height < 16 || figure.width > 20000 || figure.height > 20000) {
    throw_usage("figure size {}x{} px is out of range (16 to 20000)", figure.width, figure.height);
  }
  const std::string tmp = path + ".tmp";
  RenderReport report;
  cairo_surface_t* surface = nullptr;
  switch (format) {
    case Format::svg: surface = cairo_svg_surface_create(tmp.c_str(), figure.width, figure.height); break;
    case Format::pdf: surface = cairo_pdf_surface_create(tmp.c_str(), figure.width, figure.height); break;
    case Format::png:
      surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, figure.width, figure.height);
      break;
  }
  const cairo_status_t surface_status = cairo_surface_status(surface);
  if (surface_status != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    check(surface_status, path);
  }
  cairo_t* cr = cairo_create(surface);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_BEST);
  draw(cr, figure, report);
  const cairo_status_t draw_status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_status_t status = draw_status;
  if (status == CAIRO_STATUS_SUCCESS && format == Format::png) {
    status = cairo_surface_write_to_png(surface, tmp.c_str());
  }
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  check(status, path);
  if (format == Format::svg) annotate_svg(tmp, figure.title, report);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(ErrorCode::io, "cannot write '" + path + "': rename failed");
  }
  return report;
}

}  // namespace descent::plot

// Fontconfig (under Cairo's toy text API) keeps process-lifetime caches that LeakSanitizer
// reports as leaks at exit; they are not ours. Weak, so a program's own list wins.
#if defined(__SANITIZE_ADDRESS__)
#define DESCENT_PLOT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DESCENT_PLOT_ASAN 1
#endif
#endif
#ifdef DESCENT_PLOT_ASAN
extern "C" __attribute__((weak, used)) const char* __lsan_default_suppressions() {
  return "leak:libfontconfig\nleak:libcairo\nleak:libfreetype\nleak:libpixman\n";
}
#endif
