/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodemap object: creation, single bits, iteration, set operations and
 * the hypervisor's raw byte layout.  Parsing and formatting live in
 * nodeset-parse.c and nodeset-format.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nodemap-private.h"

/* Word i of map, or 0 beyond its end: how maps of different sizes meet. */
static inline uint64_t word_at(const struct nodeaff_nodemap *map, unsigned int i)
{
    return i < map->nr_words ? map->words[i] : 0;
}

static inline unsigned int max_u(unsigned int a, unsigned int b)
{
    return a > b ? a : b;
}

NODEAFF_HOT
NODEAFF_EXPORT int nodeaff_nodemap_new(unsigned int nr_nodes,
                                       struct nodeaff_nodemap **ret_map)
{
    struct nodeaff_nodemap *map;
    unsigned int nr_words;

    if (nr_nodes == 0 || nr_nodes > NODEAFF_NODEMAP_MAX_NODES || !ret_map)
        return -EINVAL;

    nr_words = NODEMAP_WORDS(nr_nodes);
    map = calloc(1, sizeof(*map) + nr_words * sizeof(map->words[0]));
    if (!map)
        return -ENOMEM;
    map->nr_nodes = nr_nodes;
    map->nr_words = nr_words;
    *ret_map = map;
    return 0;
}

NODEAFF_EXPORT int nodeaff_nodemap_copy(const struct nodeaff_nodemap *map,
                                        struct nodeaff_nodemap **ret_copy)
{
    struct nodeaff_nodemap *copy;
    size_t bytes;

    if (!map || !ret_copy)
        return -EINVAL;

    bytes = sizeof(*map) + map->nr_words * sizeof(map->words[0]);
    copy = malloc(bytes);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, map, bytes);
    *ret_copy = copy;
    return 0;
}

NODEAFF_HOT
NODEAFF_EXPORT void nodeaff_nodemap_free(struct nodeaff_nodemap *map)
{
    free(map);
}

NODEAFF_EXPORT int nodeaff_nodemap_size(const struct nodeaff_nodemap *map)
{
    if (!map)
        return -EINVAL;
    return (int)map->nr_nodes;
}

NODEAFF_EXPORT int nodeaff_nodemap_set(struct nodeaff_nodemap *map,
                                       unsigned int node)
{
    if (!map)
        return -EINVAL;
    if (node >= map->nr_nodes)
        return -ERANGE;
    map->words[node / NODEMAP_WORD_BITS] |= UINT64_C(1) << (node % NODEMAP_WORD_BITS);
    return 0;
}

NODEAFF_EXPORT int nodeaff_nodemap_clear(struct nodeaff_nodemap *map,
                                         unsigned int node)
{
    if (!map)
        return -EINVAL;
    if (node >= map->nr_nodes)
        return -ERANGE;
    map->words[node / NODEMAP_WORD_BITS] &= ~(UINT64_C(1) << (node % NODEMAP_WORD_BITS));
    return 0;
}

NODEAFF_EXPORT int nodeaff_nodemap_test(const struct nodeaff_nodemap *map,
                                        unsigned int node)
{
    if (!map)
        return -EINVAL;
    if (node >= map->nr_nodes)
        return -ERANGE;
    return (int)((map->words[node / NODEMAP_WORD_BITS] >> (node % NODEMAP_WORD_BITS)) & 1);
}

NODEAFF_EXPORT int nodeaff_nodemap_set_all(struct nodeaff_nodemap *map)
{
    if (!map)
        return -EINVAL;
    memset(map->words, 0xff, map->nr_words * sizeof(map->words[0]));
    map->words[map->nr_words - 1] = nodemap_last_word_mask(map->nr_nodes);
    return 0;
}

NODEAFF_EXPORT int nodeaff_nodemap_clear_all(struct nodeaff_nodemap *map)
{
    if (!map)
        return -EINVAL;
    memset(map->words, 0, map->nr_words * sizeof(map->words[0]));
    return 0;
}

