#ifndef PROFLENS_CRE2_H
#define PROFLENS_CRE2_H

// A C face for RE2's C++ API (Debian: libre2-dev), which Swift cannot call directly: compile
// a pattern, say why it was refused, search a byte buffer, free. Patterns and texts are UTF-8.

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct proflens_re2 proflens_re2;

// Compiles `pattern` (`length` bytes, RE2 syntax, UTF-8). Never NULL: a refused pattern gives a
// handle whose error code is not 0. Free it with proflens_re2_free.
proflens_re2 *proflens_re2_new(const char *pattern, size_t length);

// 0 when the pattern compiled, else RE2's RE2::ErrorCode.
int proflens_re2_error_code(const proflens_re2 *re);

// The part of the pattern RE2 refused (NUL-terminated, owned by the handle); "" when it compiled.
const char *proflens_re2_error_arg(const proflens_re2 *re);

// Whether `text` (`length` bytes) contains a match: an unanchored search, RE2::PartialMatch.
// Safe to call from several threads at once on one handle.
bool proflens_re2_partial_match(const proflens_re2 *re, const char *text, size_t length);

void proflens_re2_free(proflens_re2 *re);

#ifdef __cplusplus
}
#endif

#endif
