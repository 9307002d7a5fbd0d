/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodemap object: sizes, bits, iteration, set operations between maps
 * of different sizes, raw import/export, argument checks, and randomized
 * set operations checked against a plain bool-array model.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nodeaff.h"
#include "test-random.h"

static struct nodeaff_nodemap *new_map(unsigned int nr_nodes)
{
    struct nodeaff_nodemap *map = NULL;

    assert_int_equal(nodeaff_nodemap_new(nr_nodes, &map), 0);
    assert_non_null(map);
    return map;
}

/* A map of nr_nodes holding the given nodes, terminated by -1. */
static struct nodeaff_nodemap *map_of(unsigned int nr_nodes, ...)
{
    struct nodeaff_nodemap *map = new_map(nr_nodes);
    va_list ap;
    int n;

    va_start(ap, nr_nodes);
    while ((n = va_arg(ap, int)) >= 0)
        assert_int_equal(nodeaff_nodemap_set(map, (unsigned int)n), 0);
    va_end(ap);
    return map;
}

static void test_new_sizes(void **state)
{
    struct nodeaff_nodemap *map, *sentinel = (struct nodeaff_nodemap *)&sentinel;
    static const unsigned int sizes[] = { 1, 2, 63, 64, 65, 127, 128, 129, 4096,
                                          NODEAFF_NODEMAP_MAX_NODES };
    size_t i;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        map = new_map(sizes[i]);
        assert_int_equal(nodeaff_nodemap_size(map), (int)sizes[i]);
        assert_int_equal(nodeaff_nodemap_count(map), 0);
        assert_int_equal(nodeaff_nodemap_first(map), -ENOENT);
        assert_int_equal(nodeaff_nodemap_last(map), -ENOENT);
        assert_int_equal(nodeaff_nodemap_set_all(map), 0);
        assert_int_equal(nodeaff_nodemap_count(map), (int)sizes[i]);
        assert_int_equal(nodeaff_nodemap_first(map), 0);
        assert_int_equal(nodeaff_nodemap_last(map), (int)sizes[i] - 1);
        assert_int_equal(nodeaff_nodemap_clear_all(map), 0);
        assert_int_equal(nodeaff_nodemap_count(map), 0);
        nodeaff_nodemap_free(map);
    }

    map = sentinel;
    assert_int_equal(nodeaff_nodemap_new(0, &map), -EINVAL);
    assert_int_equal(nodeaff_nodemap_new(NODEAFF_NODEMAP_MAX_NODES + 1, &map), -EINVAL);
    assert_int_equal(nodeaff_nodemap_new(UINT_MAX, &map), -EINVAL);
    assert_ptr_equal(map, sentinel);
    assert_int_equal(nodeaff_nodemap_new(8, NULL), -EINVAL);
    nodeaff_nodemap_free(NULL);
}

static void test_bits(void **state)
{
    struct nodeaff_nodemap *map = new_map(130);

    assert_int_equal(nodeaff_nodemap_set(map, 0), 0);
    assert_int_equal(nodeaff_nodemap_set(map, 64), 0);
    assert_int_equal(nodeaff_nodemap_set(map, 129), 0);
    assert_int_equal(nodeaff_nodemap_set(map, 130), -ERANGE);
    assert_int_equal(nodeaff_nodemap_set(map, UINT_MAX), -ERANGE);
    assert_int_equal(nodeaff_nodemap_test(map, 0), 1);
    assert_int_equal(nodeaff_nodemap_test(map, 1), 0);
    assert_int_equal(nodeaff_nodemap_test(map, 64), 1);
    assert_int_equal(nodeaff_nodemap_test(map, 129), 1);
    assert_int_equal(nodeaff_nodemap_test(map, 130), -ERANGE);
    assert_int_equal(nodeaff_nodemap_count(map), 3);
    assert_int_equal(nodeaff_nodemap_first(map), 0);
    assert_int_equal(nodeaff_nodemap_next(map, 0), 64);
    assert_int_equal(nodeaff_nodemap_next(map, 64), 129);
    assert_int_equal(nodeaff_nodemap_next(map, 129), -ENOENT);
    assert_int_equal(nodeaff_nodemap_next(map, 130), -ENOENT);
    assert_int_equal(nodeaff_nodemap_next(map, UINT_MAX), -ENOENT);
    assert_int_equal(nodeaff_nodemap_last(map), 129);
    assert_int_equal(nodeaff_nodemap_clear(map, 129), 0);
    assert_int_equal(nodeaff_nodemap_clear(map, 129), 0);
    assert_int_equal(nodeaff_nodemap_clear(map, 130), -ERANGE);
    assert_int_equal(nodeaff_nodemap_last(map), 64);
    assert_int_equal(nodeaff_nodemap_count(map), 2);
    nodeaff_nodemap_free(map);
}

