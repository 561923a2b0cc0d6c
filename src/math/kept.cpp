// Formulas kept between runs: MathJax's answers as MessagePack (JSON's
// values in a binary form nlohmann reads about three times as fast: 1.2 ms
// against 3.7 ms for 300 formulas, on a rebuild's critical path), tagged
// with the engine that gave them. Starting Node.js and loading MathJax costs a run
// about 190 ms (docs/performance.md); a rebuild whose formulas are all
// kept starts neither.
#include <charconv>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "math/math.h"

namespace moyin::math {

namespace {

// 2: with the document's preamble; 3: glyphs' path data held once;
// 4: MessagePack, no longer JSON text.
constexpr int kFormat = 4;

// MathJax writes a glyph's whole outline into every formula that uses it
// (three quarters of the SVG, about 25 distinct glyphs for 300 formulas):
// the file holds each outline once, and an SVG names it as d="@N".
constexpr std::string_view kPathData = " d=\"";

std::string with_glyph_numbers(std::string_view svg,
                               std::map<std::string, size_t, std::less<>>& ids,
                               nlohmann::json& glyphs) {
  std::string out;
  size_t i = 0;
  for (size_t at; (at = svg.find(kPathData, i)) != std::string_view::npos;) {
    const size_t begin = at + kPathData.size(), end = svg.find('"', begin);
    if (end == std::string_view::npos) break;
    const std::string_view d = svg.substr(begin, end - begin);
    auto it = ids.find(d);
    if (it == ids.end()) {
      it = ids.emplace(std::string(d), ids.size()).first;
      glyphs.push_back(d);
    }
    out.append(svg, i, begin - i).append("@").append(std::to_string(it->second));
    i = end;
  }
  return out.append(svg.substr(i));
}

// The SVG with each d="@N" given glyph N's path data; nothing when a
// number names no glyph.
std::optional<std::string> with_glyphs(std::string_view svg,
                                       const std::vector<std::string_view>& glyphs) {
  std::string out;
  size_t i = 0;
  for (size_t at; (at = svg.find(kPathData, i)) != std::string_view::npos;) {
    const size_t begin = at + kPathData.size(), end = svg.find('"', begin);
    if (end == std::string_view::npos || svg[begin] != '@') return std::nullopt;
    size_t n = 0;
    const auto [stop, ec] = std::from_chars(svg.data() + begin + 1, svg.data() + end, n);
    if (ec != std::errc() || stop != svg.data() + end || n >= glyphs.size()) return std::nullopt;
    out.append(svg, i, begin - i).append(glyphs[n]);
    i = end;
  }
  return out.append(svg.substr(i));
}

// nlohmann's MessagePack reader descends once per nested array or map, so
// a damaged file of nested heads would overflow the stack: a kept file
// nests three deep (the file, its formulas, a formula), and one nested
// deeper is refused before the reader descends.
class NestingBound : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  static constexpr int kMaxDepth = 8;
  explicit NestingBound(nlohmann::json& out) : json_sax_dom_parser(out, false) {}
  bool start_object(std::size_t n) {
    return ++depth_ <= kMaxDepth && json_sax_dom_parser::start_object(n);
  }
  bool end_object() { return --depth_, json_sax_dom_parser::end_object(); }
  bool start_array(std::size_t n) {
    return ++depth_ <= kMaxDepth && json_sax_dom_parser::start_array(n);
  }
  bool end_array() { return --depth_, json_sax_dom_parser::end_array(); }

 private:
  int depth_ = 0;
};

// The values of a MessagePack file, or a discarded value when `bytes` are
// not one (strictly: nothing after the value).
nlohmann::json read_msgpack(std::string_view bytes) {
  nlohmann::json out;
  NestingBound reader(out);
  if (!nlohmann::json::sax_parse(bytes, &reader, nlohmann::json::input_format_t::msgpack,
                                 /*strict=*/true) ||
      reader.is_errored())
    return nlohmann::json(nlohmann::json::value_t::discarded);
  return out;
}

}  // namespace

std::string store(const Collected& mine, const Formulas& from, std::string_view engine) {
  nlohmann::json list = nlohmann::json::array(), glyphs = nlohmann::json::array();
  std::map<std::string, size_t, std::less<>> ids;
  for (const Key& k : mine.keys) {
    const Formula* f = from.find(k.tex, k.display);
    if (!f) continue;
    list.push_back({{"tex", k.tex},
                    {"display", k.display},
                    {"error", f->error},
                    {"svg", with_glyph_numbers(f->svg, ids, glyphs)},
                    {"mathml", f->mathml}});
  }
  const nlohmann::json doc = {{"format", kFormat},
                              {"engine", std::string(engine)},
                              {"preamble", mine.preamble},
                              {"glyphs", std::move(glyphs)},
                              {"formulas", std::move(list)}};
  std::string bytes;
  nlohmann::json::to_msgpack(doc, bytes);
  return bytes;
}

bool restore(std::string_view bytes, std::string_view engine, const Preamble& preamble,
             Formulas& into) {
  const nlohmann::json doc = read_msgpack(bytes);
  auto format = doc.is_object() ? doc.find("format") : doc.end();
  if (format == doc.end() || !format->is_number_integer() || *format != kFormat || engine.empty() ||
      !doc.contains("engine") || !doc["engine"].is_string() ||
      doc["engine"].get_ref<const std::string&>() != engine || !doc.contains("formulas") ||
      !doc["formulas"].is_array() || !doc.contains("preamble") ||
      doc["preamble"] != nlohmann::json(preamble) || !doc.contains("glyphs") ||
      !doc["glyphs"].is_array())
    return false;
  std::vector<std::string_view> glyphs;
  for (const nlohmann::json& g : doc["glyphs"]) {
    if (!g.is_string()) return false;
    glyphs.push_back(g.get_ref<const std::string&>());
  }
  std::vector<std::pair<Key, Formula>> read;
  for (const nlohmann::json& f : doc["formulas"]) {
    auto string_at = [&](const char* name) -> const std::string* {
      auto it = f.find(name);
      return it != f.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
    };
    const std::string *tex = string_at("tex"), *error = string_at("error"), *svg = string_at("svg"),
                      *mathml = string_at("mathml");
    auto display = f.find("display");
    if (!tex || !error || !svg || !mathml || display == f.end() || !display->is_boolean())
      return false;
    // What MathJax writes, or nothing for a refusal: a file changed by hand
    // into something else is not taken (its formulas are converted again).
    if (error->empty() && (!svg->starts_with("<svg") || !mathml->starts_with("<math")))
      return false;
    std::optional<std::string> drawn = with_glyphs(*svg, glyphs);
    if (!drawn) return false;
    read.push_back({Key{*tex, display->get<bool>()}, Formula{*error, std::move(*drawn), *mathml}});
  }
  for (auto& [key, formula] : read) into.results.emplace(std::move(key), std::move(formula));
  return true;
}

}  // namespace moyin::math