NODEAFF_EXPORT int nodeaff_nodemap_count(const struct nodeaff_nodemap *map)
{
    unsigned int i;
    int count = 0;

    if (!map)
        return -EINVAL;
    for (i = 0; i < map->nr_words; i++)
        count += __builtin_popcountll(map->words[i]);
    return count;
}

/* The lowest set bit at or above from, or -ENOENT. */
static int find_from(const struct nodeaff_nodemap *map, unsigned int from)
{
    unsigned int i = from / NODEMAP_WORD_BITS;
    uint64_t w;

    if (from >= map->nr_nodes)
        return -ENOENT;
    w = map->words[i] & (~UINT64_C(0) << (from % NODEMAP_WORD_BITS));
    for (;;) {
        if (w)
            return (int)(i * NODEMAP_WORD_BITS + (unsigned int)__builtin_ctzll(w));
        if (++i >= map->nr_words)
            return -ENOENT;
        w = map->words[i];
    }
}

NODEAFF_EXPORT int nodeaff_nodemap_first(const struct nodeaff_nodemap *map)
{
    if (!map)
        return -EINVAL;
    return find_from(map, 0);
}

NODEAFF_EXPORT int nodeaff_nodemap_next(const struct nodeaff_nodemap *map,
                                        unsigned int prev)
{
    if (!map)
        return -EINVAL;
    /* prev + 1 must not wrap for prev == UINT_MAX. */
    if (prev >= map->nr_nodes)
        return -ENOENT;
    return find_from(map, prev + 1);
}

NODEAFF_EXPORT int nodeaff_nodemap_last(const struct nodeaff_nodemap *map)
{
    unsigned int i;

    if (!map)
        return -EINVAL;
    for (i = map->nr_words; i-- > 0;)
        if (map->words[i])
            return (int)(i * NODEMAP_WORD_BITS + 63U -
                         (unsigned int)__builtin_clzll(map->words[i]));
    return -ENOENT;
}

enum set_op { OP_AND, OP_OR, OP_ANDNOT, OP_XOR };

static inline uint64_t apply(enum set_op op, uint64_t a, uint64_t b)
{
    switch (op) {
    case OP_AND:    return a & b;
    case OP_OR:     return a | b;
    case OP_ANDNOT: return a & ~b;
    case OP_XOR:    return a ^ b;
    }
    return 0;
}

/*
 * Two passes so that dst is untouched when the result does not fit; the
 * second pass reads word i of a and b before writing word i of dst, which
 * keeps dst == a or dst == b correct.
 */
static int binary_op(enum set_op op, struct nodeaff_nodemap *dst,
                     const struct nodeaff_nodemap *a,
                     const struct nodeaff_nodemap *b)
{
    unsigned int i, n;
    uint64_t last_mask;

    if (!dst || !a || !b)
        return -EINVAL;

    n = max_u(a->nr_words, b->nr_words);
    last_mask = nodemap_last_word_mask(dst->nr_nodes);
    for (i = dst->nr_words - 1; i < n; i++) {
        uint64_t r = apply(op, word_at(a, i), word_at(b, i));

        if (i == dst->nr_words - 1 ? (r & ~last_mask) != 0 : r != 0)
            return -ERANGE;
    }
    for (i = 0; i < dst->nr_words; i++)
        dst->words[i] = apply(op, word_at(a, i), word_at(b, i));
    return 0;
}

NODEAFF_EXPORT int nodeaff_nodemap_and(struct nodeaff_nodemap *dst,
                                       const struct nodeaff_nodemap *a,
                                       const struct nodeaff_nodemap *b)
{
    return binary_op(OP_AND, dst, a, b);
}

NODEAFF_EXPORT int nodeaff_nodemap_or(struct nodeaff_nodemap *dst,
                                      const struct nodeaff_nodemap *a,
                                      const struct nodeaff_nodemap *b)
{
    return binary_op(OP_OR, dst, a, b);
}

NODEAFF_EXPORT int nodeaff_nodemap_andnot(struct nodeaff_nodemap *dst,
                                          const struct nodeaff_nodemap *a,
                                          const struct nodeaff_nodemap *b)
{
    return binary_op(OP_ANDNOT, dst, a, b);
}

