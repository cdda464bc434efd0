// Built with single_include/ as the ONLY rill include directory.
#include "rill.hpp"
// (not a rill header: the shared word count check)
#include "../word_count_check.inc"

int main() { return runWordCountCheck("single-header"); }
