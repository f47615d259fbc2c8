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


/// Copies |x| into the n limbs at dst, zero-padded (x must have at most n limbs).
static inline void he_limbs_copy(mp_limb_t *dst, mp_size_t n, const __mpz_struct *x) {
    size_t s = he_mpz_size(x);
    memset(dst, 0, (size_t)n * sizeof(mp_limb_t));
    memcpy(dst, x->_mp_d, s * sizeof(mp_limb_t));
}

/// Sets x to the n limbs at src (which are then zeroed).
static inline void he_limbs_store(__mpz_struct *x, mp_limb_t *src, mp_size_t n) {
    mp_limb_t *d = mpz_limbs_write(x, n);
    memcpy(d, src, (size_t)n * sizeof(mp_limb_t));
    explicit_bzero(src, (size_t)n * sizeof(mp_limb_t));
    mpz_limbs_finish(x, n);
}

/// The second half of a Paillier CRT half-decryption, with GMP's side-channel-silent mpn_sec functions: given
/// u = c^(x-1) mod x^2 (from mpz_powm_sec), sets out = L_x(u) * h mod x, where L_x(u) = (u - 1) / x equals
/// floor(u / x) because u = 1 mod x. x has exactly `l` limbs (top limb non-zero), x^2 at most 2l limbs,
/// 0 <= h < x. The sequence of operations and memory accesses depends on the sizes only, never on the values.
static inline void he_paillier_half_finish(__mpz_struct *out, const __mpz_struct *u, const __mpz_struct *x,
                                           const __mpz_struct *h, mp_size_t l) {
    mp_size_t itch = mpn_sec_div_qr_itch(2 * l, l);
    mp_size_t itch2 = mpn_sec_mul_itch(l, l);
    if (itch2 > itch) itch = itch2;
    itch2 = mpn_sec_div_r_itch(2 * l, l);
    if (itch2 > itch) itch = itch2;
    // Buffers: un (2l), xp (l), hp (l), kp (l), wp (2l), scratch (itch).
    size_t total = (size_t)(7 * l + itch);
    mp_limb_t *buf = (mp_limb_t *)he_gmp_allocate(total * sizeof(mp_limb_t));
    mp_limb_t *un = buf, *xp = un + 2 * l, *hp = xp + l, *kp = hp + l, *wp = kp + l, *tp = wp + 2 * l;
    he_limbs_copy(un, 2 * l, u);
    he_limbs_copy(xp, l, x);
    he_limbs_copy(hp, l, h);
    // k = floor(u / x) (< x, so l limbs; the returned top quotient limb is 0).
    (void)mpn_sec_div_qr(kp, un, 2 * l, xp, l, tp);
    // w = k h mod x.
    mpn_sec_mul(wp, kp, l, hp, l, tp);
    mpn_sec_div_r(wp, 2 * l, xp, l, tp);
    he_limbs_store(out, wp, l);
    explicit_bzero(buf, total * sizeof(mp_limb_t));
    free(buf);
}

/// Paillier CRT recombination with the mpn_sec functions: out = mp + p ((mq - mp) p^-1 mod q) for 0 <= mp < p,
/// 0 <= mq < q, 0 <= pinv < q, where p and q both have exactly `l` limbs and the same bit length (so p < 2q).
/// mq - mp is made non-negative by adding 2q, so no step branches on the sign of a secret difference.
static inline void he_paillier_crt_combine(__mpz_struct *out, const __mpz_struct *mp, const __mpz_struct *mq,
                                           const __mpz_struct *p, const __mpz_struct *q,
                                           const __mpz_struct *pinv, mp_size_t l) {
    mp_size_t itch = mpn_sec_mul_itch(l + 1, l);
    mp_size_t itch2 = mpn_sec_div_r_itch(2 * l + 1, l);
    if (itch2 > itch) itch = itch2;
    // Buffers: ap (l+1), bp (l+1), mpp (2l), pp (l), qp (l), ip (l), up (2l+1), vp (2l), scratch (itch).
    size_t total = (size_t)(11 * l + 3 + itch);
    mp_limb_t *buf = (mp_limb_t *)he_gmp_allocate(total * sizeof(mp_limb_t));
    mp_limb_t *ap = buf, *bp = ap + l + 1, *mpp = bp + l + 1, *pp = mpp + 2 * l, *qp = pp + l, *ip = qp + l;
    mp_limb_t *up = ip + l, *vp = up + 2 * l + 1, *tp = vp + 2 * l;
    he_limbs_copy(ap, l + 1, mq);
    he_limbs_copy(bp, l + 1, q);
    he_limbs_copy(mpp, 2 * l, mp);
    he_limbs_copy(pp, l, p);
    he_limbs_copy(qp, l, q);
    he_limbs_copy(ip, l, pinv);
    // a = mq + 2q - mp > 0 (mp < p < 2q), below 3q < 2^(64 l + 2): l + 1 limbs, no final borrow.
    mpn_lshift(bp, bp, l + 1, 1);
    mpn_add_n(ap, ap, bp, l + 1);
    mpn_sub_n(ap, ap, mpp, l + 1);
    // r = a pinv mod q, in up[0..l).
    mpn_sec_mul(up, ap, l + 1, ip, l, tp);
    mpn_sec_div_r(up, 2 * l + 1, qp, l, tp);
    // m = mp + p r (< p q: 2l limbs, no carry out); a full-length add, so the carry chain has a fixed length.
    mpn_sec_mul(vp, up, l, pp, l, tp);
    mpn_add_n(vp, vp, mpp, 2 * l);
    he_limbs_store(out, vp, 2 * l);
    explicit_bzero(buf, total * sizeof(mp_limb_t));
    free(buf);
}

#endif
