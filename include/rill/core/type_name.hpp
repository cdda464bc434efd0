#pragma once
// The readable name of a type, for messages ("std::pair<std::string, long>"
// style): the compiler's name demangled by the C++ ABI, or the name as it is
// where that fails.
#include <rill/core/runtime.hpp>

#include <string>
#include <typeinfo>

#if RILL_RUNTIME_BODIES
#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#endif

namespace rill::detail {

RILL_RUNTIME std::string demangledName(const std::type_info& type);

template <class T>
std::string typeName() {
  return demangledName(typeid(T));
}

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::string demangledName(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
