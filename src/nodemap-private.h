/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodemap's layout, shared by the three files that work on its words
 * directly (nodemap.c, nodeset-parse.c, nodeset-format.c) and by the unit
 * tests.  Nothing else should include this: everyone else goes through the
 * public functions.
 */
#ifndef NODEAFF_NODEMAP_PRIVATE_H
#define NODEAFF_NODEMAP_PRIVATE_H

#include <stdint.h>

#include "nodeaff-private.h"

#define NODEMAP_WORD_BITS 64U
#define NODEMAP_WORDS(nr_nodes) (((nr_nodes) + NODEMAP_WORD_BITS - 1) / NODEMAP_WORD_BITS)
#define NODEMAP_MAX_WORDS NODEMAP_WORDS(NODEAFF_NODEMAP_MAX_NODES)

/*
 * Invariant every function keeps: the bits of the last word at and beyond
 * nr_nodes are zero, so count, equality and the formats never need to mask.
 */
struct nodeaff_nodemap {
    unsigned int nr_nodes;
    unsigned int nr_words;
    uint64_t words[];
};

/* The bits of the last word that belong to a map of nr_nodes nodes. */
static inline uint64_t nodemap_last_word_mask(unsigned int nr_nodes)
{
    unsigned int rem = nr_nodes % NODEMAP_WORD_BITS;

    return rem ? (UINT64_C(1) << rem) - 1 : ~UINT64_C(0);
}

/* Sets bits lo..hi (inclusive) of words; the caller checked the bounds. */
static inline void nodemap_words_set_range(uint64_t *words, unsigned int lo,
                                           unsigned int hi)
{
    unsigned int wlo = lo / NODEMAP_WORD_BITS, whi = hi / NODEMAP_WORD_BITS;
    uint64_t mlo = ~UINT64_C(0) << (lo % NODEMAP_WORD_BITS);
    uint64_t mhi = ~UINT64_C(0) >> (NODEMAP_WORD_BITS - 1 - hi % NODEMAP_WORD_BITS);
    unsigned int w;

    if (wlo == whi) {
        words[wlo] |= mlo & mhi;
        return;
    }
    words[wlo] |= mlo;
    for (w = wlo + 1; w < whi; w++)
        words[w] = ~UINT64_C(0);
    words[whi] |= mhi;
}

/* Clears bits lo..hi (inclusive) of words; the caller checked the bounds. */
static inline void nodemap_words_clear_range(uint64_t *words, unsigned int lo,
                                             unsigned int hi)
{
    unsigned int wlo = lo / NODEMAP_WORD_BITS, whi = hi / NODEMAP_WORD_BITS;
    uint64_t mlo = ~UINT64_C(0) << (lo % NODEMAP_WORD_BITS);
    uint64_t mhi = ~UINT64_C(0) >> (NODEMAP_WORD_BITS - 1 - hi % NODEMAP_WORD_BITS);
    unsigned int w;

    if (wlo == whi) {
        words[wlo] &= ~(mlo & mhi);
        return;
    }
    words[wlo] &= ~mlo;
    for (w = wlo + 1; w < whi; w++)
        words[w] = 0;
    words[whi] &= ~mhi;
}

#endif /* NODEAFF_NODEMAP_PRIVATE_H */
