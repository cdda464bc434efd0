#pragma once
// RILL_TEST_SANITIZED is defined when ASan or TSan is compiled in: their
// allocator replaces the C library's, so tests about memory use or malloc's
// settings mean nothing there.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RILL_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RILL_TEST_SANITIZED 1
#endif
#endif
