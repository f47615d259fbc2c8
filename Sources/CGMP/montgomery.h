// Side-channel-silent Montgomery arithmetic and fixed-base exponentiation for the Paillier encryptor, on
// GMP's low-level functions. Every loop count, branch and memory address below depends only on the sizes
// (limb counts, window width, number of rows), never on the values: products use `mpn_sec_mul`, table reads use
// `mpn_sec_tabselect` (which reads every entry), reductions use `mpn_addmul_1`/`mpn_add_n` and conditional
// subtraction with `mpn_cnd_sub_n`. GMP documents these as running in time and with memory accesses that depend
// only on the operand sizes.
//
// Notation: m is an odd modulus of exactly l limbs (top limb non-zero), R = 2^(64 l). "Montgomery form" of x is
// x R mod m. Values called "almost reduced" are below R but possibly above m.
#ifndef HE_TOOLKIT_CGMP_MONTGOMERY_H
#define HE_TOOLKIT_CGMP_MONTGOMERY_H

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

/// -m^-1 mod 2^64 for an odd limb m0 (Newton iteration; each step doubles the correct low bits, starting from
/// 3 bits since m0 m0 = 1 mod 8).
static inline mp_limb_t he_mont_neg_inverse(mp_limb_t m0) {
    mp_limb_t x = m0;
    for (int i = 0; i < 5; i++) x *= 2 - m0 * x;
    return (mp_limb_t)0 - x;
}

/// Montgomery reduction. t has 2l limbs with t < R^2 and is destroyed; rp (l limbs, may not overlap t) receives
/// a value below R congruent to t R^-1 mod m. With t < R m the value before the final step is below 2m.
static inline void he_mont_redc(mp_limb_t *rp, mp_limb_t *t, const mp_limb_t *m, mp_size_t l, mp_limb_t minv) {
    for (mp_size_t i = 0; i < l; i++) {
        // t += q m 2^(64 i) with q chosen so that limb i becomes zero; that limb then stores the carry out.
        mp_limb_t q = t[i] * minv;
        t[i] = mpn_addmul_1(t + i, m, l, q);
    }
    // (t + sum q_i m 2^(64 i)) / R < R + m: one conditional subtraction of m brings it below R.
    mp_limb_t cy = mpn_add_n(rp, t + l, t, l);
    (void)mpn_cnd_sub_n(cy, rp, rp, m, l);
}

/// rp = rp mod m for an almost-reduced rp < 2m (one conditional subtraction, decided by the borrow).
static inline void he_mont_final_subtract(mp_limb_t *rp, const mp_limb_t *m, mp_size_t l, mp_limb_t *tp) {
    mp_limb_t borrow = mpn_sub_n(tp, rp, m, l);
    mpn_cnd_swap(borrow ^ 1, rp, tp, l);
}

/// rp = a b R^-1 mod m, almost reduced (below R), for a, b below R; l limbs each; rp may not overlap a or b.
static inline void he_mont_multiply_almost(mp_limb_t *rp, const mp_limb_t *a, const mp_limb_t *b,
                                           const mp_limb_t *m, mp_size_t l, mp_limb_t minv) {
    mp_size_t itch = mpn_sec_mul_itch(l, l);
    mp_limb_t *buf = (mp_limb_t *)malloc((size_t)(2 * l + itch + 1) * sizeof(mp_limb_t));
    if (buf == NULL) abort();
    mpn_sec_mul(buf, a, l, b, l, buf + 2 * l);
    he_mont_redc(rp, buf, m, l, minv);
    explicit_bzero(buf, (size_t)(2 * l + itch + 1) * sizeof(mp_limb_t));
    free(buf);
}

/// Scratch limbs needed by `he_fixed_base_power`.
static inline mp_size_t he_fixed_base_scratch(mp_size_t l) {
    mp_size_t itch = mpn_sec_mul_itch(l, l);
    return 3 * l + itch;
}

/// Window digit `row` (bits row w ... row w + w - 1) of the little-endian exponent e. The word indices depend on
/// row and w only; e must have a readable limb past the last one that contains exponent bits.
static inline mp_limb_t he_exponent_digit(const mp_limb_t *e, mp_size_t row, unsigned w) {
    size_t bit = (size_t)row * w;
    size_t word = bit / 64, shift = bit % 64;
    mp_limb_t low = e[word] >> shift;
    // (x << 1) << (63 - shift) is x << (64 - shift) without the undefined shift by 64 when shift == 0.
    mp_limb_t high = (e[word + 1] << 1) << (63 - shift);
    return (low | high) & (((mp_limb_t)1 << w) - 1);
}

