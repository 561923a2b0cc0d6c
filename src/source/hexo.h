// Hexo's tag plugins, rewritten into the Markdown they stand for before
// cmark-gfm reads the body: `{% asset_img %}`, `{% asset_path %}`,
// `{% asset_link %}`, `{% img %}`, `{% link %}`, `{% codeblock %}`,
// `{% blockquote %}`, `{% note %}`, `{% raw %}`, and `<!-- more -->`. Each
// line stays one line, so every position cmark reports is still the file's.
// Code (fenced or in backticks) is left alone.
#pragma once

#include <string>
#include <string_view>

#include "doc/diagnostics.h"

namespace moyin::source {

// `body` starts on file line `first_line` of `path`; a post's asset folder is
// the folder beside it named after its file (post_asset_folder: `a.md` → `a/`).
// Unknown tags are reported once each and left as written.
std::string expand_hexo_tags(std::string_view body, int first_line, std::string_view path,
                             doc::Diagnostics& diags);

}  // namespace moyin::source
