// The runtime of rill::ui, compiled once: the one source of the rill_ui_runtime
// library that rill_compile_runtime() builds for a target linking rill::ui. rill's
// own runtime is rill_runtime's (rill/core/runtime.hpp).
#define RILL_COMPILE_PART_RUNTIME
#include <rill/ui.hpp>
