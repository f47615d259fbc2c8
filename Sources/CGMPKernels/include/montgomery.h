// Side-channel-silent Montgomery arithmetic and fixed-base exponentiation for the Paillier encryptor, on
// GMP's low-level functions. Every loop count, branch and memory address below depends only on the sizes
// (limb counts, window width, number of rows, batch size), never on the values: products use `mpn_sec_mul`
// under a branch-free Karatsuba split (`he_sec_mul_n`), table reads use `mpn_sec_tabselect` (which reads every
// entry), reductions use `mpn_addmul_1`/`mpn_add_n` and conditional subtraction with `mpn_cnd_sub_n`. GMP documents
// these as running in time and with memory accesses that depend only on the operand sizes.
//
// Notation: m is an odd modulus of exactly l limbs (top limb non-zero), R = 2^(64 l). "Montgomery form" of x is
// x R mod m. Values called "almost reduced" are below R but possibly above m.
#ifndef HE_TOOLKIT_CGMPKERNELS_MONTGOMERY_H
#define HE_TOOLKIT_CGMPKERNELS_MONTGOMERY_H

#include <gmp.h>

/// -m^-1 mod 2^64 for an odd limb m0 (Newton iteration; each step doubles the correct low bits, starting from
/// 3 bits since m0 m0 = 1 mod 8).
mp_limb_t he_mont_neg_inverse(mp_limb_t m0);

/// Scratch limbs needed by `he_sec_mul_n` for n-limb operands.
mp_size_t he_sec_mul_n_itch(mp_size_t n);

/// rp (2n limbs, not overlapping a or b) = a b for n-limb a and b, in time and with memory accesses that depend
/// on n only. Karatsuba: with a = a1 B + a0, b = b1 B + b0 (B = 2^(64 n/2)), the middle coefficient
/// a0 b1 + a1 b0 = a0 b0 + a1 b1 - s |a0 - a1| |b0 - b1|, where s = +1 when a0 - a1 and b0 - b1 have the same
/// sign and -1 otherwise. Both differences are computed in both orders and the non-negative one kept with
/// `mpn_cnd_swap`; the sign decides, through `mpn_cnd_add_n` and `mpn_cnd_sub_n` (one of which adds or subtracts
/// zero), how the third product enters. Every addition is an `mpn_cnd_*` call (condition 1 where it always
/// applies) and the carry out of the middle is spread with `mpn_sec_add_1`, so no branch or address depends on a
/// carry. Three half-size products replace one: at |n| = 3072 bits (96 limbs, two levels) about 0.65 the time
/// of one `mpn_sec_mul` (docs/BENCHMARKS.md). tp: `he_sec_mul_n_itch(n)` limbs.
void he_sec_mul_n(mp_limb_t *rp, const mp_limb_t *a, const mp_limb_t *b, mp_size_t n,
                  mp_limb_t *tp);

/// Montgomery reduction. t has 2l limbs with t < R^2 and is destroyed; rp (l limbs, may not overlap t) receives
/// a value below R congruent to t R^-1 mod m. With t < R m the value before the final step is below 2m.
void he_mont_redc(mp_limb_t *rp, mp_limb_t *t, const mp_limb_t *m, mp_size_t l, mp_limb_t minv);

/// rp = a b R^-1 mod m, almost reduced (below R), for a, b below R; l limbs each; rp may not overlap a or b.
void he_mont_multiply_almost(mp_limb_t *rp, const mp_limb_t *a, const mp_limb_t *b,
                             const mp_limb_t *m, mp_size_t l, mp_limb_t minv);

/// Scratch limbs needed by `he_fixed_base_power`.
mp_size_t he_fixed_base_scratch(mp_size_t l);

/// Fixed-base exponentiation for a batch of k >= 1 exponents over the table rows first ... first + count - 1
/// (count >= 1): acc + j l (l limbs, j = 0 ... k - 1) = base^(sum of those rows' digits of exponent j, at their
/// weights) R mod m, almost reduced. The table holds rows of 2^w entries of l limbs each, entry d of row i being
/// base^(d 2^(w i)) R mod m (entry 0 = R mod m). For every row and every exponent, whatever its digit, one entry
/// is selected with `mpn_sec_tabselect` (which reads the whole row) and multiplied in. The rows are the outer
/// loop, so each row comes from memory once per batch and is scanned k times from cache (the table, 12.6 MB at
/// |n| = 3072, is far larger than a core's cache). Exponent j starts at e + j e_stride and holds its bits up to
/// the last row plus one limb of padding (see `he_exponent_digit`). scratch: `he_fixed_base_scratch(l)`. All rows
/// at once give base^e R mod m; two row ranges can run on two threads and be combined with one Montgomery
/// product.
void he_fixed_base_power(mp_limb_t *acc, mp_size_t k, const mp_limb_t *table, mp_size_t first,
                         mp_size_t count, unsigned w, const mp_limb_t *e, mp_size_t e_stride,
                         const mp_limb_t *m, mp_size_t l, mp_limb_t minv, mp_limb_t *scratch);

/// x R mod m in Montgomery form for 0 <= x < m (at most l limbs), with `mpn_sec_div_r`; out has l limbs.
void he_to_montgomery(mp_limb_t *out, const __mpz_struct *x, const mp_limb_t *m, mp_size_t l);

/// out = a rho mod m, fully reduced, for a (l limbs, a < m) and rho in Montgomery form (l limbs, almost
/// reduced): one Montgomery product, which removes the factor R, and one conditional subtraction. `out` is an
/// initialised mpz; its normalised size reveals only the leading zero limbs of the result (a ciphertext).
void he_mont_multiply_out(__mpz_struct *out, const mp_limb_t *a, const mp_limb_t *rho,
                          const mp_limb_t *m, mp_size_t l, mp_limb_t minv);

/// The Paillier plaintext term g = 1 + x n (l limbs out, zero-padded) for 0 <= x < n, n of hl limbs, with
/// fixed-length products and additions (2 hl >= l limbs of room are used internally).
void he_paillier_plain_term(mp_limb_t *out, const __mpz_struct *x, const __mpz_struct *n,
                            mp_size_t hl, mp_size_t l);

#endif
