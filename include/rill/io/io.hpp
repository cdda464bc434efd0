#pragma once
// The whole io layer but the opt-in gzip.hpp (it needs zlib): line framing,
// file reading, atomic writes, append-only logs, directory watching and TCP. It depends only on the standard library and POSIX.
#include <rill/io/append_log.hpp>
#include <rill/io/atomic_file.hpp>
#include <rill/io/bounded_file_lines.hpp>
#include <rill/io/compressed_input.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/directory_watcher.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/io/input_files.hpp>
#include <rill/io/line_framer.hpp>
#include <rill/io/socket.hpp>
#include <rill/io/system_error.hpp>
#include <rill/io/unique_fd.hpp>
