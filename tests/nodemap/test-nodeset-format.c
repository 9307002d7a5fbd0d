/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The list, hex and JSON formats: exact texts, snprintf semantics at every
 * buffer size, and randomized maps checked against formats computed the
 * slow way from a bool array, then parsed back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nodeaff.h"
#include "test-random.h"

static struct nodeaff_nodemap *parse_new(unsigned int nr_nodes, const char *text)
{
    struct nodeaff_nodemap *map = NULL;

    assert_int_equal(nodeaff_nodemap_new(nr_nodes, &map), 0);
    assert_int_equal(nodeaff_nodemap_parse(map, text, NULL, NULL), 0);
    return map;
}

static void expect_format(unsigned int nr_nodes, const char *text,
                          enum nodeaff_format format, const char *want)
{
    struct nodeaff_nodemap *map = parse_new(nr_nodes, text);
    char buf[2048];
    int len = nodeaff_nodemap_format(map, format, buf, sizeof(buf));

    if (len != (int)strlen(want) || strcmp(buf, want) != 0)
        fail_msg("'%s' format %d: got %d '%s', want '%s'", text, format, len, buf, want);
    nodeaff_nodemap_free(map);
}

static void test_exact(void **state)
{
    expect_format(64, "", NODEAFF_FORMAT_LIST, "none");
    expect_format(64, "", NODEAFF_FORMAT_HEX, "0x0");
    expect_format(64, "", NODEAFF_FORMAT_JSON, "[]");
    expect_format(64, "0", NODEAFF_FORMAT_LIST, "0");
    expect_format(64, "0", NODEAFF_FORMAT_HEX, "0x1");
    expect_format(64, "0", NODEAFF_FORMAT_JSON, "[0]");
    expect_format(64, "0,2-5,7", NODEAFF_FORMAT_LIST, "0,2-5,7");
    expect_format(64, "0,2-5,7", NODEAFF_FORMAT_HEX, "0xbd");
    expect_format(64, "0,2-5,7", NODEAFF_FORMAT_JSON, "[0,2,3,4,5,7]");
    expect_format(64, "0,3-5", NODEAFF_FORMAT_JSON, "[0,3,4,5]");
    expect_format(64, "5,6", NODEAFF_FORMAT_LIST, "5-6");
    expect_format(64, "all", NODEAFF_FORMAT_HEX, "0xffffffffffffffff");
    expect_format(64, "63", NODEAFF_FORMAT_HEX, "0x8000000000000000");
    expect_format(65, "64", NODEAFF_FORMAT_HEX, "0x10000000000000000");
    expect_format(200, "4,64", NODEAFF_FORMAT_HEX, "0x10000000000000010");
    expect_format(200, "199", NODEAFF_FORMAT_LIST, "199");
    expect_format(200, "60-70,130-199", NODEAFF_FORMAT_LIST, "60-70,130-199");
    expect_format(200, "all", NODEAFF_FORMAT_LIST, "0-199");
    expect_format(128, "all", NODEAFF_FORMAT_LIST, "0-127");
    expect_format(128, "63-64", NODEAFF_FORMAT_LIST, "63-64");
    expect_format(4096, "4095", NODEAFF_FORMAT_JSON, "[4095]");
    expect_format(65536, "0,65535", NODEAFF_FORMAT_LIST, "0,65535");
    expect_format(65536, "65534-65535", NODEAFF_FORMAT_JSON, "[65534,65535]");
    expect_format(1, "all", NODEAFF_FORMAT_HEX, "0x1");
}

/* At every buffer size: the return is the full length, the buffer holds its
 * longest prefix that fits with a NUL, and nothing past size is touched. */
static void check_snprintf(const struct nodeaff_nodemap *map, enum nodeaff_format format)
{
    char full[4096], buf[4096 + 8];
    int len = nodeaff_nodemap_format(map, format, full, sizeof(full));
    size_t size;

    assert_true(len > 0 && len < (int)sizeof(full));
    assert_int_equal(nodeaff_nodemap_format(map, format, NULL, 0), len);
    for (size = 0; size <= (size_t)len + 2; size++) {
        memset(buf, 'Z', sizeof(buf));
        assert_int_equal(nodeaff_nodemap_format(map, format, buf, size), len);
        if (size > 0) {
            size_t n = size - 1 < (size_t)len ? size - 1 : (size_t)len;

            assert_memory_equal(buf, full, n);
            assert_int_equal(buf[n], '\0');
        }
        assert_int_equal(buf[size], 'Z');
    }
}

