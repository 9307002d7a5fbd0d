/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodeset grammar, from a table: each row is an input, the map size,
 * and either the canonical list it parses to or the errno, reason and
 * column it fails with.  Out-parameters start as sentinels so the test
 * proves what a call wrote and what it left alone.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nodeaff.h"
#include "test-random.h"

#define SENTINEL_REASON (-12345)
#define SENTINEL_COLUMN 54321U

#define OK(in, n, list)                 { in, n, 0, NODEAFF_PARSE_OK, 0, list }
#define BAD(in, n, err, reason, col)    { in, n, -err, NODEAFF_PARSE_##reason, col, NULL }

static const struct row {
    const char *input;
    unsigned int max_nodes;
    int ret;
    int reason;
    unsigned int column;
    const char *list;       /* canonical list on success */
} rows[] = {
    /* Single nodes and ranges. */
    OK("0", 64, "0"),
    OK("63", 64, "63"),
    OK("5", 8, "5"),
    OK("0-3", 64, "0-3"),
    OK("3-3", 64, "3"),
    OK("0-63", 64, "0-63"),
    OK("1,2", 64, "1-2"),
    OK("1,3", 64, "1,3"),
    OK("3,1,2", 64, "1-3"),
    OK("0-3,2-5", 64, "0-5"),
    OK("0,2-5,7", 64, "0,2-5,7"),
    OK("1,1,1", 64, "1"),
    OK("62-63,0-1", 64, "0-1,62-63"),
    OK("4095", 4096, "4095"),
    OK("0-4095", 4096, "0-4095"),
    OK("63-64", 4096, "63-64"),
    OK("65535", 65536, "65535"),
    OK("0", 1, "0"),
    /* Decimal only: leading zeros are decimal, not octal. */
    OK("010", 64, "10"),
    OK("007,08,09", 64, "7-9"),
    OK("0000000000000000000000000000001", 64, "1"),
    /* Exclusions apply left to right. */
    OK("0-3,^1", 64, "0,2-3"),
    OK("^1,0-3", 64, "0-3"),
    OK("0-7,^2-5", 64, "0-1,6-7"),
    OK("0-7,^2-5,3", 64, "0-1,3,6-7"),
    OK("^0", 64, "none"),
    OK("0-3,^0-3", 64, "none"),
    OK("all", 64, "0-63"),
    OK("all", 1, "0"),
    OK("all,^0", 64, "1-63"),
    OK("all,^1-62", 64, "0,63"),
    OK("0,all", 4, "0-3"),
    /* The empty set. */
    OK("", 64, "none"),
    OK("none", 64, "none"),
    OK("  none  ", 64, "none"),
    OK("   ", 64, "none"),
    OK("\t", 64, "none"),
    /* Blanks around elements. */
    OK(" 0 , 2 ", 64, "0,2"),
    OK("0 ,\t2-3", 64, "0,2-3"),
    OK(" ^1 , 0-3 ", 64, "0-3"),
    /* The xl list form. */
    OK("[]", 64, "none"),
    OK("[ ]", 64, "none"),
    OK("[0, 3]", 64, "0,3"),
    OK("[0,3,4,5]", 64, "0,3-5"),
    OK("[\"0\", \"3-5\"]", 64, "0,3-5"),
    OK("[\"0-3\", \"^1\"]", 64, "0,2-3"),
    OK("[\"0-3,^1\", 7]", 64, "0,2-3,7"),
    OK("[\"all\", \"^0\"]", 8, "1-7"),
    OK(" [ \" 1 , 2 \" , 3 ] ", 64, "1-3"),
    OK("[\"1\"]", 64, "1"),

    /* Empty elements. */
    BAD("0,,1", 64, EINVAL, EMPTY_ELEMENT, 3),
    BAD(",0", 64, EINVAL, EMPTY_ELEMENT, 1),
    BAD("0,", 64, EINVAL, EMPTY_ELEMENT, 2),
    BAD("0, ", 64, EINVAL, EMPTY_ELEMENT, 2),
    BAD(",", 64, EINVAL, EMPTY_ELEMENT, 1),
    BAD(" , ", 64, EINVAL, EMPTY_ELEMENT, 2),
    BAD("[,]", 64, EINVAL, EMPTY_ELEMENT, 2),
    BAD("[0,]", 64, EINVAL, EMPTY_ELEMENT, 3),
    BAD("[0,,1]", 64, EINVAL, EMPTY_ELEMENT, 4),
    BAD("[\"\"]", 64, EINVAL, EMPTY_ELEMENT, 3),
    BAD("[\"0,\"]", 64, EINVAL, EMPTY_ELEMENT, 4),
    /* Expected a number. */
    BAD("-3", 64, EINVAL, EXPECTED_NUMBER, 1),
    BAD("+3", 64, EINVAL, EXPECTED_NUMBER, 1),
    BAD("^", 64, EINVAL, EXPECTED_NUMBER, 2),
    BAD("0-", 64, EINVAL, EXPECTED_NUMBER, 3),
    BAD("0-^1", 64, EINVAL, EXPECTED_NUMBER, 3),
    BAD("^ 1", 64, EINVAL, EXPECTED_NUMBER, 2),
    BAD("^^1", 64, EINVAL, EXPECTED_NUMBER, 2),
    BAD("0--1", 64, EINVAL, EXPECTED_NUMBER, 3),
    BAD("[^1]", 64, EINVAL, EXPECTED_NUMBER, 2),
    BAD("[[0]]", 64, EINVAL, EXPECTED_NUMBER, 2),
    BAD("\"0\"", 64, EINVAL, EXPECTED_NUMBER, 1),
    /* Reversed range: reported at its end. */
    BAD("3-1", 64, EINVAL, REVERSED_RANGE, 3),
    BAD("0,10-9", 64, EINVAL, REVERSED_RANGE, 6),
    BAD("^5-4", 64, EINVAL, REVERSED_RANGE, 4),
    BAD("[\"7-0\"]", 64, EINVAL, REVERSED_RANGE, 5),
    /* Unknown words, including numbers glued to letters. */
    BAD("foo", 64, EINVAL, UNKNOWN_WORD, 1),
    BAD("0x3", 64, EINVAL, UNKNOWN_WORD, 1),
    BAD("1,0x10", 64, EINVAL, UNKNOWN_WORD, 3),
    BAD("3abc", 64, EINVAL, UNKNOWN_WORD, 1),
    BAD("0-3k", 64, EINVAL, UNKNOWN_WORD, 1),
    BAD("ALL", 64, EINVAL, UNKNOWN_WORD, 1),
    BAD("alla", 64, EINVAL, UNKNOWN_WORD, 1),
    BAD("nonesuch", 64, EINVAL, UNKNOWN_WORD, 1),
    BAD("0,none", 64, EINVAL, UNKNOWN_WORD, 3),
    BAD("node:0", 64, EINVAL, UNKNOWN_WORD, 1),
    BAD("[x]", 64, EINVAL, UNKNOWN_WORD, 2),
    BAD("99999999999x", 64, EINVAL, UNKNOWN_WORD, 1),
    /* ^all. */
    BAD("^all", 64, EINVAL, EXCLUDE_ALL, 1),
    BAD("0-3,^all", 64, EINVAL, EXCLUDE_ALL, 5),
    BAD("[\"^all\"]", 64, EINVAL, EXCLUDE_ALL, 3),
    /* Trailing garbage. */
    BAD("1 2", 64, EINVAL, TRAILING_GARBAGE, 3),
    BAD("0 - 3", 64, EINVAL, TRAILING_GARBAGE, 3),
    BAD("1;2", 64, EINVAL, TRAILING_GARBAGE, 2),
    BAD("1.5", 64, EINVAL, TRAILING_GARBAGE, 2),
    BAD("0-3]", 64, EINVAL, TRAILING_GARBAGE, 4),
    BAD("[0] x", 64, EINVAL, TRAILING_GARBAGE, 5),
    BAD("[0]]", 64, EINVAL, TRAILING_GARBAGE, 4),
    BAD("[0 1]", 64, EINVAL, TRAILING_GARBAGE, 4),
    BAD("[0-3]", 64, EINVAL, TRAILING_GARBAGE, 3),
    BAD("[\"0\" \"1\"]", 64, EINVAL, TRAILING_GARBAGE, 6),
    BAD("[\"0 1\"]", 64, EINVAL, TRAILING_GARBAGE, 5),
    BAD("none,1", 64, EINVAL, TRAILING_GARBAGE, 5),
    BAD("none none", 64, EINVAL, TRAILING_GARBAGE, 6),
    BAD("all all", 64, EINVAL, TRAILING_GARBAGE, 5),
    /* Node beyond the map: its own reason and -ERANGE. */
    BAD("64", 64, ERANGE, NODE_OUT_OF_RANGE, 1),
    BAD("0-64", 64, ERANGE, NODE_OUT_OF_RANGE, 3),
    BAD("^64", 64, ERANGE, NODE_OUT_OF_RANGE, 2),
    BAD("1", 1, ERANGE, NODE_OUT_OF_RANGE, 1),
    BAD("4096", 4096, ERANGE, NODE_OUT_OF_RANGE, 1),
    BAD("65536", 65536, ERANGE, NODE_OUT_OF_RANGE, 1),
    BAD("[0, 64]", 64, ERANGE, NODE_OUT_OF_RANGE, 5),
    BAD("[\"70\"]", 64, ERANGE, NODE_OUT_OF_RANGE, 3),
    BAD("100-0", 64, ERANGE, NODE_OUT_OF_RANGE, 1),
    BAD("4294967295", 64, ERANGE, NODE_OUT_OF_RANGE, 1),
    /* Overflowing numbers: -EOVERFLOW. */
    BAD("4294967296", 64, EOVERFLOW, NUMBER_OVERFLOW, 1),
    BAD("99999999999", 64, EOVERFLOW, NUMBER_OVERFLOW, 1),
    BAD("0-18446744073709551616", 64, EOVERFLOW, NUMBER_OVERFLOW, 3),
    BAD("[4294967296]", 64, EOVERFLOW, NUMBER_OVERFLOW, 2),
    BAD("^99999999999999999999999", 64, EOVERFLOW, NUMBER_OVERFLOW, 2),
    /* Unterminated lists and strings: reported at the opening character. */
    BAD("[0, 1", 64, EINVAL, UNTERMINATED_LIST, 1),
    BAD("[", 64, EINVAL, UNTERMINATED_LIST, 1),
    BAD(" [0,", 64, EINVAL, UNTERMINATED_LIST, 2),
    BAD("[\"0\"", 64, EINVAL, UNTERMINATED_LIST, 1),
    BAD("[\"0]", 64, EINVAL, UNTERMINATED_STRING, 2),
    BAD("[\"0\", \"1", 64, EINVAL, UNTERMINATED_STRING, 7),
    BAD("[\"", 64, EINVAL, UNTERMINATED_STRING, 2),
};

