/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff_config_nodes(): the right-hand side of a nodes= line, on a
 * hand-built topology of 4 nodes where node 2 is offline.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nodeaff-private.h"

#define GIB (1024ULL * 1024 * 1024)
#define SENTINEL_PTR ((struct nodeaff_nodemap *)0x5a5a)

static struct nodeaff_topology *four_nodes(void)
{
    struct nodeaff_topology *t;
    unsigned int n;

    assert_int_equal(nodeaff_topology_new(4, 8, &t), 0);
    for (n = 0; n < 4; n++) {
        assert_int_equal(nodeaff_topology_set_node_memory(t, n, 4 * GIB,
                                                          3 * GIB), 0);
        assert_int_equal(nodeaff_topology_set_cpu_node(t, 2 * n, n), 0);
        assert_int_equal(nodeaff_topology_set_cpu_node(t, 2 * n + 1, n), 0);
    }
    assert_int_equal(nodeaff_topology_set_node_online(t, 2, 0), 0);
    return t;
}

static int setup(void **state)
{
    *state = four_nodes();
    return 0;
}

static int teardown(void **state)
{
    nodeaff_topology_free(*state);
    return 0;
}

static const struct {
    const char *value;
    const char *expected;   /* as a list */
} explicit_rows[] = {
    { "[\"0\",\"3\"]", "0,3" },
    { "[\"0\", \"3\"]", "0,3" },
    { "[0, 3]", "0,3" },
    { "\"0-3,^2\"", "0-1,3" },
    { "0-3,^2", "0-1,3" },
    { "  \"1\"  ", "1" },
    { "3", "3" },
};

static void test_explicit(void **state)
{
    struct nodeaff_topology *t = *state;
    struct nodeaff_nodemap *nodes;
    char buf[64];
    size_t i;
    int ret;

    for (i = 0; i < NODEAFF_ARRAY_SIZE(explicit_rows); i++) {
        nodes = NULL;
        ret = nodeaff_config_nodes(explicit_rows[i].value, t, GIB, 1, 0,
                                   &nodes, NULL, NULL);
        if (ret != NODEAFF_CONFIG_EXPLICIT)
            fail_msg("'%s' gave %d", explicit_rows[i].value, ret);
        assert_int_equal(nodeaff_nodemap_size(nodes), 4);
        assert_true(nodeaff_nodemap_format(nodes, NODEAFF_FORMAT_LIST, buf,
                                           sizeof(buf)) > 0);
        assert_string_equal(buf, explicit_rows[i].expected);
        nodeaff_nodemap_free(nodes);
    }
}

static const struct {
    const char *value;
    int ret;
} error_rows[] = {
    { "0-3", -ENOENT },          /* node 2 is offline */
    { "[\"2\"]", -ENOENT },
    { "", -EINVAL },             /* the empty set */
    { "\"\"", -EINVAL },
    { "none", -EINVAL },
    { "[]", -EINVAL },
    { "4", -ERANGE },            /* beyond the host */
    { "\"0-9\"", -ERANGE },
    { "0-x", -EINVAL },          /* syntax */
    { "[\"0\"", -EINVAL },
    { "automatic", -EINVAL },
};

static void test_errors(void **state)
{
    struct nodeaff_topology *t = *state;
    struct nodeaff_nodemap *nodes;
    size_t i;
    int ret;

    for (i = 0; i < NODEAFF_ARRAY_SIZE(error_rows); i++) {
        nodes = SENTINEL_PTR;
        ret = nodeaff_config_nodes(error_rows[i].value, t, GIB, 1, 0, &nodes,
                                   NULL, NULL);
        if (ret != error_rows[i].ret)
            fail_msg("'%s' gave %d, expected %d", error_rows[i].value, ret,
                     error_rows[i].ret);
        assert_ptr_equal(nodes, SENTINEL_PTR);
    }
}

/* Columns count from the start of the value, quotes and blanks included,
 * so they point into what the user wrote. */