NODEAFF_EXPORT int nodeaff_nodemap_xor(struct nodeaff_nodemap *dst,
                                       const struct nodeaff_nodemap *a,
                                       const struct nodeaff_nodemap *b)
{
    return binary_op(OP_XOR, dst, a, b);
}

NODEAFF_EXPORT int nodeaff_nodemap_equal(const struct nodeaff_nodemap *a,
                                         const struct nodeaff_nodemap *b)
{
    unsigned int i, n;

    if (!a || !b)
        return -EINVAL;
    n = max_u(a->nr_words, b->nr_words);
    for (i = 0; i < n; i++)
        if (word_at(a, i) != word_at(b, i))
            return 0;
    return 1;
}

NODEAFF_EXPORT int nodeaff_nodemap_is_subset(const struct nodeaff_nodemap *sub,
                                             const struct nodeaff_nodemap *super)
{
    unsigned int i;

    if (!sub || !super)
        return -EINVAL;
    for (i = 0; i < sub->nr_words; i++)
        if (sub->words[i] & ~word_at(super, i))
            return 0;
    return 1;
}

NODEAFF_EXPORT int nodeaff_nodemap_intersects(const struct nodeaff_nodemap *a,
                                              const struct nodeaff_nodemap *b)
{
    unsigned int i, n;

    if (!a || !b)
        return -EINVAL;
    n = a->nr_words < b->nr_words ? a->nr_words : b->nr_words;
    for (i = 0; i < n; i++)
        if (a->words[i] & b->words[i])
            return 1;
    return 0;
}

/* The mask of the meaningful bits of byte index of an nr_bits raw map. */
static inline uint8_t raw_byte_mask(uint32_t nr_bits, size_t index)
{
    size_t full = nr_bits / 8;

    if (index < full)
        return 0xff;
    return (uint8_t)((1U << (nr_bits % 8)) - 1);
}

NODEAFF_HOT
NODEAFF_EXPORT int nodeaff_nodemap_import_raw(struct nodeaff_nodemap *map,
                                              const void *bytes, uint32_t nr_bits)
{
    const uint8_t *in = bytes;
    size_t nr_bytes = ((size_t)nr_bits + 7) / 8, map_bytes, i;

    if (!map || (!bytes && nr_bits != 0))
        return -EINVAL;

    /* Byte by byte, so the layout is the same on any host endianness. */
    map_bytes = ((size_t)map->nr_nodes + 7) / 8;
    for (i = 0; i < nr_bytes; i++) {
        uint8_t b = in[i] & raw_byte_mask(nr_bits, i);
        size_t first = i * 8;

        if (!b)
            continue;
        if (i >= map_bytes)
            return -ERANGE;
        /* The map's last byte may be partial too. */
        if (first + 8 > map->nr_nodes &&
            (b >> (map->nr_nodes - first)) != 0)
            return -ERANGE;
    }

    memset(map->words, 0, map->nr_words * sizeof(map->words[0]));
    for (i = 0; i < nr_bytes && i < map_bytes; i++)
        map->words[i / 8] |= (uint64_t)(in[i] & raw_byte_mask(nr_bits, i))
                             << (8 * (i % 8));
    return 0;
}

NODEAFF_HOT
NODEAFF_EXPORT int nodeaff_nodemap_export_raw(const struct nodeaff_nodemap *map,
                                              void *bytes, uint32_t nr_bits)
{
    uint8_t *out = bytes;
    size_t nr_bytes = ((size_t)nr_bits + 7) / 8, i;
    int last;

    if (!map || (!bytes && nr_bits != 0))
        return -EINVAL;
    last = nodeaff_nodemap_last(map);
    if (last >= 0 && (uint32_t)last >= nr_bits)
        return -ERANGE;

    for (i = 0; i < nr_bytes; i++) {
        size_t w = i / 8;

        out[i] = w < map->nr_words ? (uint8_t)(map->words[w] >> (8 * (i % 8))) : 0;
    }
    return (int)nr_bytes;
}
