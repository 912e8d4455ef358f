#ifndef PROFLENS_CMALLOC_SHIM_H
#define PROFLENS_CMALLOC_SHIM_H

#if defined(__GLIBC__) || (defined(__linux__) && __has_include(<malloc.h>))
#include <malloc.h>
// Allocations of at least `bytes` are mapped on their own, so that freeing one gives its
// memory back. glibc's threshold otherwise rises to the size of the first such block freed,
// and later large arrays come from its heap, which keeps what is freed.
static inline void proflens_map_allocations_from(int bytes) {
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, bytes);
#endif
}
#else
static inline void proflens_map_allocations_from(int bytes) { (void)bytes; }
#endif

#endif
