// Built with single_include/ as the ONLY rill include directory.
#include "rill.hpp"

int main() {
  // TODO(lead): do something small with rill here.
  return 0;
}
