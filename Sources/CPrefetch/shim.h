#ifndef PROFLENS_CPREFETCH_SHIM_H
#define PROFLENS_CPREFETCH_SHIM_H

// Asks for the cache line at `address` ahead of its use (a hint: never faults, never waits).
// Swift has no prefetch of its own; loops that read data scattered over tens of megabytes in
// an order known ahead use it to overlap their cache misses.
static inline void proflens_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address);
#else
    (void)address;
#endif
}

#endif
