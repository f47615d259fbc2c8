#ifndef CNTL_ORACLE_H
#define CNTL_ORACLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// out = a * b mod (X^n + 1, q) computed by NTL (zz_pX for q < 2^NTL_SP_NBITS = 2^60, else ZZ_pX).
/// a, b, out hold n coefficients in [0, q). Returns 0 on success, -1 if q is unsupported.
int cntl_negacyclic_multiply(const uint64_t *a, const uint64_t *b, uint64_t *out, long n, uint64_t q);

/// Times `iterations` NTL negacyclic products of a and b; returns thread CPU nanoseconds per product (median not
/// computed here: the caller repeats). Operands are converted to NTL form once, outside the timed region.
double cntl_time_negacyclic_multiply(const uint64_t *a, const uint64_t *b, long n, uint64_t q, long iterations);

#ifdef __cplusplus
}
#endif

#endif