static void check_row(const struct row *row)
{
    struct nodeaff_nodemap *map = NULL, *before = NULL;
    int reason = SENTINEL_REASON, r;
    unsigned int column = SENTINEL_COLUMN;
    char list[512];

    assert_int_equal(nodeaff_nodemap_new(row->max_nodes, &map), 0);
    /* A non-empty starting map shows the result replaces, not merges. */
    assert_int_equal(nodeaff_nodemap_set(map, row->max_nodes - 1), 0);
    assert_int_equal(nodeaff_nodemap_copy(map, &before), 0);

    r = nodeaff_nodemap_parse(map, row->input, &reason, &column);
    if (r != row->ret || (r < 0 && (reason != row->reason || column != row->column)))
        fail_msg("'%s' (%u nodes): got %d reason %d column %u, want %d reason %d column %u",
                 row->input, row->max_nodes, r, reason, column,
                 row->ret, row->reason, row->column);
    if (r == 0) {
        /* Untouched on success. */
        assert_int_equal(reason, SENTINEL_REASON);
        assert_int_equal(column, SENTINEL_COLUMN);
        assert_int_equal(nodeaff_nodemap_format(map, NODEAFF_FORMAT_LIST, list, sizeof(list)),
                         (int)strlen(row->list));
        if (strcmp(list, row->list) != 0)
            fail_msg("'%s': got '%s', want '%s'", row->input, list, row->list);
    } else {
        assert_int_equal(nodeaff_nodemap_equal(map, before), 1);
        assert_true(column >= 1 && column <= strlen(row->input) + 1);
        assert_non_null(nodeaff_parse_reason_str(reason));
    }

    /* Both out-params are optional. */
    assert_int_equal(nodeaff_nodemap_parse(map, row->input, NULL, NULL), row->ret);
    nodeaff_nodemap_free(before);
    nodeaff_nodemap_free(map);
}

