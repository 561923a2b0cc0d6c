// The one locale-free number formatter (std::to_chars): PDF operators, CSS,
// XML attributes, JSON and the text dumps all write numbers through it, so a
// process locale with a decimal comma never changes an output byte.
#pragma once

#include <cstdint>
#include <string>

namespace moyin::base {

// Exactly `decimals` digits after the point ("1.50"). A value that rounds to
// zero prints without a sign ("0.00", never "-0.00"); inf and nan print as
// std::to_chars spells them.
std::string fixed(double v, int decimals);
// At most `decimals` digits, trailing zeros and a bare point dropped ("1.5",
// "2", "0"). Non-finite values print as "0": a PDF or CSS reader cannot take
// "nan".
std::string compact(double v, int decimals = 3);
// compact(v, decimals) appended to `out`: the PDF writer formats hundreds of
// thousands of numbers per book, so the usual case (|v| < 2^31 after
// scaling, not a rounding tie) skips std::to_chars and a string per number.
void append_compact(std::string& out, double v, int decimals = 3);
// A decimal integer, zero-padded on the left to `width` digits.
std::string integer(int64_t v, int width = 0);
void append_integer(std::string& out, int64_t v, int width = 0);

}  // namespace moyin::base
