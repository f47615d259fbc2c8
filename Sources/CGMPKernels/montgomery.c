// Definitions of the kernels declared in include/montgomery.h (documentation there). A C target of its own, so
// that SwiftPM rebuilds what depends on it when this file changes.
#include "montgomery.h"

#include <stdlib.h>
#include <string.h>

mp_limb_t he_mont_neg_inverse(mp_limb_t m0) {
    mp_limb_t x = m0;
    for (int i = 0; i < 5; i++) x *= 2 - m0 * x;
    return (mp_limb_t)0 - x;
}

/// Operands of at least this many limbs (and of even length) are split by `he_sec_mul_n`; below it GMP's
/// schoolbook `mpn_sec_mul` is as fast as another level (Benchmarks/paillier/djn_windows.c).
#define HE_SEC_KARATSUBA_LIMBS 32

mp_size_t he_sec_mul_n_itch(mp_size_t n) {
    if (n < HE_SEC_KARATSUBA_LIMBS || (n & 1)) return mpn_sec_mul_itch(n, n);
    mp_size_t h = n / 2;
    mp_size_t below = he_sec_mul_n_itch(h);
    mp_size_t combine = 2 * h + 1 + mpn_sec_add_1_itch(h - 1);
    return 5 * h + (below > combine ? below : combine);
}

void he_sec_mul_n(mp_limb_t *rp, const mp_limb_t *a, const mp_limb_t *b, mp_size_t n,
                  mp_limb_t *tp) {
    if (n < HE_SEC_KARATSUBA_LIMBS || (n & 1)) {
        mpn_sec_mul(rp, a, n, b, n, tp);
        return;
    }
    mp_size_t h = n / 2;
    mp_limb_t *da = tp, *db = da + h, *other = db + h, *p = other + h, *next = p + 2 * h;
    // da = |a0 - a1| with borrow_a = [a0 < a1]; likewise for b.
    mp_limb_t borrow_a = mpn_cnd_sub_n(1, da, a, a + h, h);
    (void)mpn_cnd_sub_n(1, other, a + h, a, h);
    mpn_cnd_swap(borrow_a, da, other, h);
    mp_limb_t borrow_b = mpn_cnd_sub_n(1, db, b, b + h, h);
    (void)mpn_cnd_sub_n(1, other, b + h, b, h);
    mpn_cnd_swap(borrow_b, db, other, h);
    he_sec_mul_n(p, da, db, h, next);
    he_sec_mul_n(rp, a, b, h, next);                 // a0 b0 in limbs 0 ... 2h - 1
    he_sec_mul_n(rp + 2 * h, a + h, b + h, h, next); // a1 b1 in limbs 2h ... 4h - 1
    // mid = a0 b0 + a1 b1 -/+ p: the true middle coefficient, below 2 B^2, so 2h + 1 limbs hold it.
    mp_limb_t *mid = next, *add_scratch = next + 2 * h + 1;
    mid[2 * h] = mpn_cnd_add_n(1, mid, rp, rp + 2 * h, 2 * h);
    mp_limb_t opposite = borrow_a ^ borrow_b;
    mp_limb_t carry = mpn_cnd_add_n(opposite, mid, mid, p, 2 * h);
    mp_limb_t borrow = mpn_cnd_sub_n(opposite ^ 1, mid, mid, p, 2 * h);
    mid[2 * h] = mid[2 * h] + carry - borrow;
    // rp += mid B: limbs h ... 3h, then the carry through limbs 3h + 1 ... 4h - 1 (the product fits 4h limbs).
    carry = mpn_cnd_add_n(1, rp + h, rp + h, mid, 2 * h + 1);
    (void)mpn_sec_add_1(rp + 3 * h + 1, rp + 3 * h + 1, h - 1, carry, add_scratch);
}

