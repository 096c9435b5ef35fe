/* Philox known-answer tests (Random123 kat_vectors) through sprsim's
 * counter layout, the gsl_rng adapter, and basic properties. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>

#include <gsl/gsl_randist.h>

#include "check.h"
#include "sprsim/rng.h"

static void kat(uint64_t seed, uint32_t id, uint32_t month, uint32_t word2, uint32_t index, const uint32_t expect[4])
{
    uint32_t out[4];
    spr_rng_key key = {seed, word2 >> 8};
    spr_rng_block(key, id, month, (spr_stream_purpose)(word2 & 0xff), index, out);
    for (int i = 0; i < 4; i++)
        CHECK(out[i] == expect[i], "word %d: got %08x, expected %08x", i, out[i], expect[i]);
}

/* The batched blocks (spr_rng_blocks) by one path: the three known answers, then lane by lane against
 * spr_rng_block for many counters and every length up to 40 and more (tails shorter than 8 and 16 lanes
 * included), a stride wider than n, and the purposes and indexes of the monthly step. */
static void blocks_path(spr_rng_path path)
{
    const uint32_t kat_ids[3] = {0, 0xffffffff, 0x243f6a88};
    const spr_rng_key kat_keys[3] = {{0, 0}, {UINT64_MAX, 0xffffffu}, {((uint64_t)0x299f31d0 << 32) | 0xa4093822, 0x13198a2e >> 8}};
    const uint32_t kat_month[3] = {0, 0xffffffff, 0x85a308d3}, kat_word2[3] = {0, 0xffffffff, 0x13198a2e};
    const uint32_t kat_index[3] = {0, 0xffffffff, 0x03707344};
    const uint32_t expect[3][4] = {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                                   {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                                   {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
    for (int v = 0; v < 3; v++) {
        /* 33 copies of the id: every path's widest loop (two interleaved groups of eight or of sixteen
         * lanes) and a tail of one */
        enum { COPIES = 33 };
        uint32_t ids[COPIES], words[4 * COPIES];
        for (int k = 0; k < COPIES; k++) ids[k] = kat_ids[v];
        CHECK(spr_rng_blocks_by(path, kat_keys[v], ids, COPIES, kat_month[v], (spr_stream_purpose)(kat_word2[v] & 0xff),
                                kat_index[v], words, COPIES) == SPR_OK, "path %d refused", (int)path);
        for (int k = 0; k < COPIES; k++)
            for (int j = 0; j < 4; j++)
                CHECK(words[j * COPIES + k] == expect[v][j],
                      "path %d, known answer %d, lane %d word %d: %08x, expected %08x", (int)path, v, k, j,
                      words[j * COPIES + k], expect[v][j]);
    }
    enum { N = 203, STRIDE = 211 };
    uint32_t ids[N], words[4 * STRIDE];
    for (int k = 0; k < N; k++) ids[k] = (uint32_t)k * 2654435761u ^ (uint32_t)(k >> 3); /* spread, some high bits set */
    const spr_rng_key keys[2] = {{20261126, 3}, {UINT64_MAX - 5, (1u << 24) - 1}};
    const spr_stream_purpose purposes[3] = {SPR_STREAM_MONTH_HEALTH, SPR_STREAM_MONTH_SOCIAL, SPR_STREAM_PROGRAMME};
    int mismatches = 0, cases = 0;
    for (int kk = 0; kk < 2; kk++)
        for (int pp = 0; pp < 3; pp++)
            for (uint32_t index = 0; index < 3; index++)
                for (size_t n = 0; n <= N; n += (n < 40 ? 1 : 27)) {
                    const uint32_t month = 359u + (uint32_t)n;
                    for (size_t q = 0; q < 4 * STRIDE; q++) words[q] = 0xdeadbeef;
                    spr_rng_blocks_by(path, keys[kk], ids, n, month, purposes[pp], index, words, STRIDE);
                    for (size_t k = 0; k < n; k++) {
                        uint32_t w[4];
                        spr_rng_block(keys[kk], ids[k], month, purposes[pp], index, w);
                        for (int j = 0; j < 4; j++) mismatches += words[(size_t)j * STRIDE + k] != w[j];
                    }
                    /* nothing written beyond n in any word's row */
                    for (int j = 0; j < 4; j++)
                        for (size_t k = n; k < STRIDE; k++) mismatches += words[(size_t)j * STRIDE + k] != 0xdeadbeef;
                    cases++;
                }
    CHECK(mismatches == 0, "path %d: %d words differ from spr_rng_block in %d cases", (int)path, mismatches, cases);
}

int main(void)
{
    /* philox4x32-10 known answers: counter {0,0,0,0} key {0,0}; all ones; digits of pi */
    kat(0, 0, 0, 0, 0, (const uint32_t[]){0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
    kat(UINT64_MAX, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
        (const uint32_t[]){0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
    kat(((uint64_t)0x299f31d0 << 32) | 0xa4093822, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344,
        (const uint32_t[]){0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});

    /* every path of the batched blocks this build and processor can take gives the scalar numbers;
     * the scalar one always exists, and on x86-64 with AVX2 or AVX-512 (this machine has both) the vector ones
     * must be taken */
    CHECK(spr_rng_path_available(SPR_RNG_PATH_SCALAR), "no scalar path");
    int paths = 0;
    for (int path = 0; path < SPR_RNG_PATHS; path++)
        if (spr_rng_path_available((spr_rng_path)path)) {
            blocks_path((spr_rng_path)path);
            paths++;
        } else {
            uint32_t id = 1, words[4];
            CHECK(spr_rng_blocks_by((spr_rng_path)path, (spr_rng_key){1, 1}, &id, 1, 0, SPR_STREAM_TEST, 0, words, 1) ==
                      SPR_ERR_USAGE, "path %d unavailable but not refused", path);
            printf("path %d not available here: not tested\n", path);
        }
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) CHECK(spr_rng_path_available(SPR_RNG_PATH_AVX2), "AVX2 processor, no AVX2 path");
    if (__builtin_cpu_supports("avx512f"))
        CHECK(spr_rng_path_available(SPR_RNG_PATH_AVX512), "AVX-512 processor, no AVX-512 path");
#endif
    /* the dispatching entry point, on a length that is not a multiple of the lanes */
    {
        uint32_t ids[13], words[4 * 13];
        for (int k = 0; k < 13; k++) ids[k] = 1000u + 7u * (uint32_t)k;
        spr_rng_blocks((spr_rng_key){99, 1}, ids, 13, 5, SPR_STREAM_MONTH_HEALTH, 0, words, 13);
        int bad = 0;
        for (int k = 0; k < 13; k++) {
            uint32_t w[4];
            spr_rng_block((spr_rng_key){99, 1}, ids[k], 5, SPR_STREAM_MONTH_HEALTH, 0, w);
            for (int j = 0; j < 4; j++) bad += words[j * 13 + k] != w[j];
        }
        CHECK(bad == 0, "spr_rng_blocks: %d words differ", bad);
    }
    printf("batched Philox paths tested: %d\n", paths);

    /* the gsl_rng adapter draws the same Philox blocks, index 0, 1, ... */
    spr_stream *s = spr_stream_create();
    gsl_rng *g = spr_stream_gsl(s);
    spr_rng_key key = {12345, 7};
    spr_stream_reset(s, key, 42, 3, SPR_STREAM_TEST);
    for (uint32_t index = 0; index < 3; index++) {
        uint32_t blk[4];
        spr_rng_block(key, 42, 3, SPR_STREAM_TEST, index, blk);
        for (int k = 3; k >= 0; k--) {
            unsigned long v = gsl_rng_get(g);
            CHECK(v == blk[k], "adapter draw %u/%d: %lx vs %x", index, k, v, blk[k]);
        }
    }
    /* a reset replays the stream exactly */
    spr_stream_reset(s, key, 42, 3, SPR_STREAM_TEST);
    double a = gsl_ran_gaussian(g, 1.0);
    spr_stream_reset(s, key, 42, 3, SPR_STREAM_TEST);
    CHECK(gsl_ran_gaussian(g, 1.0) == a, "replay differs");

    /* different purposes, ids, months and replicates give different words */
    uint32_t b1[4], b2[4], b3[4], b4[4];
    spr_rng_block(key, 1, 1, SPR_STREAM_MONTH_HEALTH, 0, b1);
    spr_rng_block(key, 1, 1, SPR_STREAM_MONTH_SOCIAL, 0, b2);
    spr_rng_block(key, 2, 1, SPR_STREAM_MONTH_HEALTH, 0, b3);
    spr_rng_block((spr_rng_key){12345, 8}, 1, 1, SPR_STREAM_MONTH_HEALTH, 0, b4);
    CHECK(b1[0] != b2[0] && b1[0] != b3[0] && b1[0] != b4[0], "streams collide");

    /* uniforms: mean 1/2 and variance 1/12 within 5 standard errors (n = 200000) */
    spr_stream_reset(s, key, 9, 9, SPR_STREAM_TEST);
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(g);
        sum += u;
        sum2 += u * u;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / n), "mean %g", mean);
    CHECK(fabs(var - 1.0 / 12) < 5 * sqrt(1.0 / 180 / n), "variance %g", var);

    /* Poisson draws through GSL: mean within 5 SE */
    double ps = 0;
    for (int i = 0; i < 20000; i++) ps += gsl_ran_poisson(g, 3.5);
    CHECK(fabs(ps / 20000 - 3.5) < 5 * sqrt(3.5 / 20000), "poisson mean %g", ps / 20000);

    /* thresholds: exact at the ends, and P(word < threshold(p)) = p to 2^-32 */
    CHECK(spr_rng_threshold(0.0) == 0, "p = 0");
    CHECK(spr_rng_threshold(1.0) == UINT32_MAX, "p = 1");
    CHECK(spr_rng_threshold(0.25) == 1073741824u, "p = 1/4");
    /* known answers at the edges (defect 5 of issue 8: p in [1 - 2^-33, 1) rounded to 2^32,
     * which the cast turned into 0, so a near-certain event never happened) */
    CHECK(spr_rng_threshold(ldexp(1.0, -33)) == 1u, "p = 2^-33 rounds half away from zero: %u",
          spr_rng_threshold(ldexp(1.0, -33)));
    CHECK(spr_rng_threshold(0.5) == 2147483648u, "p = 1/2: %u", spr_rng_threshold(0.5));
    CHECK(spr_rng_threshold(1.0 - ldexp(1.0, -32)) == UINT32_MAX, "p = 1 - 2^-32: %u",
          spr_rng_threshold(1.0 - ldexp(1.0, -32)));
    CHECK(spr_rng_threshold(1.0 - ldexp(1.0, -33)) == UINT32_MAX, "p = 1 - 2^-33: %u",
          spr_rng_threshold(1.0 - ldexp(1.0, -33)));
    CHECK(spr_rng_threshold(1.0 - ldexp(1.0, -34)) == UINT32_MAX, "p = 1 - 2^-34: %u",
          spr_rng_threshold(1.0 - ldexp(1.0, -34)));
    CHECK(spr_rng_threshold(nextafter(1.0, 0.0)) == UINT32_MAX, "largest p below 1: %u",
          spr_rng_threshold(nextafter(1.0, 0.0)));
    CHECK(spr_rng_threshold(NAN) == 0, "p = NaN: %u", spr_rng_threshold(NAN));
    CHECK(spr_rng_threshold(-0.5) == 0, "p < 0: %u", spr_rng_threshold(-0.5));
    CHECK(spr_rng_threshold(2.0) == UINT32_MAX, "p > 1: %u", spr_rng_threshold(2.0));
    CHECK(spr_rng_u01(0) > 0 && spr_rng_u01(UINT32_MAX) < 1, "u01 open interval");
    spr_stream_destroy(s);
    TEST_MAIN_END();
}
