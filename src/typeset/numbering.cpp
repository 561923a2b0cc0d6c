// Heading, figure and table numbers; cross-reference texts.
#include "typeset/numbering.h"

#include <unicode/unum.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>

#include "base/chars.h"
#include "base/number.h"
#include "base/shared_library.h"
#include "base/utf8.h"
#include "doc/walk.h"
#include "typeset/book.h"

// ICU's versioned entry points ("unum_open_72"), as the headers rename them.
#define MOYIN_ICU_SYMBOL_TEXT(name) #name
#define MOYIN_ICU_SYMBOL(name) MOYIN_ICU_SYMBOL_TEXT(name)
#define MOYIN_ICU_TEXT(n) #n
#define MOYIN_ICU_MAJOR(n) MOYIN_ICU_TEXT(n)

namespace moyin::typeset {

// Chinese numerals come from ICU's zh spellout rules, in its i18n library.
// Linking it as a shared library cost every process start about 1.3 M
// instructions of symbol binding, for numbers few documents use: then it is
// loaded by the first Chinese numeral (by SONAME, the version the headers
// describe) and called through its C API. Linked statically with the rest of
// ICU (MOYIN_STATIC_ICU) it costs no binding, and is called directly. Parsing
// the rules takes about 2.7 M instructions. One formatter serves both rule
// sets, under a lock (numbering is rare).
struct Numerals::Impl {
  std::mutex mutex;
  bool tried = false;
  std::optional<base::SharedLibrary> i18n;
  decltype(unum_open)* open = nullptr;
  decltype(unum_close)* close = nullptr;
  decltype(unum_setTextAttribute)* set_rules = nullptr;
  decltype(unum_format)* format = nullptr;
  UNumberFormat* zh = nullptr;
  const char* rules = nullptr;  // the rule set `zh` formats with now

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (zh) close(zh);
  }

  void load() {
    tried = true;
#if MOYIN_ICU_I18N_LINKED
    open = &unum_open;
    close = &unum_close;
    set_rules = &unum_setTextAttribute;
    format = &unum_format;
#else
    base::SharedLibrary& lib =
        i18n.emplace("libicui18n.so." MOYIN_ICU_MAJOR(U_ICU_VERSION_MAJOR_NUM));
    if (!lib.resolve(open, MOYIN_ICU_SYMBOL(unum_open)) ||
        !lib.resolve(close, MOYIN_ICU_SYMBOL(unum_close)) ||
        !lib.resolve(set_rules, MOYIN_ICU_SYMBOL(unum_setTextAttribute)) ||
        !lib.resolve(format, MOYIN_ICU_SYMBOL(unum_format)))
      return;
#endif
    UErrorCode status = U_ZERO_ERROR;
    zh = open(UNUM_SPELLOUT, nullptr, 0, "zh", nullptr, &status);
    if (U_FAILURE(status) && zh) {
      close(zh);
      zh = nullptr;
    }
  }

  // `n` in the rule set `set` as UTF-8; nothing when ICU cannot (no i18n
  // library, no zh rules): the caller prints arabic numerals.
  std::optional<std::string> chinese(int n, const char* set) {
    std::lock_guard lock(mutex);
    if (!tried) load();
    if (!zh) return std::nullopt;
    UErrorCode status = U_ZERO_ERROR;
    if (rules != set) {
      UChar name[64];
      u_charsToUChars(set, name, static_cast<int32_t>(std::strlen(set)) + 1);
      set_rules(zh, UNUM_DEFAULT_RULESET, name, -1, &status);
      if (U_FAILURE(status)) return std::nullopt;
      rules = set;
    }
    std::u16string text(64, u'\0');
    int32_t length =
        format(zh, n, text.data(), static_cast<int32_t>(text.size()), nullptr, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      status = U_ZERO_ERROR;
      text.resize(static_cast<size_t>(length));
      length = format(zh, n, text.data(), length, nullptr, &status);
    }
    if (U_FAILURE(status)) return std::nullopt;
    std::string out(static_cast<size_t>(length) * 3, '\0');
    int32_t bytes = 0;
    u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &bytes, text.data(), length, &status);
    if (U_FAILURE(status)) return std::nullopt;
    out.resize(static_cast<size_t>(bytes));
    return out;
  }
};

Numerals::Numerals() : impl_(std::make_unique<Impl>()) {}
Numerals::~Numerals() = default;

