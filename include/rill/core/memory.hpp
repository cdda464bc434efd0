#pragma once
// The parts of <memory> rill uses: std::unique_ptr, std::shared_ptr with
// make_shared and its casts, std::addressof and std::construct_at. Since C++20
// libstdc++'s <memory> also brings the std::ranges uninitialized algorithms,
// atomic shared_ptr, auto_ptr and the parallel algorithms' declarations, which
// every program including rill would parse (README, "Compile cost"); libstdc++
// keeps the parts rill uses in internal headers of their own. Other standard
// libraries get <memory>.
#include <version>  // defines __GLIBCXX__ for libstdc++

#if defined(__GLIBCXX__) && __has_include(<bits/shared_ptr.h>)
#include <bits/allocator.h>
#include <bits/move.h>
#include <bits/shared_ptr.h>
#include <bits/stl_construct.h>
#include <bits/unique_ptr.h>
#else
#include <memory>
#endif
