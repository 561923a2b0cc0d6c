#include "base/deflate.h"

#include <libdeflate.h>

namespace moyin::base {

void Deflater::Free::operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }

Deflater::Deflater(int level) : c_(libdeflate_alloc_compressor(level)) {}

// Into a buffer at the bound (about the raw size) that is not zeroed first:
// only the pages libdeflate writes are touched (faulted in), not the whole
// bound; then the bytes are kept at their size.
std::string Deflater::zlib(std::span<const std::byte> raw) {
  if (!c_) return {};
  const size_t bound = libdeflate_zlib_compress_bound(c_.get(), raw.size());
  const auto buffer = std::make_unique_for_overwrite<char[]>(bound);
  const size_t n = libdeflate_zlib_compress(c_.get(), raw.data(), raw.size(), buffer.get(), bound);
  return std::string(buffer.get(), n);
}

std::string Deflater::deflate(std::span<const std::byte> raw) {
  if (!c_) return {};
  const size_t bound = libdeflate_deflate_compress_bound(c_.get(), raw.size());
  const auto buffer = std::make_unique_for_overwrite<char[]>(bound);
  const size_t n =
      libdeflate_deflate_compress(c_.get(), raw.data(), raw.size(), buffer.get(), bound);
  return std::string(buffer.get(), n);
}

uint32_t crc32(std::span<const std::byte> bytes) {
  return libdeflate_crc32(0, bytes.data(), bytes.size());
}

}  // namespace moyin::base
