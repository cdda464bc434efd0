#pragma once
// std::chrono's durations, time points and clocks, which is all rill uses of
// <chrono>. Since C++20 libstdc++'s <chrono> also brings the calendar types and
// <sstream> for their printing, which every program including rill would parse
// (7 MB of g++ memory; README, "Compile cost"); libstdc++ keeps the durations and
// clocks in <bits/chrono.h>. Other standard libraries get <chrono>. Include
// <chrono> yourself for the rest of it.
#include <version>  // defines __GLIBCXX__ for libstdc++

#if defined(__GLIBCXX__) && __has_include(<bits/chrono.h>)
#include <bits/chrono.h>
#else
#include <chrono>
#endif
