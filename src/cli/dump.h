// `moyin dump`: the document (and later the lines and pages) as stable JSON.
// The format is documented in docs/dump-format.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "doc/document.h"

namespace moyin::cli {

// The document as ordered JSON: metadata plus the full block/inline tree,
// each node with only its non-default fields.
nlohmann::ordered_json doc_to_json(const doc::Document& d);

// Any dump JSON as text: 2-space indent, number arrays such as positions on
// one line, UTF-8 kept as is, a final newline. Other stages' dumps use it too.
std::string to_json_text(const nlohmann::ordered_json& j);

// doc_to_json printed with a 2-space indent and a final newline.
std::string dump_doc_json(const doc::Document& d);

}  // namespace moyin::cli
