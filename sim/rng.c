#include "sprsim/rng.h"

#include <math.h>
#include <stdlib.h>

#include <Random123/gsl_microrng.h>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
/* the AVX2 and AVX-512 paths, compiled in their own functions (target attributes), each taken if the
 * processor has it */
#define SPR_RNG_HAVE_SIMD 1
#endif

/* Declares gsl_rng_spr_philox and spr_philox_reset(): a gsl_rng over
 * philox4x32 whose last counter word counts the draws of one stream. */
GSL_MICRORNG(spr_philox, philox4x32);

uint32_t spr_rng_threshold(double p)
{
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return UINT32_MAX; /* a word of UINT32_MAX itself is 2^-32 rare */
    /* p in [1 - 2^-33, 1) rounds to 2^32, one past the largest word: saturate
     * (a cast would wrap it to 0, and a near-certain event would never happen) */
    long long t = llround(p * 4294967296.0);
    return t > (long long)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

/* ---- many blocks at once ------------------------------------------------------------------------ */

static void blocks_scalar(spr_rng_key key, const uint32_t *ids, size_t n, uint32_t month, spr_stream_purpose purpose,
                          uint32_t index, uint32_t *words, size_t stride)
{
    for (size_t k = 0; k < n; k++) {
        uint32_t w[4];
        spr_rng_block(key, ids[k], month, purpose, index, w);
        for (int j = 0; j < 4; j++) words[(size_t)j * stride + k] = w[j];
    }
}

#ifdef SPR_RNG_HAVE_SIMD
/* hi and lo halves of the 32 x 32 -> 64-bit products a x m in eight lanes: vpmuludq multiplies the even
 * lanes, so the odd ones are shifted down for a second product and the halves blended back in place */
__attribute__((target("avx2"))) static inline void mulhilo8(__m256i a, __m256i m, __m256i *hi, __m256i *lo)
{
    const __m256i even = _mm256_mul_epu32(a, m);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

/* One Philox round on eight counters (x0..x3), with this round's key words broadcast in k0, k1. */
__attribute__((target("avx2"), always_inline)) static inline void round8(__m256i x[4], __m256i k0, __m256i k1,
                                                                          __m256i m0, __m256i m1)
{
    __m256i hi0, lo0, hi1, lo1;
    mulhilo8(x[0], m0, &hi0, &lo0);
    mulhilo8(x[2], m1, &hi1, &lo1);
    x[0] = _mm256_xor_si256(_mm256_xor_si256(hi1, x[1]), k0);
    x[1] = lo1;
    x[2] = _mm256_xor_si256(_mm256_xor_si256(hi0, x[3]), k1);
    x[3] = lo0;
}

/* What every counter of one call shares (the counters differ only in word 0, the id): the ten rounds'
 * keys, and what the first two rounds combine each counter's words with.  The other words are the same
 * in every lane, and so are half the products of those rounds: of round 0, the one from word 2; of round
 * 1, the one from word 0 (round 0 made it from words 1 and 2 and the key).  Those are worked out once for
 * the call, in scalar code that both vector paths broadcast, and only the products that differ by lane
 * in first_rounds8 and first_rounds16. */
enum { X2_XOR, X0_XOR, X2_THEN_XOR, X3, FIRST_ROUNDS_WORDS }; /* the first rounds' shared words */
typedef struct {
    uint32_t k0[10], k1[10];
    uint32_t first[FIRST_ROUNDS_WORDS];
} call_constants;

/* (inlined: called once per call of a vector path, whose loop then keeps its broadcasts in registers;
 * a call measured 6% slower) */
static inline __attribute__((always_inline)) call_constants call_constants_of(spr_rng_key key, uint32_t month,
                                                                             spr_stream_purpose purpose,
                                                                             uint32_t index)
{
    const philox4x32_ctr_t c = spr_rng_counter(key, 0, month, purpose, index);
    const philox4x32_key_t k = spr_rng_philox_key(key);
    call_constants cc;
    for (uint32_t r = 0; r < 10; r++) {
        cc.k0[r] = k.v[0] + r * PHILOX_W32_0;
        cc.k1[r] = k.v[1] + r * PHILOX_W32_1;
    }
    const uint64_t p = (uint64_t)PHILOX_M4x32_1 * c.v[2]; /* round 0, word 2's product */
    const uint32_t x0 = (uint32_t)(p >> 32) ^ c.v[1] ^ cc.k0[0], x1 = (uint32_t)p;
    const uint64_t q = (uint64_t)PHILOX_M4x32_0 * x0; /* round 1, word 0's product */
    cc.first[X2_XOR] = c.v[3] ^ cc.k1[0];
    cc.first[X0_XOR] = x1 ^ cc.k0[1];
    cc.first[X2_THEN_XOR] = (uint32_t)(q >> 32) ^ cc.k1[1];
    cc.first[X3] = (uint32_t)q;
    return cc;
}

/* The first two rounds of eight counters (the ids from ids[0]); f: the call's first[] broadcast. */
__attribute__((target("avx2"), always_inline)) static inline void first_rounds8(__m256i x[4], const uint32_t *ids,
                                                                                 const __m256i f[FIRST_ROUNDS_WORDS],
                                                                                 __m256i m0, __m256i m1)
{
    __m256i hi0, lo0, hi1, lo1;
    mulhilo8(_mm256_loadu_si256((const __m256i *)(const void *)ids), m0, &hi0, &lo0); /* round 0, word 0 */
    const __m256i x2 = _mm256_xor_si256(hi0, f[X2_XOR]); /* round 0's word 2; word 3 is lo0 */
    mulhilo8(x2, m1, &hi1, &lo1);                        /* round 1, word 2 */
    x[0] = _mm256_xor_si256(hi1, f[X0_XOR]);
    x[1] = lo1;
    x[2] = _mm256_xor_si256(lo0, f[X2_THEN_XOR]);
    x[3] = f[X3];
}

__attribute__((target("avx2"), always_inline)) static inline void store8(const __m256i x[4], uint32_t *words,
                                                                          size_t stride)
{
    for (int j = 0; j < 4; j++) _mm256_storeu_si256((__m256i *)(void *)(words + (size_t)j * stride), x[j]);
}

/* Philox4x32-10 (Random123's philox4x32_R: round, then bump the key and round nine more times) on
 * counters that differ only in word 0 (the id): sixteen at a time as two independent groups of eight,
 * whose rounds interleave (one group's ten rounds are a chain of dependent multiplies: alone it leaves
 * the multiplier idle half the time), then eight, then the rest one at a time.  The first two rounds
 * compute only the products that differ by lane (first_rounds8): 2 of the 20 eight-lane products saved,
 * about a tenth of the time a block takes (bench/README.md). */
__attribute__((target("avx2"))) static void blocks_avx2(spr_rng_key key, const uint32_t *ids, size_t n,
                                                        uint32_t month, spr_stream_purpose purpose, uint32_t index,
                                                        uint32_t *words, size_t stride)
{
    const call_constants cc = call_constants_of(key, month, purpose, index);
    __m256i k0[10], k1[10], f[FIRST_ROUNDS_WORDS];
    for (int r = 0; r < 10; r++) {
        k0[r] = _mm256_set1_epi32((int)cc.k0[r]);
        k1[r] = _mm256_set1_epi32((int)cc.k1[r]);
    }
    for (int j = 0; j < FIRST_ROUNDS_WORDS; j++) f[j] = _mm256_set1_epi32((int)cc.first[j]);
    const __m256i m0 = _mm256_set1_epi64x(PHILOX_M4x32_0), m1 = _mm256_set1_epi64x(PHILOX_M4x32_1);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256i a[4], b[4];
        first_rounds8(a, ids + i, f, m0, m1);
        first_rounds8(b, ids + i + 8, f, m0, m1);
        for (int r = 2; r < 10; r++) {
            round8(a, k0[r], k1[r], m0, m1);
            round8(b, k0[r], k1[r], m0, m1);
        }
        store8(a, words + i, stride);
        store8(b, words + i + 8, stride);
    }
    for (; i + 8 <= n; i += 8) {
        __m256i a[4];
        first_rounds8(a, ids + i, f, m0, m1);
        for (int r = 2; r < 10; r++) round8(a, k0[r], k1[r], m0, m1);
        store8(a, words + i, stride);
    }
    blocks_scalar(key, ids + i, n - i, month, purpose, index, words + i, stride);
}

/* ---- AVX-512: sixteen counters to an instruction -------------------------------------------------- */

/* hi and lo halves of the products a x m in sixteen lanes: as mulhilo8, but each half is put together
 * with one masked shuffle (the halves of a 64-bit product swap places within their pair of lanes), two
 * instructions where AVX2 takes four */
__attribute__((target("avx512f"))) static inline void mulhilo16(__m512i a, __m512i m, __m512i *hi, __m512i *lo)
{
    const __m512i even = _mm512_mul_epu32(a, m);
    const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
    *lo = _mm512_mask_shuffle_epi32(even, 0xAAAA, odd, _MM_PERM_CDAB);
    *hi = _mm512_mask_shuffle_epi32(odd, 0x5555, even, _MM_PERM_CDAB);
}

/* x ^ y ^ z in one instruction (truth table 0x96) */
__attribute__((target("avx512f"), always_inline)) static inline __m512i xor3(__m512i x, __m512i y, __m512i z)
{
    return _mm512_ternarylogic_epi32(x, y, z, 0x96);
}

/* One Philox round on sixteen counters (round8's). */
__attribute__((target("avx512f"), always_inline)) static inline void round16(__m512i x[4], __m512i k0, __m512i k1,
                                                                              __m512i m0, __m512i m1)
{
    __m512i hi0, lo0, hi1, lo1;
    mulhilo16(x[0], m0, &hi0, &lo0);
    mulhilo16(x[2], m1, &hi1, &lo1);
    x[0] = xor3(hi1, x[1], k0);
    x[1] = lo1;
    x[2] = xor3(hi0, x[3], k1);
    x[3] = lo0;
}

/* first_rounds8 on sixteen counters, the ids of the lanes in mask (the others are zeros, unused). */
__attribute__((target("avx512f"), always_inline)) static inline void
first_rounds16(__m512i x[4], const uint32_t *ids, __mmask16 mask, const __m512i f[FIRST_ROUNDS_WORDS], __m512i m0,
               __m512i m1)
{
    __m512i hi0, lo0, hi1, lo1;
    mulhilo16(_mm512_maskz_loadu_epi32(mask, ids), m0, &hi0, &lo0);
    const __m512i x2 = _mm512_xor_si512(hi0, f[X2_XOR]);
    mulhilo16(x2, m1, &hi1, &lo1);
    x[0] = _mm512_xor_si512(hi1, f[X0_XOR]);
    x[1] = lo1;
    x[2] = _mm512_xor_si512(lo0, f[X2_THEN_XOR]);
    x[3] = f[X3];
}

__attribute__((target("avx512f"), always_inline)) static inline void store16(const __m512i x[4], __mmask16 mask,
                                                                              uint32_t *words, size_t stride)
{
    for (int j = 0; j < 4; j++) _mm512_mask_storeu_epi32(words + (size_t)j * stride, mask, x[j]);
}

/* blocks_avx2 with sixteen lanes to an instruction: thirty-two counters at a time as two groups whose
 * rounds interleave, then sixteen, and the last fewer than sixteen with masked loads and stores (no
 * scalar tail).  A round takes twelve instructions for sixteen lanes where AVX2 takes eighteen for eight
 * (mulhilo16, xor3): 1.6 ns a block where AVX2 takes 3.4 on this machine (bench/README.md). */
__attribute__((target("avx512f"))) static void blocks_avx512(spr_rng_key key, const uint32_t *ids, size_t n,
                                                            uint32_t month, spr_stream_purpose purpose,
                                                            uint32_t index, uint32_t *words, size_t stride)
{
    const call_constants cc = call_constants_of(key, month, purpose, index);
    __m512i k0[10], k1[10], f[FIRST_ROUNDS_WORDS];
    for (int r = 0; r < 10; r++) {
        k0[r] = _mm512_set1_epi32((int)cc.k0[r]);
        k1[r] = _mm512_set1_epi32((int)cc.k1[r]);
    }
    for (int j = 0; j < FIRST_ROUNDS_WORDS; j++) f[j] = _mm512_set1_epi32((int)cc.first[j]);
    const __m512i m0 = _mm512_set1_epi64(PHILOX_M4x32_0), m1 = _mm512_set1_epi64(PHILOX_M4x32_1);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512i a[4], b[4];
        first_rounds16(a, ids + i, 0xFFFF, f, m0, m1);
        first_rounds16(b, ids + i + 16, 0xFFFF, f, m0, m1);
        for (int r = 2; r < 10; r++) {
            round16(a, k0[r], k1[r], m0, m1);
            round16(b, k0[r], k1[r], m0, m1);
        }
        store16(a, 0xFFFF, words + i, stride);
        store16(b, 0xFFFF, words + i + 16, stride);
    }
    for (; i < n; i += 16) {
        const __mmask16 mask = n - i >= 16 ? 0xFFFF : (__mmask16)((1u << (n - i)) - 1u);
        __m512i a[4];
        first_rounds16(a, ids + i, mask, f, m0, m1);
        for (int r = 2; r < 10; r++) round16(a, k0[r], k1[r], m0, m1);
        store16(a, mask, words + i, stride);
    }
}
#endif

