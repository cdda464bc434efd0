// compile-cost probe: the RDD layer and an empty main.
#include <rill/rdd/spark_context.hpp>

int main() {}
