#pragma once
// startThread(body): a std::thread running a std::function. The engine's and the
// streams' threads start through it so that a program holds one thread-state type:
// g++ -O2 treats every thread body in a translation unit as a possible target of
// std::thread's internal virtual call, so one lambda type per thread would compile
// every streaming thread (receivers, scheduler, block writers) into any program
// that starts a pool.
#include <functional>
#include <thread>
#include <utility>

namespace rill::exec {

inline std::thread startThread(std::function<void()> body) { return std::thread(std::move(body)); }

}  // namespace rill::exec