static void test_table(void **state)
{
    size_t i, ok = 0;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        check_row(&rows[i]);
        ok += rows[i].ret == 0;
    }
    printf("# %zu grammar rows (%zu valid, %zu invalid)\n",
           sizeof(rows) / sizeof(rows[0]), ok, sizeof(rows) / sizeof(rows[0]) - ok);
}

/* Every reason the table expects has a distinct sentence. */
static void test_reason_strings(void **state)
{
    int r, s;

    for (r = NODEAFF_PARSE_OK; r <= NODEAFF_PARSE_UNTERMINATED_STRING; r++) {
        const char *text = nodeaff_parse_reason_str(r);

        assert_non_null(text);
        assert_true(strlen(text) > 0);
        for (s = NODEAFF_PARSE_OK; s < r; s++)
            assert_string_not_equal(text, nodeaff_parse_reason_str(s));
    }
    assert_string_equal(nodeaff_parse_reason_str(NODEAFF_PARSE_UNTERMINATED_STRING + 1),
                        nodeaff_parse_reason_str(-1));
}

static void test_null_args(void **state)
{
    struct nodeaff_nodemap *map = NULL;
    int reason = SENTINEL_REASON;
    unsigned int column = SENTINEL_COLUMN;

    assert_int_equal(nodeaff_nodemap_new(8, &map), 0);
    assert_int_equal(nodeaff_nodemap_parse(NULL, "0", &reason, &column), -EINVAL);
    assert_int_equal(nodeaff_nodemap_parse(map, NULL, &reason, &column), -EINVAL);
    assert_int_equal(reason, SENTINEL_REASON);
    assert_int_equal(column, SENTINEL_COLUMN);
    nodeaff_nodemap_free(map);
}

