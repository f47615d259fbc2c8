// Thin wrappers that make htslib's VCF/BCF macros callable from Swift. No logic lives here.
#ifndef HE_TOOLKIT_CHTSLIB_SHIM_H
#define HE_TOOLKIT_CHTSLIB_SHIM_H

#include <stdint.h>
#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/vcf.h>

/// Number of samples declared in the header (`bcf_hdr_nsamples`).
static inline int he_bcf_hdr_nsamples(const bcf_hdr_t *hdr) { return bcf_hdr_nsamples(hdr); }

/// Name of the sample at `index` in the header.
static inline const char *he_bcf_hdr_sample_name(const bcf_hdr_t *hdr, int index) { return hdr->samples[index]; }

/// Contig name of a record's `rid` (`bcf_hdr_id2name`).
static inline const char *he_bcf_hdr_id2name(const bcf_hdr_t *hdr, int rid) { return bcf_hdr_id2name(hdr, rid); }

/// Copies the GT field of `rec` into `*dst` (grown by htslib when too small; `*ndst` is its capacity).
/// Returns the number of values written, -1 when GT is not in the header, -3 when the record has no GT.
static inline int he_bcf_get_genotypes(const bcf_hdr_t *hdr, bcf1_t *rec, int32_t **dst, int *ndst) {
    return bcf_get_genotypes(hdr, rec, dst, ndst);
}

/// 0-based allele index of an encoded GT value; -1 for a missing allele (`bcf_gt_allele`).
static inline int32_t he_bcf_gt_allele(int32_t value) { return bcf_gt_allele(value); }
/// Whether an encoded GT value is a missing allele (`bcf_gt_is_missing`).
static inline int he_bcf_gt_is_missing(int32_t value) { return bcf_gt_is_missing(value); }

/// Padding value for samples of lower ploidy than the record's maximum.
static inline int32_t he_bcf_int32_vector_end(void) { return bcf_int32_vector_end; }
/// Missing value for a whole integer FORMAT entry.
static inline int32_t he_bcf_int32_missing(void) { return bcf_int32_missing; }

/// `bcf_unpack` levels.
static inline int he_bcf_unpack_str(void) { return BCF_UN_STR; }
static inline int he_bcf_unpack_fmt(void) { return BCF_UN_FMT; }

/// Whether a BGZF-compressed file ends with the BGZF end-of-file block: 1 yes, 0 no (truncated), 2 cannot tell
/// (not seekable, e.g. a pipe), -1 error (`bgzf_check_EOF` on the file's BGZF stream; -1 also when not BGZF).
static inline int he_hts_bgzf_check_eof(htsFile *fp) {
    return fp->is_bgzf ? bgzf_check_EOF(fp->fp.bgzf) : -1;
}

/// Allele `index` of an unpacked record (`rec->d.allele[index]`).
static inline const char *he_bcf_allele(const bcf1_t *rec, int index) { return rec->d.allele[index]; }

/// The ID column of an unpacked record (`rec->d.id`; "." when missing).
static inline const char *he_bcf_id(const bcf1_t *rec) { return rec->d.id; }

#endif
