// Formulas kept between runs: MathJax's answers as JSON, tagged with the
// engine that gave them. Starting Node.js and loading MathJax costs a run
// about 190 ms (docs/performance.md); a rebuild whose formulas are all
// kept starts neither.
#include <nlohmann/json.hpp>

#include "math/math.h"

namespace moyin::math {

namespace {
constexpr int kFormat = 2;  // 2: with the document's preamble
}

std::string store(const Collected& mine, const Formulas& from, std::string_view engine) {
  nlohmann::json list = nlohmann::json::array();
  for (const Key& k : mine.keys) {
    const Formula* f = from.find(k.tex, k.display);
    if (!f) continue;
    list.push_back({{"tex", k.tex},
                    {"display", k.display},
                    {"error", f->error},
                    {"svg", f->svg},
                    {"mathml", f->mathml}});
  }
  const nlohmann::json doc = {{"format", kFormat},
                              {"engine", std::string(engine)},
                              {"preamble", mine.preamble},
                              {"formulas", std::move(list)}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

bool restore(std::string_view text, std::string_view engine, const Preamble& preamble,
             Formulas& into) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object() || doc.value("format", 0) != kFormat || engine.empty() ||
      !doc.contains("engine") || !doc["engine"].is_string() ||
      doc["engine"].get_ref<const std::string&>() != engine || !doc.contains("formulas") ||
      !doc["formulas"].is_array() || !doc.contains("preamble") ||
      doc["preamble"] != nlohmann::json(preamble))
    return false;
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
    read.push_back({Key{*tex, display->get<bool>()}, Formula{*error, *svg, *mathml}});
  }
  for (auto& [key, formula] : read) into.results.emplace(std::move(key), std::move(formula));
  return true;
}

}  // namespace moyin::math
