// The mutator of the fuzz entries' GoogleTests over text formats (kept
// formulas files, SVG): seeded, so every run tries the same inputs.
#pragma once

#include <random>
#include <span>
#include <string>

namespace moyin::fuzz {

// 1 to 8 rounds of: a token of the format inserted (once or a run of
// them), bytes erased, the text cut short (a write that stopped), a bit
// flipped, a random byte inserted.
inline std::string mutate(std::string s, std::mt19937& rng, std::span<const std::string> tokens) {
  const int rounds = 1 + static_cast<int>(rng() % 8);
  for (int r = 0; r < rounds; ++r) {
    const size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0: s.insert(at, tokens[rng() % tokens.size()]); break;
      case 1:
        for (int k = static_cast<int>(rng() % 20); k > 0; --k)
          s.insert(at, tokens[rng() % tokens.size()]);
        break;
      case 2:
        if (!s.empty()) s.erase(at % s.size(), rng() % 64);
        break;
      case 3: s.resize(at); break;
      case 4:
        if (!s.empty()) s[at % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      default: s.insert(at, 1, static_cast<char>(rng() & 0xFF));
    }
  }
  return s;
}

}  // namespace moyin::fuzz
