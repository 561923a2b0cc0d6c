// Heading, figure and table numbers from the sheet's numbering.* templates,
// and the text of cross-references (docs/numbering.md). Runs once per job
// before both back ends (the CLI calls it after the equations are numbered),
// so the PDF and the EPUB print the same numbers.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "doc/diagnostics.h"
#include "doc/document.h"
#include "style/style.h"

namespace moyin::typeset {

// Writes counters in a NumberFormat. Chinese numerals come from ICU's
// rule-based spellout for zh ("一", "十二", "一百零五"), not a table of our own.
class Numerals {
 public:
  Numerals();
  ~Numerals();
  Numerals(const Numerals&) = delete;
  Numerals& operator=(const Numerals&) = delete;

  std::string format(int n, style::NumberFormat format) const;
  // A parsed template filled with the heading counters (levels 1..6) and
  // the element's own counter.
  std::string fill(const std::vector<style::NumberField>& fields, std::span<const int, 6> counters,
                   int own) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sets Block::number_text on headings (numbering.h1…h6; `{-}` headings are
// skipped), on figures (image blocks with a caption or an id: numbering.figure)
// and tables with a caption or an id (numbering.table), through all `docs`
// in order (a book's chapters count on from each other). A template that
// shows the chapter ({1}) restarts its count at each level-1 heading.
// Then fills every link with empty text to a known id with the target's
// number: "图 2-3", "表 1", "(2.3)" for an equation, "第 2 章" / "2.3 节" for a
// heading (its title when it has no number); an unknown target warns at
// the link and prints "??". `#eq:key` links go to the equation labelled key.
void number_blocks(std::span<doc::Document> docs, const style::Sheet& sheet,
                   doc::Diagnostics& diags);

}  // namespace moyin::typeset