static void test_columns(void **state)
{
    struct nodeaff_topology *t = *state;
    struct nodeaff_nodemap *nodes = SENTINEL_PTR, *probe;
    unsigned int bare_column = 0, column = 0;
    int bare_reason = 0, reason = 0;

    assert_int_equal(nodeaff_nodemap_new(4, &probe), 0);
    assert_int_equal(nodeaff_nodemap_parse(probe, "0-x", &bare_reason,
                                           &bare_column), -EINVAL);
    nodeaff_nodemap_free(probe);
    assert_true(bare_column > 0);

    assert_int_equal(nodeaff_config_nodes("0-x", t, GIB, 1, 0, &nodes,
                                          &reason, &column), -EINVAL);
    assert_int_equal(column, bare_column);
    assert_int_equal(reason, bare_reason);

    assert_int_equal(nodeaff_config_nodes(" \"0-x\"", t, GIB, 1, 0, &nodes,
                                          &reason, &column), -EINVAL);
    assert_int_equal(column, bare_column + 2);
    assert_int_equal(reason, bare_reason);
    assert_ptr_equal(nodes, SENTINEL_PTR);

    /* The reason and column are optional. */
    assert_int_equal(nodeaff_config_nodes("0-x", t, GIB, 1, 0, &nodes, NULL,
                                          NULL), -EINVAL);
}

static void test_bad_arguments(void **state)
{
    struct nodeaff_topology *t = *state;
    struct nodeaff_nodemap *nodes = SENTINEL_PTR;

    assert_int_equal(nodeaff_config_nodes(NULL, t, GIB, 1, 0, &nodes, NULL,
                                          NULL), -EINVAL);
    assert_int_equal(nodeaff_config_nodes("0", NULL, GIB, 1, 0, &nodes, NULL,
                                          NULL), -EINVAL);
    assert_int_equal(nodeaff_config_nodes("0", t, GIB, 1, 0, NULL, NULL,
                                          NULL), -EINVAL);
    assert_int_equal(nodeaff_config_nodes("0", t, GIB, 1, NODEAFF_AUTO,
                                          &nodes, NULL, NULL), -EINVAL);
    assert_int_equal(nodeaff_config_nodes("0", t, GIB, 1, 1U << 9, &nodes,
                                          NULL, NULL), -EINVAL);
    assert_ptr_equal(nodes, SENTINEL_PTR);
}

/* "auto" is whatever nodeaff_place() picks, online nodes only. */
static void test_auto(void **state)
{
    struct nodeaff_topology *t = *state;
    struct nodeaff_nodemap *nodes = NULL, *online;
    struct nodeaff_placement *p;
    const char *values[] = { "auto", "\"auto\"", " auto " };
    size_t i;

    assert_int_equal(nodeaff_place(t, GIB, 2, 0, &p), 0);
    assert_int_equal(nodeaff_topology_online_nodes(t, &online), 0);
    for (i = 0; i < NODEAFF_ARRAY_SIZE(values); i++) {
        assert_int_equal(nodeaff_config_nodes(values[i], t, GIB, 2, 0, &nodes,
                                              NULL, NULL),
                         NODEAFF_CONFIG_AUTO);
        assert_int_equal(nodeaff_nodemap_equal(nodes,
                                               nodeaff_placement_nodes(p)), 1);
        assert_int_equal(nodeaff_nodemap_is_subset(nodes, online), 1);
        assert_true(nodeaff_nodemap_count(nodes) > 0);
        nodeaff_nodemap_free(nodes);
    }
    nodeaff_placement_free(p);
    nodeaff_nodemap_free(online);

    /* Placement's errors come through: nothing holds 100 GiB strictly. */
    nodes = SENTINEL_PTR;
    assert_int_equal(nodeaff_config_nodes("auto", t, 100 * GIB, 2,
                                          NODEAFF_STRICT, &nodes, NULL, NULL),
                     -ENOSPC);
    assert_int_equal(nodeaff_config_nodes("auto", t, 0, 2, 0, &nodes, NULL,
                                          NULL), -EINVAL);
    assert_ptr_equal(nodes, SENTINEL_PTR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explicit),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_auto),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
