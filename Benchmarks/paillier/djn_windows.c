/*
 * The constant-time DJN walk of the library (Sources/CGMPKernels/montgomery.c) step by step at one key size: the cost
 * of its parts (GMP's schoolbook product, the library's branch-free Karatsuba product, Montgomery reduction, the
 * variable-time product mpz_mul would use instead) and of a whole walk for window widths 4 to 8, alone and in a
 * batch of 8 exponents (rows outer, as the encryptor's batches run it), each checked against mpz_powm.
 *
 * Build and run (from the repository root):
 *   cc -O2 -I Sources/CGMPKernels/include -o djn_windows Benchmarks/paillier/djn_windows.c \
 *      Sources/CGMPKernels/montgomery.c -lgmp && ./djn_windows 3072
 * Times are the fastest of 5 batches, microseconds or milliseconds per call.
 */
#include "montgomery.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    unsigned bits = argc > 1 ? (unsigned)atoi(argv[1]) : 3072;
    if (bits < 512 || bits > 8192) { fprintf(stderr, "usage: %s [BITS]\n", argv[0]); return 2; }
    gmp_randstate_t st;
    gmp_randinit_default(st);
    gmp_randseed_ui(st, (unsigned long)time(NULL));
    mpz_t n, m, base, e, ref, x;
    mpz_inits(n, m, base, e, ref, x, NULL);
    mpz_urandomb(n, st, bits);
    mpz_setbit(n, bits - 1);
    mpz_setbit(n, 0);
    mpz_mul(m, n, n);
    mp_size_t l = (mp_size_t)mpz_size(m);
    const mp_limb_t *mp = mpz_limbs_read(m);
    mp_limb_t minv = he_mont_neg_inverse(mp[0]);
    mpz_urandomm(base, st, m);

    mp_limb_t *a = malloc(8 * l), *b = malloc(8 * l), *r = malloc(8 * l), *p = malloc(16 * l);
    mp_size_t itch = he_sec_mul_n_itch(l) > mpn_sec_mul_itch(l, l) ? he_sec_mul_n_itch(l) : mpn_sec_mul_itch(l, l);
    mp_limb_t *tp = malloc(8 * (itch + 1));
    mpn_random(a, l);
    mpn_random(b, l);
    mp_limb_t *saved = malloc(16 * l);
    mpn_sec_mul(saved, a, l, b, l, tp);
    int reps = 2000;
    he_sec_mul_n(p, a, b, l, tp);
    if (mpn_cmp(p, saved, 2 * l) != 0) { printf("he_sec_mul_n MISMATCH\n"); return 1; }
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    for (int k = 0; k < 5; k++) {
        double t0 = now();
        for (int i = 0; i < reps; i++) mpn_sec_mul(p, a, l, b, l, tp);
        double t1 = now();
        for (int i = 0; i < reps; i++) he_sec_mul_n(p, a, b, l, tp);
        double t2 = now();
        for (int i = 0; i < reps; i++) { memcpy(p, saved, 16 * l); he_mont_redc(r, p, mp, l, minv); }
        double t3 = now();
        for (int i = 0; i < reps; i++) mpn_mul_n(p, a, b, l);
        double t4 = now();
        double v[4] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
        for (int j = 0; j < 4; j++) if (v[j] < best[j]) best[j] = v[j];
    }
    printf("|n| = %u bits, n^2 = %ld limbs\n", bits, (long)l);
    printf("mpn_sec_mul (schoolbook)           %.2f us\n", best[0] / reps * 1e6);
    printf("he_sec_mul_n (branch-free Karatsuba) %.2f us\n", best[1] / reps * 1e6);
    printf("Montgomery reduction (+ copy)      %.2f us\n", best[2] / reps * 1e6);
    printf("mpn_mul_n (variable time)          %.2f us\n", best[3] / reps * 1e6);

    unsigned abits = bits / 2;
    for (unsigned w = 4; w <= 8; w++) {
        mp_size_t rows = (abits + w - 1) / w, entries = (mp_size_t)1 << w;
        mp_limb_t *tab = calloc((size_t)(rows * entries * l), 8);
        mpz_t rb, pw;
        mpz_init_set(rb, base);
        mpz_init(pw);
        for (mp_size_t i = 0; i < rows; i++) {
            mpz_set_ui(pw, 1);
            for (mp_size_t d = 0; d < entries; d++) {
                mpz_mul_2exp(x, pw, 64 * l);
                mpz_mod(x, x, m);
                mpz_export(tab + (i * entries + d) * l, NULL, -1, 8, 0, 0, x);
                mpz_mul(pw, pw, rb);
                mpz_mod(pw, pw, m);
            }
            for (unsigned k = 0; k < w; k++) { mpz_mul(rb, rb, rb); mpz_mod(rb, rb, m); }
        }
        mp_size_t ewords = (rows * w + 63) / 64 + 1, batch = 8;
        mp_limb_t *ew = calloc((size_t)(ewords * batch), 8);
        mpz_t es[8];
        for (int j = 0; j < batch; j++) {
            mpz_init(es[j]);
            mpz_urandomb(es[j], st, abits);
            mpz_export(ew + j * ewords, NULL, -1, 8, 0, 0, es[j]);
        }
        mp_limb_t *scratch = malloc(8 * he_fixed_base_scratch(l)), *acc = malloc(8 * l * batch), *one = calloc(l, 8);
        one[0] = 1;
        double single = 1e9, batched = 1e9;
        for (int k = 0; k < 5; k++) {
            double t0 = now();
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < batch; j++)
                    he_fixed_base_power(acc + j * l, 1, tab, 0, rows, w, ew + j * ewords, ewords, mp, l, minv, scratch);
            double t1 = now();
            for (int i = 0; i < 4; i++) he_fixed_base_power(acc, batch, tab, 0, rows, w, ew, ewords, mp, l, minv, scratch);
            double t2 = now();
            if ((t1 - t0) / (4 * batch) < single) single = (t1 - t0) / (4 * batch);
            if ((t2 - t1) / (4 * batch) < batched) batched = (t2 - t1) / (4 * batch);
        }
        for (int j = 0; j < batch; j++) {
            he_mont_multiply_out(x, one, acc + j * l, mp, l, minv);
            mpz_powm(ref, base, es[j], m);
            if (mpz_cmp(x, ref) != 0) { printf("window %u: MISMATCH\n", w); return 1; }
            mpz_clear(es[j]);
        }
        printf("window %u bits: %4ld rows, table %5.1f MB, walk %.2f ms alone, %.2f ms each in a batch of 8\n", w,
               (long)rows, (double)(rows * entries * l * 8) / 1e6, single * 1e3, batched * 1e3);
        free(tab); free(ew); free(scratch); free(acc); free(one);
        mpz_clears(rb, pw, NULL);
    }
    return 0;
}
