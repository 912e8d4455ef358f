#ifndef PROFLENS_CMALLOC_SHIM_H
#define PROFLENS_CMALLOC_SHIM_H

#if defined(__GLIBC__) || (defined(__linux__) && __has_include(<malloc.h>))
#include <limits.h>
#include <malloc.h>
// Every command's policy: allocations of at least 1 MiB are mapped on their own, so that
// freeing one gives its memory back (glibc's threshold otherwise rises to the size of the
// first such block freed, and later large arrays come from its heap, which keeps what is
// freed); the heaps are trimmed as glibc trims them by default (above 128 KiB free at their
// top); and what they hold free now is given back.
static inline void proflens_give_back_freed_memory(void) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
    malloc_trim(0);
#endif
}

// While profiles of about the same size are read one after another, what one frees is kept
// for the next: blocks up to glibc's largest threshold (32 MiB) come from its heaps, and the
// heaps are not trimmed. Mapped and freed each time, the same arrays cost a page fault and a
// page of zeros for every 4 KiB, on every profile. Until proflens_give_back_freed_memory.
static inline void proflens_keep_freed_memory(void) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}
#else
static inline void proflens_give_back_freed_memory(void) {}
static inline void proflens_keep_freed_memory(void) {}
#endif

#endif
