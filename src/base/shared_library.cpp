#include "base/shared_library.h"

#include <dlfcn.h>

#include <utility>

namespace moyin::base {

SharedLibrary::SharedLibrary(const std::string& soname) : name_(soname) {
  // RTLD_LOCAL: the library's symbols serve only the lookups made here.
  // RTLD_NODELETE: once loaded, it stays mapped when the handle is released,
  // so what it keeps in its globals (GLib's type system, librsvg's caches)
  // is not unmapped under the leak checker at exit, nor under a thread.
  handle_ = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!handle_) {
    const char* why = ::dlerror();
    error_ = soname + " cannot be loaded" + (why ? std::string(" (") + why + ")" : std::string());
  }
}

SharedLibrary::~SharedLibrary() {
  if (handle_) ::dlclose(handle_);
}

SharedLibrary::SharedLibrary(SharedLibrary&& other) noexcept
    : name_(std::move(other.name_)),
      handle_(std::exchange(other.handle_, nullptr)),
      error_(std::move(other.error_)) {}

SharedLibrary& SharedLibrary::operator=(SharedLibrary&& other) noexcept {
  if (this != &other) {
    if (handle_) ::dlclose(handle_);
    name_ = std::move(other.name_);
    handle_ = std::exchange(other.handle_, nullptr);
    error_ = std::move(other.error_);
  }
  return *this;
}

void* SharedLibrary::address(const char* symbol) {
  if (!handle_) return nullptr;
  ::dlerror();  // clear an earlier error
  void* p = ::dlsym(handle_, symbol);
  if (!p && error_.empty()) error_ = name_ + " has no function " + symbol;
  return p;
}

void* process_symbol(const char* symbol) { return ::dlsym(RTLD_DEFAULT, symbol); }

}  // namespace moyin::base
