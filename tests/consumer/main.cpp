// Built against the INSTALLED rill package (find_package(rill)).
#include <rill/rill.hpp>
// (from the source tree, not the package: the shared word count check)
#include "../word_count_check.inc"

int main() { return runWordCountCheck("consumer"); }