/*
 * Random element lists built with a bool-array model of what they mean,
 * in both the plain and the xl list forms.
 */
static void test_random_expressions(void **state)
{
    unsigned int iter;

    for (iter = 0; iter < 5000; iter++) {
        unsigned int size = 1 + test_rand_below(test_rand_below(2) ? 70 : 5000);
        unsigned int nr = 1 + test_rand_below(8), e;
        bool model[5000] = { false };
        char text[1024], list[1024];
        struct nodeaff_nodemap *map = NULL, *back = NULL;
        size_t len = 0;
        int xl = test_rand_below(3) == 0;
        unsigned int n;
        int r;

        if (xl)
            len += (size_t)snprintf(text + len, sizeof(text) - len, "[");
        for (e = 0; e < nr; e++) {
            unsigned int lo = test_rand_below(size), hi = lo;
            int excl = test_rand_below(3) == 0, range = test_rand_below(2);
            const char *sp = test_rand_below(4) == 0 ? " " : "";
            char elem[32];

            if (range)
                hi = lo + test_rand_below(size - lo);
            if (range)
                snprintf(elem, sizeof(elem), "%s%u-%u", excl ? "^" : "", lo, hi);
            else
                snprintf(elem, sizeof(elem), "%s%u", excl ? "^" : "", lo);
            if (xl && !excl && !range && test_rand_below(2))
                len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s%s",
                                        e ? "," : "", sp, elem);
            else if (xl)
                len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s\"%s\"",
                                        e ? "," : "", sp, elem);
            else
                len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s%s",
                                        e ? "," : "", sp, elem);
            for (n = lo; n <= hi; n++)
                model[n] = !excl;
        }
        if (xl)
            len += (size_t)snprintf(text + len, sizeof(text) - len, "]");

        assert_int_equal(nodeaff_nodemap_new(size, &map), 0);
        r = nodeaff_nodemap_parse(map, text, NULL, NULL);
        if (r != 0)
            fail_msg("'%s' (%u nodes): %d", text, size, r);
        for (n = 0; n < size; n++)
            if (nodeaff_nodemap_test(map, n) != model[n])
                fail_msg("'%s' (%u nodes): node %u is %d", text, size, n,
                         nodeaff_nodemap_test(map, n));
        /* The canonical list reparses to the same set. */
        assert_true(nodeaff_nodemap_format(map, NODEAFF_FORMAT_LIST, list, sizeof(list)) <
                    (int)sizeof(list));
        assert_int_equal(nodeaff_nodemap_new(size, &back), 0);
        assert_int_equal(nodeaff_nodemap_parse(back, list, NULL, NULL), 0);
        assert_int_equal(nodeaff_nodemap_equal(map, back), 1);
        nodeaff_nodemap_free(back);
        nodeaff_nodemap_free(map);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_reason_strings),
        cmocka_unit_test(test_null_args),
        cmocka_unit_test(test_random_expressions),
    };

    test_seed("test-nodeset-parse");
    return cmocka_run_group_tests_name("nodeset-parse", tests, NULL, NULL);
}
