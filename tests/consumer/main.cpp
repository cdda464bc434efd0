#include <rill/rill.hpp>

int main() {
  // TODO(lead): exercise a little of rill through the installed package.
  return 0;
}
