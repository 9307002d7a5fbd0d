/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The topology object: constructor, getters, setters, their errnos, and
 * out-params left untouched on failure. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "topology-private.h"

#define SENTINEL_PTR ((void *)0x5a5a)
#define SENTINEL_U64 UINT64_C(0xdeadbeefcafe)

static void test_new_errors(void **state)
{
    struct nodeaff_topology *t = SENTINEL_PTR;

    (void)state;
    assert_int_equal(nodeaff_topology_new(0, 4, &t), -EINVAL);
    assert_int_equal(nodeaff_topology_new(NODEAFF_TOPOLOGY_MAX_NODES + 1, 4, &t), -EINVAL);
    assert_int_equal(nodeaff_topology_new(NODEAFF_NODEMAP_MAX_NODES, 4, &t), -EINVAL);
    assert_int_equal(nodeaff_topology_new(4, NODEAFF_NODEMAP_MAX_NODES + 1, &t), -EINVAL);
    assert_int_equal(nodeaff_topology_new(4, 4, NULL), -EINVAL);
    assert_ptr_equal(t, SENTINEL_PTR);
    nodeaff_topology_free(NULL);
}

static void test_defaults(void **state)
{
    struct nodeaff_topology *t;
    struct nodeaff_nodemap *m;
    uint64_t size = SENTINEL_U64, fr = SENTINEL_U64;

    (void)state;
    assert_int_equal(nodeaff_topology_new(3, 0, &t), 0);
    assert_int_equal(nodeaff_topology_nr_nodes(t), 3);
    assert_int_equal(nodeaff_topology_nr_cpus(t), 0);
    assert_int_equal(nodeaff_topology_distance(t, 1, 1), 10);
    assert_int_equal(nodeaff_topology_distance(t, 0, 2), 20);
    assert_int_equal(nodeaff_topology_node_memory(t, 2, &size, &fr), 0);
    assert_true(size == 0 && fr == 0);
    assert_int_equal(nodeaff_topology_node_vcpus(t, 2), 0);
    assert_int_equal(nodeaff_topology_online_nodes(t, &m), 0);
    assert_int_equal(nodeaff_nodemap_size(m), 3);
    assert_int_equal(nodeaff_nodemap_count(m), 3);
    nodeaff_nodemap_free(m);
    /* A CPU-less host still gets a (one-bit, empty) map. */
    assert_int_equal(nodeaff_topology_node_cpus(t, 0, &m), 0);
    assert_int_equal(nodeaff_nodemap_size(m), 1);
    assert_int_equal(nodeaff_nodemap_count(m), 0);
    nodeaff_nodemap_free(m);
    nodeaff_topology_free(t);
}

