#include "typeset/hyphenate.h"

#include <hyphen.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moyin::typeset {

namespace {

// ---- libhyphen's tables kept between runs (KeptTables).
// The format: "MHY1", the number of levels, then per
// level its fields, its NOHYPHEN strings, per state its fallback, its number
// of transitions and the length of its match string, then every transition
// and every match string. Native byte order: the file is this build's, on
// this machine. Tables that hold replacements (non-standard hyphenation, none
// in the English patterns) are not kept.
constexpr std::string_view kMagic = "MHY1";
constexpr uint32_t kMaxLevels = 4;
constexpr int32_t kMaxStates = 1 << 22;

void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put_i32(std::string& out, int32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }

// The levels of a loaded dictionary in order (libhyphen links them by
// `nextlevel`); empty when they cannot be kept.
std::vector<const HyphenDict*> levels_of(const HyphenDict* dict) {
  std::vector<const HyphenDict*> levels;
  for (const HyphenDict* d = dict; d; d = d->nextlevel) {
    if (levels.size() == kMaxLevels || std::find(levels.begin(), levels.end(), d) != levels.end())
      return {};
    for (int i = 0; i < d->num_states; ++i)
      if (d->states[i].repl) return {};
    levels.push_back(d);
  }
  return levels;
}

// The bytes of the NOHYPHEN list: nohyphenl + 1 strings, each NUL-ended.
size_t nohyphen_bytes(const HyphenDict& d) {
  if (!d.nohyphen) return 0;
  size_t n = 0;
  for (int k = 0; k <= d.nohyphenl; ++k) n += std::strlen(d.nohyphen + n) + 1;
  return n;
}

std::string write_tables(const std::vector<const HyphenDict*>& levels) {
  std::string out(kMagic);
  put_u32(out, static_cast<uint32_t>(levels.size()));
  for (const HyphenDict* d : levels) {
    out.append({d->lhmin, d->rhmin, d->clhmin, d->crhmin});
    const size_t nohyphen = nohyphen_bytes(*d);
    put_i32(out, d->nohyphenl);
    put_u32(out, static_cast<uint32_t>(nohyphen));
    put_i32(out, d->num_states);
    out.append(d->cset, sizeof d->cset);
    put_i32(out, d->utf8);
    out.append(d->nohyphen ? d->nohyphen : "", nohyphen);
    for (int i = 0; i < d->num_states; ++i) {
      const HyphenState& st = d->states[i];
      put_i32(out, st.fallback_state);
      put_i32(out, st.num_trans);
      put_u32(out, st.match ? static_cast<uint32_t>(std::strlen(st.match) + 1) : 0);
    }
    for (int i = 0; i < d->num_states; ++i)
      for (int k = 0; k < d->states[i].num_trans; ++k) {
        put_i32(out, d->states[i].trans[k].new_state);
        out.push_back(d->states[i].trans[k].ch);
      }
    for (int i = 0; i < d->num_states; ++i)
      if (const char* m = d->states[i].match) out.append(m, std::strlen(m) + 1);
  }
  return out;
}

// A bounds-checked reader of the kept bytes.
struct Reader {
  std::string_view in;
  bool ok = true;
  std::string_view take(size_t n) {
    if (!ok || n > in.size()) {
      ok = false;
      return {};
    }
    std::string_view out = in.substr(0, n);
    in.remove_prefix(n);
    return out;
  }
  template <typename T>
  T get() {
    T v{};
    if (std::string_view b = take(sizeof v); ok) std::memcpy(&v, b.data(), sizeof v);
    return v;
  }
};

// libhyphen's tables rebuilt from kept bytes, in memory this object owns
// (HyphenDicts whose pointers point into it; never given to hnj_hyphen_free).
struct Tables {
  std::vector<HyphenDict> levels;
  std::vector<std::vector<HyphenState>> states;
  std::vector<std::vector<HyphenTrans>> trans;
  std::vector<std::vector<char>> strings;  // per level: its NOHYPHEN list, then its matches
};

// True when level `d` is an automaton libhyphen can walk without reading
// outside it: every transition leads to a state below the root reached by
// no other, every state is reached, and a fallback leads to a shallower
// state (so falling back ends); and no match string is longer than its
// state's depth plus one. The tables libhyphen builds always are.
bool walkable(const HyphenDict& d) {
  const int n = d.num_states;
  std::vector<int> depth(static_cast<size_t>(n), -1);
  std::vector<int> queue{0};
  depth[0] = 0;
  for (size_t q = 0; q < queue.size(); ++q) {
    const HyphenState& st = d.states[queue[q]];
    for (int k = 0; k < st.num_trans; ++k) {
      const int to = st.trans[k].new_state;
      if (to <= 0 || to >= n || depth[to] >= 0) return false;
      depth[to] = depth[queue[q]] + 1;
      queue.push_back(to);
    }
  }
  if (queue.size() != static_cast<size_t>(n)) return false;
  for (int i = 0; i < n; ++i) {
    const HyphenState& st = d.states[i];
    const int fb = st.fallback_state;
    if (fb < -1 || fb >= n || (fb >= 0 && depth[fb] >= depth[i])) return false;
    if (st.match && std::strlen(st.match) > static_cast<size_t>(depth[i]) + 1) return false;
  }
  return true;
}

// Level `index` of `t` from `r`, checked; false on any inconsistency.
bool read_level(Reader& r, Tables& t, size_t index) {
  HyphenDict& d = t.levels[index];
  const std::string_view mins = r.take(4);
  const auto nohyphenl = r.get<int32_t>();
  const auto nohyphen = r.get<uint32_t>();
  d.num_states = r.get<int32_t>();
  const std::string_view cset = r.take(sizeof d.cset);
  d.utf8 = r.get<int32_t>();
  if (!r.ok || d.num_states < 1 || d.num_states > kMaxStates || nohyphenl < 0 ||
      cset.find('\0') == std::string_view::npos)
    return false;
  d.lhmin = mins[0];
  d.rhmin = mins[1];
  d.clhmin = mins[2];
  d.crhmin = mins[3];
  std::memcpy(d.cset, cset.data(), sizeof d.cset);
  std::vector<char>& strings = t.strings[index];
  const std::string_view nh = r.take(nohyphen);
  strings.assign(nh.begin(), nh.end());
  const auto n = static_cast<size_t>(d.num_states);
  std::vector<HyphenState>& states = t.states[index];
  states.assign(n, HyphenState{});
  std::vector<uint32_t> match_len(n);
  size_t trans = 0, matches = 0;
  for (size_t i = 0; i < n && r.ok; ++i) {
    states[i].fallback_state = r.get<int32_t>();
    states[i].num_trans = r.get<int32_t>();
    match_len[i] = r.get<uint32_t>();
    if (states[i].num_trans < 0 || states[i].num_trans > d.num_states) return false;
    trans += static_cast<size_t>(states[i].num_trans);
    matches += match_len[i];
  }
  if (!r.ok || trans >= n + 1 || matches > r.in.size()) return false;
  std::vector<HyphenTrans>& all = t.trans[index];
  all.resize(trans);
  for (HyphenTrans& tr : all) {
    tr.new_state = r.get<int32_t>();
    tr.ch = r.get<char>();
  }
  const std::string_view text = r.take(matches);
  if (!r.ok) return false;
  strings.insert(strings.end(), text.begin(), text.end());
  // The NOHYPHEN list: exactly nohyphenl + 1 NUL-ended strings.
  size_t at = 0;
  for (int32_t k = 0; nohyphen > 0 && k <= nohyphenl; ++k) {
    const void* end = std::memchr(strings.data() + at, '\0', nohyphen - at);
    if (!end) return false;
    at = static_cast<size_t>(static_cast<const char*>(end) - strings.data()) + 1;
  }
  if (at != nohyphen) return false;
  d.states = states.data();
  d.nohyphen = nohyphen > 0 ? strings.data() : nullptr;
  d.nohyphenl = nohyphen > 0 ? nohyphenl : 0;
  size_t next_trans = 0;
  for (size_t i = 0; i < n; ++i) {
    HyphenState& st = states[i];
    st.trans = st.num_trans > 0 ? all.data() + next_trans : nullptr;
    next_trans += static_cast<size_t>(st.num_trans);
    if (match_len[i] > 0) {
      char* m = strings.data() + at;
      if (m[match_len[i] - 1] != '\0' || std::strlen(m) + 1 != match_len[i]) return false;
      st.match = m;
      at += match_len[i];
    }
  }
  return walkable(d);
}

// The tables kept in `bytes` (what write_tables wrote), or false.
bool read_tables(std::string_view bytes, Tables& t) {
  Reader r{bytes};
  if (r.take(kMagic.size()) != kMagic) return false;
  const auto count = r.get<uint32_t>();
  if (!r.ok || count == 0 || count > kMaxLevels) return false;
  t.levels.assign(count, HyphenDict{});
  t.states.resize(count);
  t.trans.resize(count);
  t.strings.resize(count);
  for (size_t i = 0; i < count; ++i)
    if (!read_level(r, t, i)) return false;
  for (size_t i = 0; i + 1 < count; ++i) t.levels[i].nextlevel = &t.levels[i + 1];
  return r.ok && r.in.empty();
}

}  // namespace

