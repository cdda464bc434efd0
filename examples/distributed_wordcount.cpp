// distributed_wordcount: the word count of a text file on as many processes as
// mpirun starts (or one, run alone). Every process runs this same main: it
// joins the MPI job (rill::mpi::MpiCluster), reads its own splits of the file
// (textFile), counts its words, and the shuffle of reduceByKey brings each
// word's counts together; sortByKey orders the words across all processes,
// and rank 0 prints them. The output is the same for any number of processes.
//
//   mpirun -np 4 distributed_wordcount --input FILE [--threads N]
//
// prints every word of FILE (whitespace-separated) as (word,count), one per
// line, sorted by word in byte order. Without --input it counts a built-in text.
// FILE must be readable at the same path by every process (a shared filesystem).
#include <rill/mpi.hpp>
#include <rill/rdd.hpp>

#include "common/cli.hpp"

#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

const char* const kBuiltInText[] = {
    "It was the best of times, it was the worst of times,",
    "it was the age of wisdom, it was the age of foolishness,",
    "it was the epoch of belief, it was the epoch of incredulity,",
    "it was the season of Light, it was the season of Darkness,",
    "it was the spring of hope, it was the winter of despair,",
    "we had everything before us, we had nothing before us,",
    "we were all going direct to Heaven, we were all going direct the other way",
};

/// The whitespace-separated words of a line, as views into it (no copies: the
/// shuffle stores each distinct word once, as a std::string).
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string input;
  int threads = 2;
  examples::CommandLine cli("distributed_wordcount", "[--input FILE] [--threads N]",
                            "Counts the whitespace-separated words of FILE (or of a built-in text) on every MPI\n"
                            "process mpirun starts; rank 0 prints (word,count) lines sorted by word.");
  cli.option("--input", input, "FILE", "the text to count, readable by every process")
      .option("--threads", threads, "N", "worker threads per process");
  cli.parse(argc, argv);
  cli.require(threads > 0, "--threads must be positive");

  rill::mpi::MpiCluster cluster;  // first: MPI starts here (one rank without mpirun)
  rill::SparkContext sc(
      rill::SparkConf().setAppName("distributed_wordcount").setMaster("local[" + std::to_string(threads) + "]"),
      cluster);

  auto lines = input.empty() ? sc.parallelize(std::vector<std::string>(std::begin(kBuiltInText), std::end(kBuiltInText)))
                             : sc.textFile(input);
  auto counts = lines.flatMap([](const std::string& line) { return words(line); })
                    .map([](std::string_view w) { return std::pair<std::string_view, std::int64_t>(w, 1); })
                    .reduceByKey([](std::int64_t a, std::int64_t b) { return a + b; })
                    .sortByKey()
                    .collect();  // every rank gets the result; rank 0 prints it
  if (sc.isDriver())
    for (const auto& [word, n] : counts) std::cout << '(' << word << ',' << n << ")\n";
  return 0;
}