static void test_null_and_range(void **state)
{
    struct nodeaff_topology *t;
    struct nodeaff_nodemap *m = SENTINEL_PTR;
    uint64_t size = SENTINEL_U64, fr = SENTINEL_U64;

    (void)state;
    assert_int_equal(nodeaff_topology_new(2, 2, &t), 0);
    assert_int_equal(nodeaff_topology_nr_nodes(NULL), -EINVAL);
    assert_int_equal(nodeaff_topology_nr_cpus(NULL), -EINVAL);
    assert_int_equal(nodeaff_topology_online_nodes(NULL, &m), -EINVAL);
    assert_int_equal(nodeaff_topology_online_nodes(t, NULL), -EINVAL);
    assert_int_equal(nodeaff_topology_node_memory(NULL, 0, &size, &fr), -EINVAL);
    assert_int_equal(nodeaff_topology_node_memory(t, 2, &size, &fr), -ERANGE);
    assert_int_equal(nodeaff_topology_node_memory(t, 0, NULL, NULL), 0);
    assert_int_equal(nodeaff_topology_distance(NULL, 0, 1), -EINVAL);
    assert_int_equal(nodeaff_topology_distance(t, 0, 2), -ERANGE);
    assert_int_equal(nodeaff_topology_distance(t, 2, 0), -ERANGE);
    assert_int_equal(nodeaff_topology_cpu_node(NULL, 0), -EINVAL);
    assert_int_equal(nodeaff_topology_cpu_node(t, 2), -ERANGE);
    assert_int_equal(nodeaff_topology_cpu_node(t, 0), -ENOENT);
    assert_int_equal(nodeaff_topology_node_cpus(NULL, 0, &m), -EINVAL);
    assert_int_equal(nodeaff_topology_node_cpus(t, 0, NULL), -EINVAL);
    assert_int_equal(nodeaff_topology_node_cpus(t, 2, &m), -ERANGE);
    assert_int_equal(nodeaff_topology_node_vcpus(NULL, 0), -EINVAL);
    assert_int_equal(nodeaff_topology_node_vcpus(t, 2), -ERANGE);

    assert_int_equal(nodeaff_topology_set_node_online(NULL, 0, 0), -EINVAL);
    assert_int_equal(nodeaff_topology_set_node_online(t, 2, 0), -ERANGE);
    assert_int_equal(nodeaff_topology_set_node_memory(NULL, 0, 1, 1), -EINVAL);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 2, 1, 1), -ERANGE);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, 1, 2), -EINVAL);
    assert_int_equal(nodeaff_topology_set_distance(NULL, 0, 1, 20), -EINVAL);
    assert_int_equal(nodeaff_topology_set_distance(t, 0, 2, 20), -ERANGE);
    assert_int_equal(nodeaff_topology_set_distance(t, 0, 1, 9), -EINVAL);
    assert_int_equal(nodeaff_topology_set_distance(t, 0, 1, 256), -EINVAL);
    assert_int_equal(nodeaff_topology_set_distance(t, 1, 1, 11), -EINVAL);
    assert_int_equal(nodeaff_topology_set_cpu_node(NULL, 0, 0), -EINVAL);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 2, 0), -ERANGE);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 0, 2), -ERANGE);
    assert_int_equal(nodeaff_topology_set_node_vcpus(NULL, 0, 1), -EINVAL);
    assert_int_equal(nodeaff_topology_set_node_vcpus(t, 2, 1), -ERANGE);
    assert_int_equal(nodeaff_topology_set_node_vcpus(t, 0, (unsigned int)INT32_MAX + 1), -EINVAL);

    /* Nothing above changed the topology, nor touched an out-param. */
    assert_ptr_equal(m, SENTINEL_PTR);
    assert_true(size == SENTINEL_U64 && fr == SENTINEL_U64);
    assert_int_equal(nodeaff_topology_distance(t, 0, 1), 20);
    assert_int_equal(nodeaff_topology_distance(t, 1, 1), 10);
    assert_int_equal(nodeaff_topology_node_vcpus(t, 0), 0);
    assert_int_equal(nodeaff_topology_node_memory(t, 0, &size, &fr), 0);
    assert_true(size == 0 && fr == 0);
    nodeaff_topology_free(t);
}

static void test_setters(void **state)
{
    struct nodeaff_topology *t;
    struct nodeaff_nodemap *m;
    uint64_t size = SENTINEL_U64, fr = SENTINEL_U64;

    (void)state;
    assert_int_equal(nodeaff_topology_new(3, 4, &t), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 1, UINT64_C(1) << 40, 12345), 0);
    assert_int_equal(nodeaff_topology_node_memory(t, 1, &size, &fr), 0);
    assert_true(size == UINT64_C(1) << 40 && fr == 12345);

    assert_int_equal(nodeaff_topology_set_distance(t, 0, 2, 31), 0);
    assert_int_equal(nodeaff_topology_distance(t, 0, 2), 31);
    assert_int_equal(nodeaff_topology_distance(t, 2, 0), 20); /* one way */
    assert_int_equal(nodeaff_topology_set_distance(t, 2, 2, 10), 0);
    assert_int_equal(nodeaff_topology_set_distance(t, 2, 1, 255), 0);
    assert_int_equal(nodeaff_topology_distance(t, 2, 1), 255);
    assert_int_equal(topology_set_distance_unknown(t, 1, 0), 0);
    assert_int_equal(nodeaff_topology_distance(t, 1, 0), -ENOENT);
    assert_int_equal(topology_set_distance_unknown(t, 1, 1), -EINVAL);
    assert_int_equal(topology_set_distance_unknown(t, 1, 3), -ERANGE);

    assert_int_equal(nodeaff_topology_set_cpu_node(t, 0, 2), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 3, 2), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 1, 0), 0);
    assert_int_equal(nodeaff_topology_cpu_node(t, 0), 2);
    assert_int_equal(nodeaff_topology_cpu_node(t, 2), -ENOENT);
    assert_int_equal(nodeaff_topology_node_cpus(t, 2, &m), 0);
    assert_int_equal(nodeaff_nodemap_size(m), 4);
    assert_int_equal(nodeaff_nodemap_count(m), 2);
    assert_int_equal(nodeaff_nodemap_test(m, 0), 1);
    assert_int_equal(nodeaff_nodemap_test(m, 3), 1);
    nodeaff_nodemap_free(m);
    /* Moving a CPU keeps the per-node counts right. */
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 3, 0), 0);
    assert_int_equal(t->nodes[2].cpus, 1);
    assert_int_equal(t->nodes[0].cpus, 2);

    assert_int_equal(nodeaff_topology_set_node_vcpus(t, 1, 7), 0);
    assert_int_equal(nodeaff_topology_node_vcpus(t, 1), 7);

    /* Offline: memory reads -ENOENT, its CPUs read as on no node. */
    assert_int_equal(nodeaff_topology_set_node_online(t, 2, 0), 0);
    size = fr = SENTINEL_U64;
    assert_int_equal(nodeaff_topology_node_memory(t, 2, &size, &fr), -ENOENT);
    assert_true(size == SENTINEL_U64 && fr == SENTINEL_U64);
    assert_int_equal(nodeaff_topology_cpu_node(t, 0), -ENOENT);
    assert_int_equal(nodeaff_topology_online_nodes(t, &m), 0);
    assert_int_equal(nodeaff_nodemap_count(m), 2);
    assert_int_equal(nodeaff_nodemap_test(m, 2), 0);
    nodeaff_nodemap_free(m);
    assert_int_equal(nodeaff_topology_set_node_online(t, 2, 5), 0);
    assert_int_equal(nodeaff_topology_cpu_node(t, 0), 2);
    nodeaff_topology_free(t);
}

