#pragma once
// The few math functions rill needs (sqrt, exp, log, ...), without <cmath>:
// since C++17 libstdc++'s <cmath> also declares the special functions (Bessel,
// Legendre, ...), which every program including rill would parse (11 MB of g++
// memory, about a tenth of a second; README, "Compile cost"). g++ and clang
// compile these builtins to the same libm calls or instructions std:: would.
#if !defined(__GNUC__)
#include <cmath>
#endif

namespace rill::math {

#if defined(__GNUC__)
inline double sqrt(double x) { return __builtin_sqrt(x); }
inline double exp(double x) { return __builtin_exp(x); }
inline double log(double x) { return __builtin_log(x); }
inline double log1p(double x) { return __builtin_log1p(x); }
inline double floor(double x) { return __builtin_floor(x); }
inline double ceil(double x) { return __builtin_ceil(x); }
template <class F>
bool isnan(F x) { return __builtin_isnan(x); }
template <class F>
bool isinf(F x) { return __builtin_isinf(x); }
template <class F>
bool isfinite(F x) { return __builtin_isfinite(x); }
template <class F>
bool signbit(F x) { return __builtin_signbit(x); }
#else
using std::ceil;
using std::exp;
using std::floor;
using std::isfinite;
using std::isinf;
using std::isnan;
using std::log;
using std::log1p;
using std::signbit;
using std::sqrt;
#endif

}  // namespace rill::math
