// Input hygiene: what reaches the parsers is valid UTF-8 with LF line ends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "doc/diagnostics.h"

namespace moyin::source {

// True when the first 8 KB look like a binary file rather than text: NULs
// above 1% or other control bytes above 10% (each at least 8 of them).
bool looks_binary(std::string_view raw);

// Drops a UTF-8 BOM, turns CRLF and lone CR into LF, replaces NUL and every
// invalid UTF-8 byte with U+FFFD (one warning each, naming the first place).
// Returns nothing (and reports an error) for a binary file.
std::optional<std::string> clean_input(std::string_view raw, std::string_view path,
                                       doc::Diagnostics& diags);

}  // namespace moyin::source
