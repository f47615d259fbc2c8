// NTL-backed negacyclic polynomial multiplication: an independent oracle for tests and benchmarks.
#include "CNTLOracle.h"

#include <NTL/ZZ_pX.h>
#include <NTL/lzz_pX.h>

#include <time.h>

namespace {

// Both zz_p and ZZ_p keep their modulus in thread-local state; each call installs its own.

template <typename Poly, typename Elem>
void reduceNegacyclic(Poly &product, Poly &out, long n) {
    // X^n = -1: coefficient i + n folds into i with a sign change.
    out.SetLength(n);
    for (long i = 0; i < n; i++) {
        Elem low = NTL::coeff(product, i);
        Elem high = NTL::coeff(product, i + n);
        NTL::SetCoeff(out, i, low - high);
    }
    out.normalize();
}

bool fitsSmall(uint64_t q) { return q < (uint64_t(1) << (NTL_SP_NBITS)); }

// Loads n word coefficients (already reduced) into a zz_pX under the current zz_p modulus.
void loadSmall(NTL::zz_pX &x, const uint64_t *a, long n) {
    x.SetLength(n);
    for (long i = 0; i < n; i++) x[i] = long(a[i]);
    x.normalize();
}

}  // namespace

extern "C" int cntl_negacyclic_multiply(const uint64_t *a, const uint64_t *b, uint64_t *out, long n, uint64_t q) {
    if (q < 2) return -1;
    if (fitsSmall(q)) {
        NTL::zz_pPush push{long(q)};
        NTL::zz_pX x, y, p, r;
        loadSmall(x, a, n);
        loadSmall(y, b, n);
        NTL::mul(p, x, y);
        reduceNegacyclic<NTL::zz_pX, NTL::zz_p>(p, r, n);
        for (long i = 0; i < n; i++) out[i] = uint64_t(NTL::rep(NTL::coeff(r, i)));
        return 0;
    }
    NTL::ZZ_pPush push{NTL::conv<NTL::ZZ>((unsigned long)q)};
    NTL::ZZ_pX x, y, p, r;
    x.SetLength(n);
    y.SetLength(n);
    for (long i = 0; i < n; i++) {
        x[i] = NTL::conv<NTL::ZZ_p>(NTL::conv<NTL::ZZ>((unsigned long)a[i]));
        y[i] = NTL::conv<NTL::ZZ_p>(NTL::conv<NTL::ZZ>((unsigned long)b[i]));
    }
    x.normalize();
    y.normalize();
    NTL::mul(p, x, y);
    reduceNegacyclic<NTL::ZZ_pX, NTL::ZZ_p>(p, r, n);
    for (long i = 0; i < n; i++) {
        unsigned long v = 0;
        NTL::conv(v, NTL::rep(NTL::coeff(r, i)));
        out[i] = v;
    }
    return 0;
}

extern "C" double cntl_time_negacyclic_multiply(const uint64_t *a, const uint64_t *b, long n, uint64_t q,
                                                long iterations) {
    if (q < 2 || !fitsSmall(q) || iterations < 1) return -1.0;
    NTL::zz_pPush push{long(q)};
    NTL::zz_pX x, y, p, r;
    loadSmall(x, a, n);
    loadSmall(y, b, n);
    timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (long k = 0; k < iterations; k++) {
        NTL::mul(p, x, y);
        reduceNegacyclic<NTL::zz_pX, NTL::zz_p>(p, r, n);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    double ns = double(t1.tv_sec - t0.tv_sec) * 1e9 + double(t1.tv_nsec - t0.tv_nsec);
    return ns / double(iterations);
}
