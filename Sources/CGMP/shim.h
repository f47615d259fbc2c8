// Helpers for GMP functionality that Swift cannot import directly (GMP's public names are macros over the
// `__gmpz_*` symbols; the ones below are macros or inline functions with no callable symbol of their own).
#ifndef HE_TOOLKIT_CGMP_SHIM_H
#define HE_TOOLKIT_CGMP_SHIM_H

#include <gmp.h>
#include <string.h>

/// Sign of `x`: -1, 0 or 1 (`mpz_sgn` is a macro).
static inline int he_mpz_sgn(const __mpz_struct *x) { return x->_mp_size < 0 ? -1 : x->_mp_size > 0; }

/// Number of limbs in use (absolute value of `_mp_size`).
static inline size_t he_mpz_size(const __mpz_struct *x) {
    return (size_t)(x->_mp_size < 0 ? -x->_mp_size : x->_mp_size);
}

/// Overwrites every allocated limb of `x` with zeros in a way the optimiser may not remove, then frees it
/// with `mpz_clear`. Used for every integer the library releases, so secret limbs never outlive their owner.
static inline void he_mpz_zero_and_clear(__mpz_struct *x) {
    if (x->_mp_d != NULL && x->_mp_alloc > 0) {
        explicit_bzero(x->_mp_d, (size_t)x->_mp_alloc * sizeof(mp_limb_t));
    }
    x->_mp_size = 0;
    __gmpz_clear(x);
}

/// Zeroes a plain byte buffer in a way the optimiser may not remove.
static inline void he_secure_zero(void *p, size_t n) { explicit_bzero(p, n); }

#include <stdlib.h>

static inline void *he_gmp_allocate(size_t size) {
    void *p = malloc(size);
    if (p == NULL) abort();
    return p;
}

static inline void *he_gmp_reallocate(void *old, size_t old_size, size_t new_size) {
    void *p = malloc(new_size);
    if (p == NULL) abort();
    memcpy(p, old, old_size < new_size ? old_size : new_size);
    explicit_bzero(old, old_size);
    free(old);
    return p;
}

static inline void he_gmp_free(void *p, size_t size) {
    if (p == NULL) return;
    explicit_bzero(p, size);
    free(p);
}

/// Makes GMP zero every block it frees or moves (integers it grows, and its heap temporaries), so limbs of
/// secret values are not left behind in freed memory. The functions are malloc-compatible, so blocks
/// allocated before the switch are still released correctly. Called once, before the library's first
/// allocation.
static inline void he_gmp_install_zeroing_allocator(void) {
    __gmp_set_memory_functions(he_gmp_allocate, he_gmp_reallocate, he_gmp_free);
}

#endif