static void test_copy(void **state)
{
    struct nodeaff_nodemap *map = map_of(100, 3, 70, 99, -1), *copy = NULL;
    struct nodeaff_nodemap *sentinel = (struct nodeaff_nodemap *)&sentinel, *out = sentinel;

    assert_int_equal(nodeaff_nodemap_copy(map, &copy), 0);
    assert_int_equal(nodeaff_nodemap_size(copy), 100);
    assert_int_equal(nodeaff_nodemap_equal(map, copy), 1);
    assert_int_equal(nodeaff_nodemap_set(copy, 4), 0);
    assert_int_equal(nodeaff_nodemap_test(map, 4), 0);
    assert_int_equal(nodeaff_nodemap_copy(NULL, &out), -EINVAL);
    assert_ptr_equal(out, sentinel);
    assert_int_equal(nodeaff_nodemap_copy(map, NULL), -EINVAL);
    nodeaff_nodemap_free(copy);
    nodeaff_nodemap_free(map);
}

static void test_ops_different_sizes(void **state)
{
    struct nodeaff_nodemap *small = map_of(8, 1, 2, 7, -1);
    struct nodeaff_nodemap *big = map_of(200, 2, 3, 150, -1);
    struct nodeaff_nodemap *big_low = map_of(200, 2, 5, -1);
    struct nodeaff_nodemap *dst_small = map_of(8, 0, -1);
    struct nodeaff_nodemap *dst_big = new_map(256);
    struct nodeaff_nodemap *expect;

    /* a & b fits the small map even though b is larger. */
    assert_int_equal(nodeaff_nodemap_and(dst_small, small, big), 0);
    expect = map_of(8, 2, -1);
    assert_int_equal(nodeaff_nodemap_equal(dst_small, expect), 1);
    nodeaff_nodemap_free(expect);

    /* a | b does not fit: -ERANGE and dst unchanged. */
    assert_int_equal(nodeaff_nodemap_or(dst_small, small, big), -ERANGE);
    expect = map_of(8, 2, -1);
    assert_int_equal(nodeaff_nodemap_equal(dst_small, expect), 1);
    nodeaff_nodemap_free(expect);
    /* A big operand whose nodes all fit is fine. */
    assert_int_equal(nodeaff_nodemap_or(dst_small, small, big_low), 0);
    expect = map_of(8, 1, 2, 5, 7, -1);
    assert_int_equal(nodeaff_nodemap_equal(dst_small, expect), 1);
    nodeaff_nodemap_free(expect);

    assert_int_equal(nodeaff_nodemap_or(dst_big, small, big), 0);
    expect = map_of(256, 1, 2, 3, 7, 150, -1);
    assert_int_equal(nodeaff_nodemap_equal(dst_big, expect), 1);
    nodeaff_nodemap_free(expect);

    assert_int_equal(nodeaff_nodemap_andnot(dst_big, big, small), 0);
    expect = map_of(256, 3, 150, -1);
    assert_int_equal(nodeaff_nodemap_equal(dst_big, expect), 1);
    nodeaff_nodemap_free(expect);
    assert_int_equal(nodeaff_nodemap_andnot(dst_small, big, small), -ERANGE);
    assert_int_equal(nodeaff_nodemap_xor(dst_small, big, small), -ERANGE);

    assert_int_equal(nodeaff_nodemap_xor(dst_big, big, small), 0);
    expect = map_of(256, 1, 3, 7, 150, -1);
    assert_int_equal(nodeaff_nodemap_equal(dst_big, expect), 1);
    nodeaff_nodemap_free(expect);

    /* The partial last word of a 130-node dst: bit 130 must not fit. */
    {
        struct nodeaff_nodemap *d130 = new_map(130), *b131 = map_of(131, 130, -1);

        assert_int_equal(nodeaff_nodemap_or(d130, b131, b131), -ERANGE);
        assert_int_equal(nodeaff_nodemap_count(d130), 0);
        assert_int_equal(nodeaff_nodemap_clear(b131, 130), 0);
        assert_int_equal(nodeaff_nodemap_set(b131, 129), 0);
        assert_int_equal(nodeaff_nodemap_or(d130, b131, b131), 0);
        assert_int_equal(nodeaff_nodemap_last(d130), 129);
        nodeaff_nodemap_free(d130);
        nodeaff_nodemap_free(b131);
    }

    /* Comparisons ignore size. */
    expect = map_of(64, 2, 5, -1);
    assert_int_equal(nodeaff_nodemap_equal(expect, big_low), 1);
    assert_int_equal(nodeaff_nodemap_equal(big_low, expect), 1);
    assert_int_equal(nodeaff_nodemap_equal(big, expect), 0);
    assert_int_equal(nodeaff_nodemap_is_subset(expect, big_low), 1);
    assert_int_equal(nodeaff_nodemap_is_subset(small, big), 0);
    assert_int_equal(nodeaff_nodemap_is_subset(big, small), 0);
    assert_int_equal(nodeaff_nodemap_intersects(small, big), 1);
    assert_int_equal(nodeaff_nodemap_intersects(big, small), 1);
    assert_int_equal(nodeaff_nodemap_clear(expect, 2), 0);
    assert_int_equal(nodeaff_nodemap_intersects(expect, small), 0);
    nodeaff_nodemap_free(expect);

    /* dst may alias an operand. */
    assert_int_equal(nodeaff_nodemap_or(big, big, small), 0);
    expect = map_of(200, 1, 2, 3, 7, 150, -1);
    assert_int_equal(nodeaff_nodemap_equal(big, expect), 1);
    assert_int_equal(nodeaff_nodemap_and(big, small, big), 0);
    nodeaff_nodemap_free(expect);
    expect = map_of(8, 1, 2, 7, -1);
    assert_int_equal(nodeaff_nodemap_equal(big, expect), 1);
    nodeaff_nodemap_free(expect);

    nodeaff_nodemap_free(small);
    nodeaff_nodemap_free(big);
    nodeaff_nodemap_free(big_low);
    nodeaff_nodemap_free(dst_small);
    nodeaff_nodemap_free(dst_big);
}