/// Fixed-base exponentiation over the table rows first ... first + count - 1 (count >= 1): acc (l limbs) =
/// base^(sum of those rows' digits of e, at their weights) R mod m, almost reduced. The table holds rows of 2^w
/// entries of l limbs each, entry d of row i being base^(d 2^(w i)) R mod m (entry 0 = R mod m). One entry is
/// selected per row with `mpn_sec_tabselect` and multiplied in, for every row, whatever the digit. e holds the
/// exponent's bits up to the last row plus one limb of padding (see `he_exponent_digit`). scratch:
/// `he_fixed_base_scratch(l)`. All rows at once give base^e R mod m; two row ranges can run on two threads and
/// be combined with one Montgomery product.
static inline void he_fixed_base_power(mp_limb_t *acc, const mp_limb_t *table, mp_size_t first, mp_size_t count,
                                       unsigned w, const mp_limb_t *e, const mp_limb_t *m, mp_size_t l,
                                       mp_limb_t minv, mp_limb_t *scratch) {
    mp_size_t entries = (mp_size_t)1 << w;
    mp_size_t stride = entries * l;
    mp_limb_t *sel = scratch, *prod = sel + l, *tp = prod + 2 * l;
    mpn_sec_tabselect(acc, table + first * stride, l, entries, (mp_size_t)he_exponent_digit(e, first, w));
    for (mp_size_t row = first + 1; row < first + count; row++) {
        mpn_sec_tabselect(sel, table + row * stride, l, entries, (mp_size_t)he_exponent_digit(e, row, w));
        mpn_sec_mul(prod, acc, l, sel, l, tp);
        he_mont_redc(acc, prod, m, l, minv);
    }
}

/// x R mod m in Montgomery form for 0 <= x < m (at most l limbs), with `mpn_sec_div_r`; out has l limbs.
static inline void he_to_montgomery(mp_limb_t *out, const __mpz_struct *x, const mp_limb_t *m, mp_size_t l) {
    mp_size_t itch = mpn_sec_div_r_itch(2 * l, l);
    size_t total = (size_t)(2 * l + itch);
    mp_limb_t *buf = (mp_limb_t *)malloc(total * sizeof(mp_limb_t));
    if (buf == NULL) abort();
    mp_limb_t *np = buf, *tp = buf + 2 * l;
    size_t s = (size_t)(x->_mp_size < 0 ? -x->_mp_size : x->_mp_size);
    memset(np, 0, 2 * (size_t)l * sizeof(mp_limb_t));
    memcpy(np + l, x->_mp_d, s * sizeof(mp_limb_t));
    mpn_sec_div_r(np, 2 * l, m, l, tp);
    memcpy(out, np, (size_t)l * sizeof(mp_limb_t));
    explicit_bzero(buf, total * sizeof(mp_limb_t));
    free(buf);
}

/// out = a rho mod m, fully reduced, for a (l limbs, a < m) and rho in Montgomery form (l limbs, almost
/// reduced): one Montgomery product, which removes the factor R, and one conditional subtraction. `out` is an
/// initialised mpz; its normalised size reveals only the leading zero limbs of the result (a ciphertext).
static inline void he_mont_multiply_out(__mpz_struct *out, const mp_limb_t *a, const mp_limb_t *rho,
                                        const mp_limb_t *m, mp_size_t l, mp_limb_t minv) {
    mp_size_t itch = mpn_sec_mul_itch(l, l);
    size_t total = (size_t)(4 * l + itch);
    mp_limb_t *buf = (mp_limb_t *)malloc(total * sizeof(mp_limb_t));
    if (buf == NULL) abort();
    mp_limb_t *prod = buf, *r = buf + 2 * l, *sub = r + l, *tp = sub + l;
    mpn_sec_mul(prod, a, l, rho, l, tp);
    // a rho_M < m R, so the reduction leaves a value below 2m.
    he_mont_redc(r, prod, m, l, minv);
    he_mont_final_subtract(r, m, l, sub);
    mp_limb_t *d = mpz_limbs_write(out, l);
    memcpy(d, r, (size_t)l * sizeof(mp_limb_t));
    mpz_limbs_finish(out, l);
    explicit_bzero(buf, total * sizeof(mp_limb_t));
    free(buf);
}

/// The Paillier plaintext term g = 1 + x n (l limbs out, zero-padded) for 0 <= x < n, n of hl limbs, with
/// fixed-length products and additions (2 hl >= l limbs of room are used internally).
static inline void he_paillier_plain_term(mp_limb_t *out, const __mpz_struct *x, const __mpz_struct *n,
                                          mp_size_t hl, mp_size_t l) {
    mp_size_t itch = mpn_sec_mul_itch(hl, hl);
    mp_size_t itch2 = mpn_sec_add_1_itch(2 * hl);
    if (itch2 > itch) itch = itch2;
    size_t total = (size_t)(4 * hl + itch);
    mp_limb_t *buf = (mp_limb_t *)malloc(total * sizeof(mp_limb_t));
    if (buf == NULL) abort();
    mp_limb_t *xp = buf, *np = xp + hl, *g = np + hl, *tp = g + 2 * hl;
    size_t xs = (size_t)(x->_mp_size < 0 ? -x->_mp_size : x->_mp_size);
    size_t ns = (size_t)(n->_mp_size < 0 ? -n->_mp_size : n->_mp_size);
    memset(xp, 0, 2 * (size_t)hl * sizeof(mp_limb_t));
    memcpy(xp, x->_mp_d, xs * sizeof(mp_limb_t));
    memcpy(np, n->_mp_d, ns * sizeof(mp_limb_t));
    mpn_sec_mul(g, xp, hl, np, hl, tp);
    (void)mpn_sec_add_1(g, g, 2 * hl, 1, tp);
    // x n + 1 <= (n - 1) n + 1 < n^2 < R: the limbs from l on are zero.
    memcpy(out, g, (size_t)l * sizeof(mp_limb_t));
    explicit_bzero(buf, total * sizeof(mp_limb_t));
    free(buf);
}

#endif
