// A shared library loaded at run time (dlopen), for the parts of Moyin most
// runs never use: librsvg's stack for the SVG raster fallback (src/svg) and
// libcurl for `--fetch` (src/fetch). Not linking them keeps their dozens of
// dependencies out of every process start (docs/performance.md). Libraries
// are named by SONAME ("libcurl.so.4"), so the version the headers describe
// is the one loaded.
#pragma once

#include <string>

namespace moyin::base {

class SharedLibrary {
 public:
  // Loads `soname` with its dependencies, all symbols bound now, its
  // references looked up in the process's objects first as for a linked
  // library (so it allocates with the binary's allocator); on failure the
  // object is empty and error() says why. (Not RTLD_DEEPBIND: a library
  // bound to its own dependencies first took glibc's malloc, whose first
  // call, made by two threads at once, left glibc's arena count wrong and
  // aborted the process at a thread's exit: docs/performance.md.)
  explicit SharedLibrary(const std::string& soname);
  ~SharedLibrary();  // releases the handle (dlclose; the library stays mapped)
  SharedLibrary(SharedLibrary&& other) noexcept;
  SharedLibrary& operator=(SharedLibrary&& other) noexcept;
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  explicit operator bool() const { return handle_ != nullptr; }
  // Why the library or a symbol could not be had ("" when nothing failed).
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }

  // Points `fn` at the function `symbol` of the library; false (and error()
  // names it) when the library is not loaded or has no such symbol. `F` is
  // the function's type as its header declares it, so calls are type-checked.
  template <class F>
  bool resolve(F*& fn, const char* symbol) {
    fn = reinterpret_cast<F*>(address(symbol));
    return fn != nullptr;
  }

 private:
  void* address(const char* symbol);

  std::string name_;
  void* handle_ = nullptr;
  std::string error_;
};

// The address of `symbol` among what the process has already loaded
// (RTLD_DEFAULT), or null: for a library the binary may or may not be linked
// with (the allocator, src/cli).
void* process_symbol(const char* symbol);

}  // namespace moyin::base
