#include "source/badges.h"

#include <algorithm>
#include <array>

namespace moyin::source {

namespace {

std::string_view host_of(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  start += 3;
  const size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

bool blank(const doc::Inline& in) {
  if (in.kind == doc::InlineKind::SoftBreak || in.kind == doc::InlineKind::LineBreak) return true;
  return in.kind == doc::InlineKind::Text && in.text.find_first_not_of(" \t") == std::string::npos;
}

// Counts the badges of an inline run made only of badges; 0 when anything else is in it.
size_t badge_count(const std::vector<doc::Inline>& inlines) {
  size_t n = 0;
  for (const doc::Inline& in : inlines) {
    if (blank(in)) continue;
    if (in.kind == doc::InlineKind::Image && is_badge_url(in.url)) ++n;
    else if (in.kind == doc::InlineKind::Link && !in.children.empty() &&
             badge_count(in.children) > 0)
      n += badge_count(in.children);
    else return 0;
  }
  return n;
}

size_t drop(std::vector<doc::Block>& blocks) {
  size_t removed = 0;
  std::erase_if(blocks, [&](const doc::Block& b) {
    if (b.kind != doc::BlockKind::Paragraph && b.kind != doc::BlockKind::Image) return false;
    const size_t n = badge_count(b.inlines);
    removed += n;
    return n > 0;
  });
  for (doc::Block& b : blocks) removed += drop(b.children);
  return removed;
}

}  // namespace

bool is_badge_url(std::string_view url) {
  static constexpr std::array<std::string_view, 12> kHosts = {
      "img.shields.io", "shields.io",      "badgen.net",       "badge.fury.io",
      "travis-ci.org",  "travis-ci.com",   "codecov.io",       "coveralls.io",
      "circleci.com",   "ci.appveyor.com", "goreportcard.com", "pepy.tech"};
  const std::string_view host = host_of(url);
  if (host.empty()) return false;
  if (std::find(kHosts.begin(), kHosts.end(), host) != kHosts.end()) return true;
  std::string_view path = url.substr(url.find(host) + host.size());
  path = path.substr(0, path.find_first_of("?#"));
  return path.ends_with("badge.svg") || path.find("/badge/") != std::string_view::npos ||
         path.ends_with("/badge");
}

size_t drop_badges(doc::Document& d) { return drop(d.blocks); }

}  // namespace moyin::source
