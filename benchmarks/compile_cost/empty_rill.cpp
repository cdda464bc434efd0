// compile-cost probe: the umbrella header and an empty main.
#include <rill/rill.hpp>

int main() {}
