#pragma once
// The standard algorithms rill uses (std::sort, std::find_if, std::max, ...).
// Since C++20 libstdc++'s <algorithm> also brings the std::ranges algorithms
// and the parallel algorithms' declarations, which every program including
// rill would parse (5 MB of g++ memory; README, "Compile cost"); libstdc++
// keeps the classic algorithms in <bits/stl_algobase.h> and <bits/stl_algo.h>.
// Other standard libraries get <algorithm>. Include <algorithm> yourself for
// the rest of it.
#include <version>  // defines __GLIBCXX__ for libstdc++

#if defined(__GLIBCXX__) && __has_include(<bits/stl_algo.h>)
#include <bits/stl_algobase.h>
#include <bits/stl_algo.h>
#else
#include <algorithm>
#endif