static void test_snprintf(void **state)
{
    static const char *const texts[] = { "", "0", "0-3,^1", "1,3,5-9,12,40-47,63", "all" };
    size_t i;
    int f;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct nodeaff_nodemap *map = parse_new(130, texts[i]);

        for (f = NODEAFF_FORMAT_LIST; f <= NODEAFF_FORMAT_JSON; f++)
            check_snprintf(map, (enum nodeaff_format)f);
        nodeaff_nodemap_free(map);
    }
}

/* The slow, obvious formats of a bool array. */
static void model_list(const bool *bit, unsigned int size, char *out, size_t room)
{
    size_t len = 0;
    unsigned int i = 0, j;

    out[0] = '\0';
    while (i < size) {
        if (!bit[i]) {
            i++;
            continue;
        }
        for (j = i; j + 1 < size && bit[j + 1]; j++)
            ;
        if (j > i)
            len += (size_t)snprintf(out + len, room - len, "%s%u-%u", len ? "," : "", i, j);
        else
            len += (size_t)snprintf(out + len, room - len, "%s%u", len ? "," : "", i);
        i = j + 1;
    }
    if (!len)
        snprintf(out, room, "none");
}

static void model_json(const bool *bit, unsigned int size, char *out, size_t room)
{
    size_t len = (size_t)snprintf(out, room, "[");
    unsigned int i;
    bool first = true;

    for (i = 0; i < size; i++)
        if (bit[i]) {
            len += (size_t)snprintf(out + len, room - len, "%s%u", first ? "" : ",", i);
            first = false;
        }
    snprintf(out + len, room - len, "]");
}

static void model_hex(const bool *bit, unsigned int size, char *out, size_t room)
{
    int nib = (int)(size + 3) / 4 - 1;
    size_t len = (size_t)snprintf(out, room, "0x");

    /* Skip leading zero nibbles, keep at least one digit. */
    for (; nib > 0; nib--) {
        unsigned int k, v = 0;

        for (k = 0; k < 4; k++)
            if (nib * 4 + k < size && bit[nib * 4 + k])
                v |= 1U << k;
        if (v)
            break;
    }
    for (; nib >= 0; nib--) {
        unsigned int k, v = 0;

        for (k = 0; k < 4; k++)
            if (nib * 4 + k < size && bit[nib * 4 + k])
                v |= 1U << k;
        len += (size_t)snprintf(out + len, room - len, "%x", v);
    }
}

static void test_random_roundtrip(void **state)
{
    static bool bit[5000];
    static char got[40000], want[40000];
    unsigned int iter, i;

    for (iter = 0; iter < 2000; iter++) {
        unsigned int size = 1 + test_rand_below(iter % 10 == 0 ? 5000 : 300);
        unsigned int style = test_rand_below(5);
        struct nodeaff_nodemap *map = NULL, *back = NULL;
        int f;

        assert_int_equal(nodeaff_nodemap_new(size, &map), 0);
        for (i = 0; i < size; i++) {
            /* Empty, sparse, half, runs, and nearly full maps. */
            switch (style) {
            case 0: bit[i] = false; break;
            case 1: bit[i] = test_rand_below(20) == 0; break;
            case 2: bit[i] = test_rand_below(2); break;
            case 3: bit[i] = i > 0 && test_rand_below(8) ? bit[i - 1] : test_rand_below(2); break;
            default: bit[i] = test_rand_below(30) != 0; break;
            }
            if (bit[i])
                assert_int_equal(nodeaff_nodemap_set(map, i), 0);
        }

        for (f = NODEAFF_FORMAT_LIST; f <= NODEAFF_FORMAT_JSON; f++) {
            int len = nodeaff_nodemap_format(map, (enum nodeaff_format)f, got, sizeof(got));

            if (f == NODEAFF_FORMAT_LIST)
                model_list(bit, size, want, sizeof(want));
            else if (f == NODEAFF_FORMAT_HEX)
                model_hex(bit, size, want, sizeof(want));
            else
                model_json(bit, size, want, sizeof(want));
            assert_int_equal(len, (int)strlen(want));
            assert_string_equal(got, want);

            if (f == NODEAFF_FORMAT_HEX)
                continue;
            /* parse(format(m)) == m, into a map of the same size. */
            assert_int_equal(nodeaff_nodemap_new(size, &back), 0);
            assert_int_equal(nodeaff_nodemap_parse(back, got, NULL, NULL), 0);
            assert_int_equal(nodeaff_nodemap_equal(map, back), 1);
            nodeaff_nodemap_free(back);
        }
        nodeaff_nodemap_free(map);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_snprintf),
        cmocka_unit_test(test_random_roundtrip),
    };

    test_seed("test-nodeset-format");
    return cmocka_run_group_tests_name("nodeset-format", tests, NULL, NULL);
}
