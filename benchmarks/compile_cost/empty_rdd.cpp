// compile-cost probe: rill/rdd.hpp and an empty main.
#include <rill/rdd.hpp>

int main() {}