int spr_rng_path_available(spr_rng_path path)
{
    switch (path) {
    case SPR_RNG_PATH_SCALAR:
        return 1;
    case SPR_RNG_PATH_AVX2:
#ifdef SPR_RNG_HAVE_SIMD
        return __builtin_cpu_supports("avx2");
#else
        return 0;
#endif
    case SPR_RNG_PATH_AVX512:
#ifdef SPR_RNG_HAVE_SIMD
        return __builtin_cpu_supports("avx512f");
#else
        return 0;
#endif
    default:
        return 0;
    }
}

int spr_rng_blocks_by(spr_rng_path path, spr_rng_key key, const uint32_t *ids, size_t n, uint32_t month,
                      spr_stream_purpose purpose, uint32_t index, uint32_t *words, size_t stride)
{
    if (!spr_rng_path_available(path)) return SPR_ERR_USAGE;
#ifdef SPR_RNG_HAVE_SIMD
    if (path == SPR_RNG_PATH_AVX2) {
        blocks_avx2(key, ids, n, month, purpose, index, words, stride);
        return SPR_OK;
    }
    if (path == SPR_RNG_PATH_AVX512) {
        blocks_avx512(key, ids, n, month, purpose, index, words, stride);
        return SPR_OK;
    }
#endif
    blocks_scalar(key, ids, n, month, purpose, index, words, stride);
    return SPR_OK;
}