void he_mont_redc(mp_limb_t *rp, mp_limb_t *t, const mp_limb_t *m, mp_size_t l, mp_limb_t minv) {
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
static void he_mont_final_subtract(mp_limb_t *rp, const mp_limb_t *m, mp_size_t l, mp_limb_t *tp) {
    mp_limb_t borrow = mpn_sub_n(tp, rp, m, l);
    mpn_cnd_swap(borrow ^ 1, rp, tp, l);
}

void he_mont_multiply_almost(mp_limb_t *rp, const mp_limb_t *a, const mp_limb_t *b,
                             const mp_limb_t *m, mp_size_t l, mp_limb_t minv) {
    mp_size_t itch = he_sec_mul_n_itch(l);
    mp_limb_t *buf = (mp_limb_t *)malloc((size_t)(2 * l + itch + 1) * sizeof(mp_limb_t));
    if (buf == NULL) abort();
    he_sec_mul_n(buf, a, b, l, buf + 2 * l);
    he_mont_redc(rp, buf, m, l, minv);
    explicit_bzero(buf, (size_t)(2 * l + itch + 1) * sizeof(mp_limb_t));
    free(buf);
}

mp_size_t he_fixed_base_scratch(mp_size_t l) {
    return 3 * l + he_sec_mul_n_itch(l);
}

/// Window digit `row` (bits row w ... row w + w - 1) of the little-endian exponent e. The word indices depend on
/// row and w only; e must have a readable limb past the last one that contains exponent bits.
static mp_limb_t he_exponent_digit(const mp_limb_t *e, mp_size_t row, unsigned w) {
    size_t bit = (size_t)row * w;
    size_t word = bit / 64, shift = bit % 64;
    mp_limb_t low = e[word] >> shift;
    // (x << 1) << (63 - shift) is x << (64 - shift) without the undefined shift by 64 when shift == 0.
    mp_limb_t high = (e[word + 1] << 1) << (63 - shift);
    return (low | high) & (((mp_limb_t)1 << w) - 1);
}

void he_fixed_base_power(mp_limb_t *acc, mp_size_t k, const mp_limb_t *table, mp_size_t first,
                         mp_size_t count, unsigned w, const mp_limb_t *e, mp_size_t e_stride,
                         const mp_limb_t *m, mp_size_t l, mp_limb_t minv, mp_limb_t *scratch) {
    mp_size_t entries = (mp_size_t)1 << w;
    mp_size_t stride = entries * l;
    mp_limb_t *sel = scratch, *prod = sel + l, *tp = prod + 2 * l;
    for (mp_size_t j = 0; j < k; j++) {
        mpn_sec_tabselect(acc + j * l, table + first * stride, l, entries,
                          (mp_size_t)he_exponent_digit(e + j * e_stride, first, w));
    }
    for (mp_size_t row = first + 1; row < first + count; row++) {
        for (mp_size_t j = 0; j < k; j++) {
            mpn_sec_tabselect(sel, table + row * stride, l, entries,
                              (mp_size_t)he_exponent_digit(e + j * e_stride, row, w));
            he_sec_mul_n(prod, acc + j * l, sel, l, tp);
            he_mont_redc(acc + j * l, prod, m, l, minv);
        }
    }
}

void he_to_montgomery(mp_limb_t *out, const __mpz_struct *x, const mp_limb_t *m, mp_size_t l) {
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

void he_mont_multiply_out(__mpz_struct *out, const mp_limb_t *a, const mp_limb_t *rho,
                          const mp_limb_t *m, mp_size_t l, mp_limb_t minv) {
    mp_size_t itch = he_sec_mul_n_itch(l);
    size_t total = (size_t)(4 * l + itch);
    mp_limb_t *buf = (mp_limb_t *)malloc(total * sizeof(mp_limb_t));
    if (buf == NULL) abort();
    mp_limb_t *prod = buf, *r = buf + 2 * l, *sub = r + l, *tp = sub + l;
    he_sec_mul_n(prod, a, rho, l, tp);
    // a rho_M < m R, so the reduction leaves a value below 2m.
    he_mont_redc(r, prod, m, l, minv);
    he_mont_final_subtract(r, m, l, sub);
    mp_limb_t *d = mpz_limbs_write(out, l);
    memcpy(d, r, (size_t)l * sizeof(mp_limb_t));
    mpz_limbs_finish(out, l);
    explicit_bzero(buf, total * sizeof(mp_limb_t));
    free(buf);
}

void he_paillier_plain_term(mp_limb_t *out, const __mpz_struct *x, const __mpz_struct *n,
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