// Loaded on the first word asked for: most documents never need a second
// pass, and reading the patterns is about 5 ms of every run.
struct Hyphenator::Dict {
  std::filesystem::path path;
  KeptTables kept;
  std::once_flag loaded;
  HyphenDict* dict = nullptr;       // what points() reads
  HyphenDict* from_file = nullptr;  // libhyphen's own, read from `path` this run
  std::optional<Tables> tables;     // or the tables `kept` gave
  HyphenDict* get() {
    std::call_once(loaded, [this] {
      if (take_kept()) dict = &tables->levels.front();
      else dict = from_file = hnj_hyphen_load(path.c_str());
    });
    return dict;
  }
  bool take_kept() {
    if (!kept) return false;
    const std::optional<std::string> bytes = kept();
    if (!bytes) return false;
    tables.emplace();
    if (read_tables(*bytes, *tables)) return true;
    tables.reset();
    return false;
  }
  ~Dict() {
    if (from_file) hnj_hyphen_free(from_file);
  }
};

Hyphenator::Hyphenator(std::unique_ptr<Dict> d) : dict_(std::move(d)) {}
Hyphenator::Hyphenator(Hyphenator&&) noexcept = default;
Hyphenator& Hyphenator::operator=(Hyphenator&&) noexcept = default;
Hyphenator::~Hyphenator() = default;

