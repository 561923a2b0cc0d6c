// SVG figures whose drawing needs the raster fallback (typeset/svg_figure.h).
#include "typeset/svg_figure.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace moyin::typeset {
namespace {

const std::string kFiltered = R"~(<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">)~"
                              "\n"
                              R"~(<rect width="40" height="20" filter="url(#blur)"/></svg>)~";

// Without librsvg (not installed), the figure is reported at its place in
// the manuscript, naming the missing library, and there is no drawing: the
// callers print the alt text, as for any other figure that cannot be shown.
TEST(SvgFigure, MissingRasterLibraryLeavesTheAltText) {
  svg::RasterLibraries libs;
  libs.cairo = "libcairo-moyin-missing.so.2";
  const svg::Rasterizer missing(libs);
  doc::Diagnostics diags;
  auto fig = load_svg_figure(std::make_shared<const std::string>(kFiltered), "plot.svg", "a.md",
                             doc::Position{3, 1}, diags, &missing);
  EXPECT_FALSE(fig);
  ASSERT_EQ(diags.items.size(), 1u);
  const doc::Diagnostic& d = diags.items[0];
  EXPECT_EQ(d.severity, doc::Severity::Warning);
  EXPECT_EQ(d.path, "a.md");
  EXPECT_EQ(d.pos.line, 3);
  EXPECT_NE(d.message.find("plot.svg uses filter (plot.svg:2)"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("libcairo-moyin-missing.so.2 cannot be loaded"), std::string::npos)
      << d.message;
  EXPECT_NE(d.message.find("the PDF shows its alt text"), std::string::npos) << d.message;
}

// With the libraries there, the same file is a figure for the fallback, and
// a drawing without unsupported features never needs them.
TEST(SvgFigure, RasterLibraryLoadedOnlyWhenNeeded) {
  doc::Diagnostics diags;
  EXPECT_TRUE(load_svg_figure(std::make_shared<const std::string>(kFiltered), "plot.svg", "a.md",
                              doc::Position{3, 1}, diags));
  svg::RasterLibraries libs;
  libs.rsvg = "librsvg-moyin-missing.so.2";
  const svg::Rasterizer missing(libs);
  const std::string plain =
      R"~(<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="4" height="2"/></svg>)~";
  EXPECT_TRUE(load_svg_figure(std::make_shared<const std::string>(plain), "p.svg", "a.md",
                              doc::Position{1, 1}, diags, &missing));
  EXPECT_TRUE(diags.items.empty());
}

}  // namespace
}  // namespace moyin::typeset
