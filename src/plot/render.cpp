#include "descent/plot/render.hpp"

#include <algorithm>
#include <cctype>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"
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
void annotate_svg(std::string& svg, const std::string& title, const RenderReport& report) {
  const auto root = svg.find("<svg");
  const auto end = root == std::string::npos ? root : svg.find('>', root);
  if (end == std::string::npos) throw Error(ErrorCode::internal, "cairo wrote an SVG without a root element");
  std::string notes = fmt::format("\n<title>{}</title>\n<desc>", xml_escape(title.empty() ? "descent plot" : title));
  for (const auto& t : report.texts) notes += fmt::format("\n{}", xml_escape(t));
  notes += "\n</desc>";
  svg.insert(end + 1, notes);
}

// Cairo's stream callback: appends to a std::string (closure). Never throws into C.
cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  try {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  } catch (...) {
    return CAIRO_STATUS_NO_MEMORY;
  }
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
    throw Error(ErrorCode::io, "cannot write '" + path + "': " + cairo_status_to_string(status));
  }
}

cairo_surface_t* create_surface(Format format, const Figure& figure, std::string& bytes) {
  switch (format) {
    case Format::svg:
      return cairo_svg_surface_create_for_stream(append_bytes, &bytes, figure.width, figure.height);
    case Format::pdf:
      return cairo_pdf_surface_create_for_stream(append_bytes, &bytes, figure.width, figure.height);
    case Format::png:
      break;
  }
  return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, figure.width, figure.height);
}

}  // namespace

RenderReport save(const Figure& figure, const std::string& path) {
  const Format format = format_from_path(path);
  if (figure.width < 16 || figure.height < 16 || figure.width > 20000 || figure.height > 20000) {
    throw_usage("figure size {}x{} px is out of range (16 to 20000)", figure.width, figure.height);
  }
  // The picture is made in memory, then written like every file (io::write_file_atomic).
  std::string bytes;
  RenderReport report;
  cairo_surface_t* surface = create_surface(format, figure, bytes);
  const cairo_status_t surface_status = cairo_surface_status(surface);
  if (surface_status != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    check(surface_status, path);
  }
  cairo_t* cr = cairo_create(surface);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_BEST);
  draw(cr, figure, report);
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  if (status == CAIRO_STATUS_SUCCESS && format == Format::png) {
    status = cairo_surface_write_to_png_stream(surface, append_bytes, &bytes);
  }
  // Finishing writes a PDF's or SVG's last bytes; its status says whether they all arrived.
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  check(status, path);
  if (format == Format::svg) annotate_svg(bytes, figure.title, report);
  io::write_file_atomic(path, bytes);
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