std::optional<Hyphenator> Hyphenator::load(const std::filesystem::path& dictionary,
                                           KeptTables kept) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dictionary, ec)) return std::nullopt;
  auto d = std::make_unique<Dict>();
  d->path = dictionary;
  d->kept = std::move(kept);
  return Hyphenator(std::move(d));
}

std::optional<std::string> Hyphenator::tables_to_keep() const {
  if (!dict_->from_file) return std::nullopt;
  const std::vector<const HyphenDict*> levels = levels_of(dict_->from_file);
  if (levels.empty()) return std::nullopt;
  return write_tables(levels);
}

void Hyphenator::preload() const { dict_->get(); }

std::vector<size_t> Hyphenator::points(std::string_view word) const {
  constexpr size_t kLeftMin = 2, kRightMin = 3, kMinWord = 5, kMaxWord = 64;
  std::vector<size_t> out;
  if (word.size() < kMinWord || word.size() > kMaxWord) return out;
  std::string lower(word);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    else if (c < 'a' || c > 'z') return out;
  }
  HyphenDict* dict = dict_->get();
  if (!dict) return out;
  std::vector<char> hyphens(lower.size() + 5, '0');
  char** rep = nullptr;
  int* pos = nullptr;
  int* cut = nullptr;
  const int rc =
      hnj_hyphen_hyphenate3(dict, lower.data(), static_cast<int>(lower.size()), hyphens.data(),
                            nullptr, &rep, &pos, &cut, kLeftMin, kRightMin, kLeftMin, kRightMin);
  if (rep) {  // non-standard hyphenation (not in English patterns): ignored
    for (size_t i = 0; i < lower.size(); ++i) std::free(rep[i]);
    std::free(rep);
    std::free(pos);
    std::free(cut);
  }
  if (rc != 0) return out;
  for (size_t i = kLeftMin - 1; i + kRightMin < lower.size(); ++i)
    if (hyphens[i] & 1) out.push_back(i + 1);
  return out;
}

std::filesystem::path default_hyphenation_dictionary() { return MOYIN_HYPHEN_DICT; }

}  // namespace moyin::typeset