void spr_rng_blocks(spr_rng_key key, const uint32_t *ids, size_t n, uint32_t month, spr_stream_purpose purpose,
                    uint32_t index, uint32_t *words, size_t stride)
{
    const spr_rng_path path = spr_rng_path_available(SPR_RNG_PATH_AVX512) ? SPR_RNG_PATH_AVX512
                              : spr_rng_path_available(SPR_RNG_PATH_AVX2) ? SPR_RNG_PATH_AVX2
                                                                         : SPR_RNG_PATH_SCALAR;
    spr_rng_blocks_by(path, key, ids, n, month, purpose, index, words, stride);
}

/* ---- a gsl_rng over one stream ------------------------------------------------------------------- */

struct spr_stream {
    gsl_rng *rng;
};

spr_stream *spr_stream_create(void)
{
    spr_stream *s = malloc(sizeof *s);
    if (s == NULL) return NULL;
    s->rng = gsl_rng_alloc(gsl_rng_spr_philox);
    if (s->rng == NULL) {
        free(s);
        return NULL;
    }
    spr_stream_reset(s, (spr_rng_key){0, 0}, 0, 0, SPR_STREAM_TEST);
    return s;
}

void spr_stream_destroy(spr_stream *s)
{
    if (s == NULL) return;
    gsl_rng_free(s->rng);
    free(s);
}

void spr_stream_reset(spr_stream *s, spr_rng_key key, uint32_t id, uint32_t month, spr_stream_purpose purpose)
{
    spr_philox_reset(s->rng, spr_rng_counter(key, id, month, purpose, 0), spr_rng_philox_key(key));
}

gsl_rng *spr_stream_gsl(spr_stream *s) { return s->rng; }
