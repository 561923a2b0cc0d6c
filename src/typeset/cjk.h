// Chinese typesetting rules (CJK-RULES.md §2–§4): line
// start/end prohibitions (禁则) and break opportunities. ICU stays inside
// cjk.cpp; nothing here exposes its types.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/chars.h"

namespace moyin::typeset {

// Set from the sheet by typeset::cjk_options (book.h).
// basic: only pause/stop, closing marks and · never start a line, opening
//   brackets never end one (plus ICU's defaults);
// gb: CJK-RULES §2 in full; strict: gb + —— …… never start a line;
// loose: gb, but small kana / iteration marks / 〜 ～ may start a line.
enum class LineBreakLevel : uint8_t { Basic, GB, Strict, Loose };
enum class PunctuationStyle : uint8_t { Quanjiao, Kaiming, Banjiao, Plain };

struct CjkOptions {
  LineBreakLevel line_break = LineBreakLevel::GB;             // cjk.line-break
  PunctuationStyle punctuation = PunctuationStyle::Quanjiao;  // cjk.punctuation
  double latin_spacing = 0.25;  // cjk.latin-spacing: em at Han–Latin boundaries (0 = none)
  bool hanging = false;         // cjk.hanging: ，。、 may hang past the right margin
};

// 禁则 of CJK-RULES.md §2 for one level. `next` is the character after `c`
// (0 if none), used for currency before a number and lone `…`/`—`.
bool no_line_start(char32_t c, char32_t prev, char32_t next, LineBreakLevel level);
bool no_line_end(char32_t c, char32_t next, LineBreakLevel level);

// Break opportunities: result[i] != 0 means a line may start at byte i of
// `utf8` (result has utf8.size() + 1 entries; only character starts are set).
// ICU's `zh` line iterator (strict) refined by the 禁则 rules: no break before
// `·`, inside `——`/`……`, between a number and its unit or sign, before a
// no-start or after a no-end mark. Not thread-safe per instance.
class BreakOpportunities {
 public:
  BreakOpportunities();
  ~BreakOpportunities();
  BreakOpportunities(const BreakOpportunities&) = delete;
  BreakOpportunities& operator=(const BreakOpportunities&) = delete;

  std::vector<uint8_t> find(std::string_view utf8, LineBreakLevel level);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moyin::typeset
