// Inline HTML as structure. cmark-gfm hands over each tag of inline HTML as
// its own raw inline; the tags both outputs can show are paired here into
// doc nodes (<sup>, <sub>, <b>/<strong>, <i>/<em>, <u>/<ins>, <s>/<del>/<strike>,
// <mark>, <kbd>, <span style="color:…">, <br>, <ruby> with <rt>/<rp>), so the
// PDF draws them and the EPUB writes them back. Comments disappear, and a
// <script> or <style> element (tags and content) becomes one raw inline that
// neither output prints. Every other tag stays a raw inline.
#pragma once

#include <vector>

#include "doc/document.h"

namespace moyin::source {

// Rewrites one inline sequence (children are already done).
void structure_inline_html(std::vector<doc::Inline>& seq);

// `{汉字|hàn zì}` in text → Ruby nodes. The base must hold a Han or kana
// character, so `{a|b}` in prose stays text; template syntax (`{{ 名字|upper }}`,
// `{% … %}`) stays too. Only Text nodes are read, so code spans and math never
// change; the caller leaves link text alone (a URL or a wiki target is no ruby).
void ruby_shorthand(std::vector<doc::Inline>& seq);

}  // namespace moyin::source
