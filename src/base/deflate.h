// Deflate compression with libdeflate, the one place its header is
// included: the PDF's streams (zlib format, what /FlateDecode reads) and
// the EPUB's zip entries (raw deflate, and their CRC-32). About three times
// less CPU than zlib for the same sizes (docs/performance.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct libdeflate_compressor;

namespace moyin::base {

// One compressor at one level (1 fastest … 12 smallest). Its state is its
// own: one per thread.
class Deflater {
 public:
  explicit Deflater(int level);
  // `raw` compressed; empty when the compressor could not be made (no memory).
  std::string zlib(std::span<const std::byte> raw);     // zlib format
  std::string deflate(std::span<const std::byte> raw);  // raw deflate
  bool ok() const { return c_ != nullptr; }

 private:
  struct Free {
    void operator()(libdeflate_compressor* c) const;
  };
  std::unique_ptr<libdeflate_compressor, Free> c_;
};

// The CRC-32 a zip entry records.
uint32_t crc32(std::span<const std::byte> bytes);

}  // namespace moyin::base
