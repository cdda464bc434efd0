#pragma once
// The parts of <functional> rill uses: std::hash, std::equal_to / std::less /
// std::plus, std::reference_wrapper, std::function, and invoke. Since C++20
// libstdc++'s <functional> also brings the searchers (with <unordered_map>,
// <array> and <bits/stl_algo.h>), std::bind, std::not_fn and move_only_function,
// which every program including rill would parse (README, "Compile cost");
// libstdc++ keeps each part rill uses in an internal header of its own. Other
// standard libraries get <functional>.
#include <version>  // defines __GLIBCXX__ for libstdc++

#include <type_traits>
#include <utility>

#if defined(__GLIBCXX__) && __has_include(<bits/std_function.h>)
#include <bits/functional_hash.h>
#include <bits/invoke.h>
#include <bits/refwrap.h>
#include <bits/std_function.h>
#include <bits/stl_function.h>
#define RILL_DETAIL_STD_INVOKE std::__invoke  // what libstdc++'s std::invoke calls
#else
#include <functional>
#define RILL_DETAIL_STD_INVOKE std::invoke
#endif

namespace rill::detail {

/// std::invoke (a callable, or a pointer to member with its object), which
/// libstdc++ declares only in <functional> itself.
template <class F, class... Args>
constexpr std::invoke_result_t<F, Args...> invoke(F&& f, Args&&... args) noexcept(
    std::is_nothrow_invocable_v<F, Args...>) {
  return RILL_DETAIL_STD_INVOKE(std::forward<F>(f), std::forward<Args>(args)...);
}

}  // namespace rill::detail

#undef RILL_DETAIL_STD_INVOKE