static void test_null_args(void **state)
{
    struct nodeaff_nodemap *m = new_map(8);
    int (*const ops[])(struct nodeaff_nodemap *, const struct nodeaff_nodemap *,
                       const struct nodeaff_nodemap *) = {
        nodeaff_nodemap_and, nodeaff_nodemap_or, nodeaff_nodemap_andnot,
        nodeaff_nodemap_xor,
    };
    int (*const cmps[])(const struct nodeaff_nodemap *, const struct nodeaff_nodemap *) = {
        nodeaff_nodemap_equal, nodeaff_nodemap_is_subset, nodeaff_nodemap_intersects,
    };
    uint8_t bytes[4] = { 0 };
    char buf[8];
    size_t i;

    assert_int_equal(nodeaff_nodemap_size(NULL), -EINVAL);
    assert_int_equal(nodeaff_nodemap_set(NULL, 0), -EINVAL);
    assert_int_equal(nodeaff_nodemap_clear(NULL, 0), -EINVAL);
    assert_int_equal(nodeaff_nodemap_test(NULL, 0), -EINVAL);
    assert_int_equal(nodeaff_nodemap_set_all(NULL), -EINVAL);
    assert_int_equal(nodeaff_nodemap_clear_all(NULL), -EINVAL);
    assert_int_equal(nodeaff_nodemap_count(NULL), -EINVAL);
    assert_int_equal(nodeaff_nodemap_first(NULL), -EINVAL);
    assert_int_equal(nodeaff_nodemap_next(NULL, 0), -EINVAL);
    assert_int_equal(nodeaff_nodemap_last(NULL), -EINVAL);
    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        assert_int_equal(ops[i](NULL, m, m), -EINVAL);
        assert_int_equal(ops[i](m, NULL, m), -EINVAL);
        assert_int_equal(ops[i](m, m, NULL), -EINVAL);
    }
    for (i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++) {
        assert_int_equal(cmps[i](NULL, m), -EINVAL);
        assert_int_equal(cmps[i](m, NULL), -EINVAL);
    }
    assert_int_equal(nodeaff_nodemap_import_raw(NULL, bytes, 8), -EINVAL);
    assert_int_equal(nodeaff_nodemap_import_raw(m, NULL, 8), -EINVAL);
    assert_int_equal(nodeaff_nodemap_import_raw(m, NULL, 0), 0);
    assert_int_equal(nodeaff_nodemap_export_raw(NULL, bytes, 8), -EINVAL);
    assert_int_equal(nodeaff_nodemap_export_raw(m, NULL, 8), -EINVAL);
    assert_int_equal(nodeaff_nodemap_export_raw(m, NULL, 0), 0);
    assert_int_equal(nodeaff_nodemap_parse(NULL, "0", NULL, NULL), -EINVAL);
    assert_int_equal(nodeaff_nodemap_parse(m, NULL, NULL, NULL), -EINVAL);
    assert_int_equal(nodeaff_nodemap_format(NULL, NODEAFF_FORMAT_LIST, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(nodeaff_nodemap_format(m, NODEAFF_FORMAT_LIST, NULL, 1), -EINVAL);
    assert_int_equal(nodeaff_nodemap_format(m, NODEAFF_FORMAT_LIST, NULL, 0), 4);
    assert_int_equal(nodeaff_nodemap_format(m, (enum nodeaff_format)3, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(nodeaff_nodemap_format(m, (enum nodeaff_format)-1, buf, sizeof(buf)), -EINVAL);
    /* Nothing is written on failure, nor with size 0. */
    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(nodeaff_nodemap_format(m, (enum nodeaff_format)3, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(nodeaff_nodemap_format(m, NODEAFF_FORMAT_HEX, buf, 0), 3);
    assert_int_equal(buf[0], 'Z');
    assert_non_null(nodeaff_parse_reason_str(-1));
    assert_non_null(nodeaff_parse_reason_str(12345));
    nodeaff_nodemap_free(m);
}

static void test_raw(void **state)
{
    struct nodeaff_nodemap *m = new_map(20), *expect;
    uint8_t in[8], out[8];

    /* Bits beyond nr_bits in the last byte are ignored on import. */
    memset(in, 0, sizeof(in));
    in[0] = 0x05;           /* nodes 0, 2 */
    in[1] = 0xf1;           /* node 8; bits 12-15 beyond nr_bits = 12 */
    assert_int_equal(nodeaff_nodemap_import_raw(m, in, 12), 0);
    expect = map_of(20, 0, 2, 8, -1);
    assert_int_equal(nodeaff_nodemap_equal(m, expect), 1);

    /* Export writes (nr_bits + 7) / 8 bytes and nothing more. */
    memset(out, 0xaa, sizeof(out));
    assert_int_equal(nodeaff_nodemap_export_raw(m, out, 12), 2);
    assert_int_equal(out[0], 0x05);
    assert_int_equal(out[1], 0x01);
    assert_int_equal(out[2], 0xaa);

    /* A longer buffer than the map: zero-filled. */
    memset(out, 0xaa, sizeof(out));
    assert_int_equal(nodeaff_nodemap_export_raw(m, out, 64), 8);
    assert_int_equal(out[1], 0x01);
    assert_int_equal(out[2], 0);
    assert_int_equal(out[7], 0);

    /* A shorter buffer than the map's highest node: -ERANGE, nothing written. */
    memset(out, 0xaa, sizeof(out));
    assert_int_equal(nodeaff_nodemap_export_raw(m, out, 8), -ERANGE);
    assert_int_equal(nodeaff_nodemap_export_raw(m, out, 0), -ERANGE);
    assert_int_equal(out[0], 0xaa);
    assert_int_equal(nodeaff_nodemap_export_raw(m, out, 9), 2);
    assert_int_equal(out[1], 0x01);

    /* A longer input with a bit beyond the map: -ERANGE, map unchanged. */
    memset(in, 0, sizeof(in));
    in[2] = 0x10;           /* node 20 */
    assert_int_equal(nodeaff_nodemap_import_raw(m, in, 64), -ERANGE);
    assert_int_equal(nodeaff_nodemap_equal(m, expect), 1);
    in[2] = 0x08;           /* node 19: fits */
    in[7] = 0x80;           /* node 63: does not */
    assert_int_equal(nodeaff_nodemap_import_raw(m, in, 64), -ERANGE);
    assert_int_equal(nodeaff_nodemap_equal(m, expect), 1);
    /* ...unless it lies beyond nr_bits, which is ignored. */
    assert_int_equal(nodeaff_nodemap_import_raw(m, in, 63), 0);
    assert_int_equal(nodeaff_nodemap_count(m), 1);
    assert_int_equal(nodeaff_nodemap_first(m), 19);
    /* A longer but clean input is fine; a shorter one clears the rest. */
    in[7] = 0;
    in[0] = 0xff;
    assert_int_equal(nodeaff_nodemap_import_raw(m, in, 3), 0);
    assert_int_equal(nodeaff_nodemap_count(m), 3);
    assert_int_equal(nodeaff_nodemap_import_raw(m, in, 0), 0);
    assert_int_equal(nodeaff_nodemap_count(m), 0);
    nodeaff_nodemap_free(expect);
    nodeaff_nodemap_free(m);

    /* Word-crossing layout: node 64+8 is byte 9 bit 0. */
    {
        struct nodeaff_nodemap *big = map_of(128, 0, 63, 64, 72, 127, -1);
        uint8_t raw[16], back[16];

        assert_int_equal(nodeaff_nodemap_export_raw(big, raw, 128), 16);
        assert_int_equal(raw[0], 0x01);
        assert_int_equal(raw[7], 0x80);
        assert_int_equal(raw[8], 0x01);
        assert_int_equal(raw[9], 0x01);
        assert_int_equal(raw[15], 0x80);
        m = new_map(128);
        assert_int_equal(nodeaff_nodemap_import_raw(m, raw, 128), 0);
        assert_int_equal(nodeaff_nodemap_equal(m, big), 1);
        assert_int_equal(nodeaff_nodemap_export_raw(m, back, 128), 16);
        assert_memory_equal(raw, back, 16);
        nodeaff_nodemap_free(m);
        nodeaff_nodemap_free(big);
    }
}

/* ---- randomized operations against a bool-array model ---- */

#define MODEL_MAX 300

struct model {
    unsigned int size;
    bool bit[MODEL_MAX];
};

static struct nodeaff_nodemap *random_map(struct model *mod)
{
    static const unsigned int sizes[] = { 1, 7, 63, 64, 65, 128, 130, 200, 300 };
    unsigned int density = test_rand_below(4), i;
    struct nodeaff_nodemap *map;

    mod->size = sizes[test_rand_below(sizeof(sizes) / sizeof(sizes[0]))];
    map = new_map(mod->size);
    for (i = 0; i < mod->size; i++) {
        /* Empty, sparse, dense or full maps all matter. */
        bool on = density == 0 ? false : density == 3 ? true
                 : test_rand_below(density == 1 ? 10 : 2) == 0;

        if (density == 3 && test_rand_below(8) == 0)
            on = false;
        mod->bit[i] = on;
        if (on)
            assert_int_equal(nodeaff_nodemap_set(map, i), 0);
    }
    return map;
}

static bool model_get(const struct model *m, unsigned int i)
{
    return i < m->size && m->bit[i];
}

static void check_against_model(const struct nodeaff_nodemap *map, const struct model *m)
{
    int count = 0, first = -ENOENT, last = -ENOENT, n;
    unsigned int i;

    assert_int_equal(nodeaff_nodemap_size(map), (int)m->size);
    for (i = 0; i < m->size; i++) {
        assert_int_equal(nodeaff_nodemap_test(map, i), m->bit[i]);
        if (m->bit[i]) {
            count++;
            if (first < 0)
                first = (int)i;
            last = (int)i;
        }
    }
    assert_int_equal(nodeaff_nodemap_count(map), count);
    assert_int_equal(nodeaff_nodemap_first(map), first);
    assert_int_equal(nodeaff_nodemap_last(map), last);
    /* next() visits exactly the model's bits. */
    i = 0;
    for (n = nodeaff_nodemap_first(map); n >= 0; n = nodeaff_nodemap_next(map, (unsigned int)n)) {
        while (!m->bit[i])
            i++;
        assert_int_equal(n, (int)i);
        i++;
    }
    assert_int_equal(n, -ENOENT);
}

static void test_random_ops(void **state)
{
    unsigned int iter, i;

    for (iter = 0; iter < 3000; iter++) {
        struct model ma, mb, md, expect;
        struct nodeaff_nodemap *a = random_map(&ma), *b = random_map(&mb);
        struct nodeaff_nodemap *d = random_map(&md);
        unsigned int op = test_rand_below(4), alias = test_rand_below(3);
        bool fits = true, eq = true, sub = true, inter = false;
        struct nodeaff_nodemap *dst = alias == 1 ? a : alias == 2 ? b : d;
        const struct model *mdst = alias == 1 ? &ma : alias == 2 ? &mb : &md;
        int r;

        for (i = 0; i < MODEL_MAX; i++) {
            bool x = model_get(&ma, i), y = model_get(&mb, i);
            bool z = op == 0 ? (x && y) : op == 1 ? (x || y) : op == 2 ? (x && !y) : (x != y);

            if (z && i >= mdst->size)
                fits = false;
            if (i < MODEL_MAX)
                expect.bit[i] = z;
            eq = eq && x == y;
            sub = sub && (!x || y);
            inter = inter || (x && y);
        }
        assert_int_equal(nodeaff_nodemap_equal(a, b), eq);
        assert_int_equal(nodeaff_nodemap_is_subset(a, b), sub);
        assert_int_equal(nodeaff_nodemap_intersects(a, b), inter);

        {
            struct model before = *mdst;

            switch (op) {
            case 0: r = nodeaff_nodemap_and(dst, a, b); break;
            case 1: r = nodeaff_nodemap_or(dst, a, b); break;
            case 2: r = nodeaff_nodemap_andnot(dst, a, b); break;
            default: r = nodeaff_nodemap_xor(dst, a, b); break;
            }
            if (fits) {
                assert_int_equal(r, 0);
                expect.size = before.size;
                check_against_model(dst, &expect);
            } else {
                assert_int_equal(r, -ERANGE);
                check_against_model(dst, &before);
            }
        }
        nodeaff_nodemap_free(a);
        nodeaff_nodemap_free(b);
        nodeaff_nodemap_free(d);
    }
}

static void test_random_raw(void **state)
{
    unsigned int iter;

    for (iter = 0; iter < 2000; iter++) {
        struct model ma;
        struct nodeaff_nodemap *a = random_map(&ma), *b;
        uint32_t nr_bits = test_rand_below(MODEL_MAX + 20);
        uint8_t raw[(MODEL_MAX + 20 + 7) / 8 + 1];
        int last = nodeaff_nodemap_last(a), r;
        unsigned int i;

        memset(raw, 0x5a, sizeof(raw));
        r = nodeaff_nodemap_export_raw(a, raw, nr_bits);
        if (last >= (int)nr_bits) {
            assert_int_equal(r, -ERANGE);
            nodeaff_nodemap_free(a);
            continue;
        }
        assert_int_equal(r, (int)((nr_bits + 7) / 8));
        assert_int_equal(raw[(nr_bits + 7) / 8], 0x5a);
        for (i = 0; i < nr_bits; i++)
            assert_int_equal((raw[i / 8] >> (i % 8)) & 1, model_get(&ma, i));

        /* Import into a random size: fits iff the last node does. */
        {
            struct model mb;

            b = random_map(&mb);
            r = nodeaff_nodemap_import_raw(b, raw, nr_bits);
            if (last >= (int)mb.size) {
                assert_int_equal(r, -ERANGE);
                check_against_model(b, &mb);
            } else {
                assert_int_equal(r, 0);
                assert_int_equal(nodeaff_nodemap_equal(a, b), 1);
            }
            nodeaff_nodemap_free(b);
        }
        nodeaff_nodemap_free(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_sizes),
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_ops_different_sizes),
        cmocka_unit_test(test_null_args),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_random_ops),
        cmocka_unit_test(test_random_raw),
    };

    test_seed("test-nodemap");
    return cmocka_run_group_tests_name("nodemap", tests, NULL, NULL);
}