namespace {

// "a".."z", then "aa", "ab", … (spreadsheet columns), for n >= 1.
std::string alpha(int n, char first) {
  std::string out;
  for (; n > 0; n = (n - 1) / 26) out.insert(out.begin(), static_cast<char>(first + (n - 1) % 26));
  return out;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

}  // namespace

std::string Numerals::format(int n, style::NumberFormat format) const {
  using F = style::NumberFormat;
  if (n < 1 && format != F::Arabic && format != F::Chinese && format != F::ChineseFinancial)
    format = F::Arabic;  // no zero or negatives in roman or letters
  switch (format) {
    case F::Arabic: break;
    case F::Roman: return roman(n);
    case F::RomanUpper: return upper(roman(n));
    case F::Alpha: return alpha(n, 'a');
    case F::AlphaUpper: return alpha(n, 'A');
    case F::Chinese:
    case F::ChineseFinancial: {
      static constexpr const char* kCardinal = "%spellout-cardinal";
      static constexpr const char* kFinancial = "%spellout-cardinal-financial";
      if (std::optional<std::string> text =
              impl_->chinese(n, format == F::Chinese ? kCardinal : kFinancial))
        return *text;
      break;  // no zh rules here: arabic
    }
  }
  std::string out;
  base::append_integer(out, n);
  return out;
}

std::string Numerals::fill(const std::vector<style::NumberField>& fields,
                           std::span<const int, 6> counters, int own) const {
  std::string out;
  for (const style::NumberField& f : fields) {
    out += f.literal;
    if (f.counter == 0) out += format(own, f.format);
    else if (f.counter > 0) out += format(counters[static_cast<size_t>(f.counter - 1)], f.format);
  }
  return out;
}

namespace {

struct Template {
  std::vector<style::NumberField> fields;
  bool per_chapter = false;  // shows the chapter counter: restarts at each level-1 heading

  explicit Template(const std::string& text) {
    std::string error;  // the sheet validated it; a bad one numbers nothing
    if (!style::parse_number_template(text, fields, error)) fields.clear();
    for (const style::NumberField& f : fields) per_chapter |= f.counter == 1;
  }
  bool empty() const { return fields.empty(); }
};

// "({1}.{n})" -> "{1}.{n}": an equation's number is always set in parentheses.
std::string without_parentheses(std::string t) {
  if (t.size() >= 2 && t.front() == '(' && t.back() == ')') return t.substr(1, t.size() - 2);
  if (t.starts_with("（") && t.ends_with("）") && t.size() >= 6) return t.substr(3, t.size() - 6);
  return t;
}

bool has_han(std::string_view s) {
  for (size_t i = 0; i < s.size();)
    if (base::is_han(base::next_code_point(s, i))) return true;
  return false;
}

// What an empty-text link to a heading says.
std::string heading_ref(const doc::Block& h, bool chinese) {
  if (h.number_text.empty()) return doc::plain_text(h.inlines);
  if (has_han(h.number_text)) return h.number_text;  // "第二章", "一、"… as printed
  std::string n = h.number_text;
  while (!n.empty() && (n.back() == '.' || n.back() == ' ')) n.pop_back();  // "1." -> "1"
  if (chinese) return h.level == 1 ? "第 " + n + " 章" : n + " 节";
  return (h.level == 1 ? "Chapter " : "Section ") + n;
}

struct Target {
  std::string text;    // what an empty link prints
  std::string anchor;  // the id to link to
  size_t doc = 0;      // the document (book chapter) it is in
};

struct Numberer {
  const style::Sheet& sheet;
  Numerals numerals;
  std::array<Template, 6> headings;
  Template figure, table, equation;
  std::array<int, 6> counters{};
  int figures = 0, tables = 0, equations = 0;
  std::map<std::string, Target> targets;  // by id (and "eq:key" for labelled equations)
  bool chinese = true;
  size_t chapter = 0;  // the document being walked

  explicit Numberer(const style::Sheet& s)
      : sheet(s),
        headings{Template(s.numbering.headings[0]), Template(s.numbering.headings[1]),
                 Template(s.numbering.headings[2]), Template(s.numbering.headings[3]),
                 Template(s.numbering.headings[4]), Template(s.numbering.headings[5])},
        figure(s.numbering.figure),
        table(s.numbering.table),
        equation(without_parentheses(s.numbering.equation)) {}

  void heading(doc::Block& b) {
    const int level = std::clamp(b.level, 1, 6);
    if (!b.unnumbered) {
      ++counters[static_cast<size_t>(level - 1)];
      std::fill(counters.begin() + level, counters.end(), 0);
      if (level == 1) {
        if (figure.per_chapter) figures = 0;
        if (table.per_chapter) tables = 0;
        if (equation.per_chapter) equations = 0;
      }
      const Template& t = headings[static_cast<size_t>(level - 1)];
      if (!t.empty()) b.number_text = numerals.fill(t.fields, counters, counters[level - 1]);
    }
    if (!b.id.empty())
      targets.insert_or_assign(b.id, Target{heading_ref(b, chinese), b.id, chapter});
  }