/* Claimed memory: part of free, set after the memory, -ENOENT offline. */
static void test_claimed(void **state)
{
    struct nodeaff_topology *t;
    uint64_t claimed = SENTINEL_U64;

    (void)state;
    assert_int_equal(nodeaff_topology_new(2, 0, &t), 0);
    assert_int_equal(nodeaff_topology_node_claimed(t, 0, &claimed), 0);
    assert_true(claimed == 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, 1000 << 12, 600 << 12), 0);
    assert_int_equal(nodeaff_topology_set_node_claimed(t, 0, 600 << 12), 0);
    assert_int_equal(nodeaff_topology_node_claimed(t, 0, &claimed), 0);
    assert_true(claimed == 600 << 12);

    /* Bad input changes nothing. */
    claimed = SENTINEL_U64;
    assert_int_equal(nodeaff_topology_set_node_claimed(NULL, 0, 1), -EINVAL);
    assert_int_equal(nodeaff_topology_set_node_claimed(t, 2, 0), -ERANGE);
    assert_int_equal(nodeaff_topology_set_node_claimed(t, 0, (600 << 12) + 1),
                     -EINVAL);                 /* more than free */
    assert_int_equal(nodeaff_topology_set_node_claimed(t, 1, 1), -EINVAL);
    assert_int_equal(nodeaff_topology_node_claimed(NULL, 0, &claimed), -EINVAL);
    assert_int_equal(nodeaff_topology_node_claimed(t, 0, NULL), -EINVAL);
    assert_int_equal(nodeaff_topology_node_claimed(t, 2, &claimed), -ERANGE);
    assert_true(claimed == SENTINEL_U64);
    assert_int_equal(nodeaff_topology_node_claimed(t, 0, &claimed), 0);
    assert_true(claimed == 600 << 12);

    /* Less free memory later: the claim stays, nothing is unclaimed. */
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, 1000 << 12, 100 << 12), 0);
    assert_int_equal(nodeaff_topology_node_claimed(t, 0, &claimed), 0);
    assert_true(claimed == 600 << 12);
    assert_true(topology_unclaimed(&t->nodes[0]) == 0);

    assert_int_equal(nodeaff_topology_set_node_online(t, 0, 0), 0);
    claimed = SENTINEL_U64;
    assert_int_equal(nodeaff_topology_node_claimed(t, 0, &claimed), -ENOENT);
    assert_true(claimed == SENTINEL_U64);
    nodeaff_topology_free(t);
}

static void test_large(void **state)
{
    struct nodeaff_topology *t;

    (void)state;
    /* The most nodes Xen can have, and many CPUs. */
    assert_int_equal(nodeaff_topology_new(NODEAFF_TOPOLOGY_MAX_NODES, 4096, &t), 0);
    assert_int_equal(nodeaff_topology_distance(t, 63, 0), 20);
    assert_int_equal(nodeaff_topology_set_distance(t, 63, 0, 40), 0);
    assert_int_equal(nodeaff_topology_distance(t, 63, 0), 40);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 4095, 63), 0);
    assert_int_equal(nodeaff_topology_cpu_node(t, 4095), 63);
    nodeaff_topology_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_errors),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_null_and_range),
        cmocka_unit_test(test_setters),
        cmocka_unit_test(test_claimed),
        cmocka_unit_test(test_large),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
