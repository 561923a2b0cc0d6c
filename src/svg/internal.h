// Shared by the parts of src/svg: the parsed XML tree and what the SVG++
// traversal needs to know about it.
#pragma once

#include <rapidxml_ns/rapidxml_ns.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "svg/svg.h"

namespace moyin::svg::detail {

using Node = rapidxml_ns::xml_node<char>;

// A limit was passed, or the file is structurally unusable: the whole
// drawing is abandoned with this message.
struct Failure : std::runtime_error {
  Failure(const std::string& what, const char* where = nullptr, bool over_budget = false)
      : std::runtime_error(what), at(where), over_budget(over_budget) {}
  const char* at;    // into the XML buffer, for a line and column
  bool over_budget;  // a limit the user may raise, not damage (Result::over_budget)
};

// What the traversal shares: the document, the limits, the output.
struct Document {
  const char* text = nullptr;  // the XML buffer (names and values point into it)
  size_t size = 0;
  const Node* root = nullptr;
  std::map<std::string, const Node*, std::less<>> ids;  // id attribute -> element
  Limits limits;
  Drawing* out = nullptr;
  int64_t drawn = 0;                     // elements visited by the traversal, <use> copies included
  size_t segments = 0;                   // path segments emitted
  std::vector<const Node*> active_uses;  // <use> targets being drawn (a cycle is an error)
  int64_t image_pixels = 0;              // decoded for <image>s so far

  // 1-based line and column of a pointer into the buffer (0, 0 when outside).
  std::pair<int, int> where(const char* p) const;
  // Records a feature drawn by the fallback, once per feature name.
  void unsupported(std::string feature, const char* at);
};

std::string_view name(const Node* n);
// The attribute's value ("" when absent), by its local name.
std::string_view attribute(const Node* n, std::string_view local_name);

// The picture of an <image> whose href is a `data:` URI, decoded (PNG,
// JPEG, GIF, WebP; RGB or grey) within the drawing's pixel budget (beyond it:
// Failure). Null, with why in `problem`, when it cannot be drawn here.
std::shared_ptr<const layout::Pixels> embedded_picture(Document& doc, std::string_view href,
                                                       const char* at, std::string& problem);

// Draws the tree under doc.root into doc.out (SVG++). Throws Failure.
void traverse(Document& doc);

}  // namespace moyin::svg::detail
