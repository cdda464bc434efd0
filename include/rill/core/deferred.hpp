#pragma once
// Deferred<T, Lazy>: T itself, but a dependent type inside a template on Lazy.
// Much of rill is a class template only so that programs which never use a
// part do not compile it (`template <class Lazy = void>`; README, "Compile
// cost"). That alone is not enough: g++ completes a class template's member
// types where the template is defined when they do not depend on its
// parameters, so a member std::vector<std::shared_ptr<Listener>> would still
// compile the vector, the shared_ptr and their helpers in every program.
// Naming it std::vector<std::shared_ptr<Deferred<Listener, Lazy>>> waits for
// the first use. The same holds for a base class, a parameter whose members a
// template body calls, and a function's declared return type (which is why a
// few members return `auto`).

namespace rill::detail {

template <class T, class Lazy>
struct DeferredType {
  using type = T;
};
template <class T, class Lazy>
using Deferred = typename DeferredType<T, Lazy>::type;

}  // namespace rill::detail