  // A figure or table: numbered by its template; an empty link to it prints
  // the number, or the caption when the template is empty.
  void numbered(doc::Block& b, const Template& t, int& count, const std::string& caption) {
    if (!t.empty()) b.number_text = numerals.fill(t.fields, counters, ++count);
    if (!b.id.empty())
      targets.insert_or_assign(
          b.id, Target{b.number_text.empty() ? caption : b.number_text, b.id, chapter});
  }

  void blocks(std::vector<doc::Block>& list) {
    for (doc::Block& b : list) {
      switch (b.kind) {
        case doc::BlockKind::Heading: heading(b); break;
        case doc::BlockKind::Image: {
          // Numbered when it is a figure: a caption or an id (not a badge or a logo).
          if (b.inlines.empty()) break;
          const std::string caption = style::figure_caption(sheet.figure, b.inlines[0]);
          if ((!b.id.empty() && !b.auto_id) || !caption.empty())
            numbered(b, figure, figures, caption);
          else if (!b.id.empty())  // reachable by its id, but no figure
            targets.insert_or_assign(b.id, Target{{}, b.id, chapter});
          break;
        }
        case doc::BlockKind::Table:
          if (!b.id.empty() || !b.title.empty()) numbered(b, table, tables, b.title);
          break;
        case doc::BlockKind::Math:
          // With numbering.equation every display formula is numbered here
          // (a \tag as written); without, math::number_equations has done it.
          if (!equation.empty())
            b.equation =
                b.label.empty() ? numerals.fill(equation.fields, counters, ++equations) : b.label;
          if (!b.id.empty() && !b.equation.empty()) {
            Target t{"(" + b.equation + ")", b.id, chapter};
            if (!b.info.empty()) targets.insert_or_assign("eq:" + b.info, t);
            targets.insert_or_assign(b.id, std::move(t));
          }
          break;
        default: break;
      }
      blocks(b.children);
    }
  }

  // "#id" of another chapter becomes "that-chapter.md#id" (relative to this
  // one), which the EPUB resolves into the right file and the PDF reads as #id.
  std::span<const doc::Document> docs;
  std::string url_to(const Target& t) const {
    if (t.doc == chapter) return "#" + t.anchor;
    const std::filesystem::path from = std::filesystem::path(docs[chapter].path).parent_path();
    return std::filesystem::path(docs[t.doc].path).lexically_relative(from).generic_string() + "#" +
           t.anchor;
  }

  void links(std::vector<doc::Inline>& list, const std::string& path, doc::Diagnostics& diags) {
    for (doc::Inline& in : list) {
      if (in.kind != doc::InlineKind::Link) {
        links(in.children, path, diags);
        continue;
      }
      const size_t hash = in.url.find('#');
      if (hash == std::string::npos || in.url.find("://") != std::string::npos) {
        links(in.children, path, diags);
        continue;
      }
      const std::string id = in.url.substr(hash + 1);
      auto it = targets.find(id);
      if (it != targets.end() && hash == 0) in.url = url_to(it->second);  // "#eq:key" -> "#eq-key"
      else if (it != targets.end()) in.url = in.url.substr(0, hash + 1) + it->second.anchor;
      if (!in.children.empty() || !in.label.empty()) {  // text of its own; \eqref done by math
        links(in.children, path, diags);
        continue;
      }
      doc::Inline text;
      text.pos = in.pos;
      if (it == targets.end()) {
        diags.warn(path, in.pos, "cross-reference: nothing has the id `" + id + "`");
        text.text = "??";
      } else if (it->second.text.empty()) {
        diags.warn(path, in.pos,
                   "cross-reference: `" + id + "` has no number or caption to print; " +
                       "give the link a text");
        text.text = "??";
      } else {
        text.text = it->second.text;
      }
      in.children.push_back(std::move(text));
    }
  }

  void link_blocks(std::vector<doc::Block>& list, const std::string& path,
                   doc::Diagnostics& diags) {
    doc::for_each_inline_list(list, [&](std::vector<doc::Inline>& l) { links(l, path, diags); });
  }
};

}  // namespace

void number_blocks(std::span<doc::Document> docs, const style::Sheet& sheet,
                   doc::Diagnostics& diags) {
  Numberer n(sheet);
  n.docs = docs;
  for (n.chapter = 0; n.chapter < docs.size(); ++n.chapter) {
    doc::Document& d = docs[n.chapter];
    n.chinese = d.meta.lang.starts_with("zh");
    n.blocks(d.blocks);
    n.blocks(d.footnotes);
  }
  for (n.chapter = 0; n.chapter < docs.size(); ++n.chapter) {
    doc::Document& d = docs[n.chapter];
    n.link_blocks(d.blocks, d.path, diags);
    n.link_blocks(d.footnotes, d.path, diags);
  }
}

}  // namespace moyin::typeset
