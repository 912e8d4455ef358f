#ifndef PROFLENS_CZLIB_SHIM_H
#define PROFLENS_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a function-like macro, which Swift cannot import.
static inline int proflens_inflateInit2(z_stream *stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
