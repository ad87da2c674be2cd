#include "descent/plot/render.hpp"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/plot/layout.hpp"
#include "plot/svg_check.hpp"

namespace descent::plot {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("descent_plot_" + std::to_string(getpid()) + "_" + name)).string();
}

Figure two_line_figure() {
  Figure fig{.width = 640, .height = 480, .title = "two lines"};
  Panel& p = fig.add_panel("panel");
  p.x.label = "step";
  p.y.label = "loss";
  p.add_series({.x = {0, 1, 2, 3}, .y = {4, 2, 1, 0.5}, .color = palette(0), .label = "first"});
  p.add_series({.x = {0, 1, 2, 3}, .y = {3, 3, 2, 1}, .color = palette(1), .marker = Marker::square,
                .label = "second"});
  return fig;
}

TEST(Render, FormatFollowsTheExtension) {
  EXPECT_EQ(format_from_path("a/b.svg"), Format::svg);
  EXPECT_EQ(format_from_path("B.PNG"), Format::png);
  EXPECT_EQ(format_from_path("c.pdf"), Format::pdf);
}

TEST(Render, UnknownExtensionIsBadUsage) {
  try {
    save(two_line_figure(), temp_path("x.jpg"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    EXPECT_NE(std::string(e.what()).find(".jpg"), std::string::npos);
  }
  EXPECT_THROW(format_from_path("dir.v2/noext"), Error);
}

TEST(Render, PngHasTheRequestedSize) {
  const std::string path = temp_path("size.png");
  save(two_line_figure(), path);
  const auto [w, h] = test::png_size(test::read_file(path));
  EXPECT_EQ(w, 640u);
  EXPECT_EQ(h, 480u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));  // written atomically
  std::filesystem::remove(path);
}

TEST(Render, SvgIsWellFormedAndNamesItsTexts) {
  const std::string path = temp_path("lines.svg");
  const RenderReport report = save(two_line_figure(), path);
  const std::string svg = test::read_file(path);
  EXPECT_TRUE(test::well_formed_xml(svg));
  EXPECT_NE(svg.find("<title>two lines</title>"), std::string::npos);
  EXPECT_NE(svg.find("legend: first"), std::string::npos);
  EXPECT_NE(svg.find("legend: second"), std::string::npos);
  EXPECT_NE(svg.find("xlabel: step"), std::string::npos);
  EXPECT_NE(svg.find("ylabel: loss"), std::string::npos);
  // Frame, two series, four square markers at least: each a <path> in Cairo's SVG.
  EXPECT_GE(test::count(svg, "<path"), 7u);
  EXPECT_EQ(report.legend, (std::vector<std::string>{"first", "second"}));
  std::filesystem::remove(path);
}

TEST(Render, PdfStartsWithItsMagic) {
  const std::string path = temp_path("doc.pdf");
  save(two_line_figure(), path);
  EXPECT_EQ(test::read_file(path).substr(0, 5), "%PDF-");
  std::filesystem::remove(path);
}

TEST(Render, UnwritableDirectoryIsAnIoError) {
  try {
    save(two_line_figure(), "/nonexistent-dir/picture.png");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
  }
}

TEST(Render, HugeAndNonFiniteValuesDoNotBreakDrawing) {
  Figure fig;
  Panel& p = fig.add_panel();
  p.x = {"x", 0.0, 1.0, false};
  p.y = {"y", 0.0, 1.0, false};
  p.add_series({.x = {0.1, 0.5, NAN, 0.7, 1e300}, .y = {0.1, 1e200, 0.3, -1e250, INFINITY}, .label = "wild"});
  const std::string path = temp_path("wild.svg");
  EXPECT_NO_THROW(save(fig, path));
  EXPECT_TRUE(test::well_formed_xml(test::read_file(path)));
  std::filesystem::remove(path);
}

TEST(Layout, LogAxisPlacesDecadesEvenly) {
  Figure fig;
  Panel& p = fig.add_panel();
  p.y = {"f", 1e-4, 1e0, true};
  p.x = {"step", 0, 10, false};
  const auto pl = layout(fig).panels.front();
  const double d1 = pl.px_y(1e-4) - pl.px_y(1e-3);
  const double d2 = pl.px_y(1e-1) - pl.px_y(1e0);
  EXPECT_NEAR(d1, d2, 1e-9);
  EXPECT_NEAR(pl.px_y(1e-4), pl.plot.y + pl.plot.h, 1e-9);  // bottom of the area
}

TEST(Layout, EqualAspectKeepsUnitsSquare) {
  Figure fig;
  Panel& p = fig.add_panel();
  p.x = {"x", -2, 2, false};
  p.y = {"y", -1, 3, false};
  p.equal_aspect = true;
  const auto pl = layout(fig).panels.front();
  EXPECT_NEAR(pl.px_x(1) - pl.px_x(0), pl.px_y(0) - pl.px_y(1), 1e-9);
}

}  // namespace
}  // namespace descent::plot
