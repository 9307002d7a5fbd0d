/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Automatic placement on synthetic topologies: each rule of the algorithm
 * in placement.c, its errors, determinism and a 64-node host. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "topology-private.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define SENTINEL_PTR ((void *)0x5a5a)

/* A topology of n nodes with free GiB each (size = free), cpus_per_node
 * CPUs per node; distances default (10/20). */
static struct nodeaff_topology *make(unsigned int n, const uint64_t *free_gib,
                                     unsigned int cpus_per_node)
{
    struct nodeaff_topology *t;
    unsigned int i, c;

    assert_int_equal(nodeaff_topology_new(n, n * cpus_per_node, &t), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(nodeaff_topology_set_node_memory(t, i, free_gib[i] * GIB,
                                                          free_gib[i] * GIB), 0);
        for (c = 0; c < cpus_per_node; c++)
            assert_int_equal(nodeaff_topology_set_cpu_node(t, i * cpus_per_node + c, i), 0);
    }
    return t;
}

static void dist(struct nodeaff_topology *t, unsigned int a, unsigned int b,
                 unsigned int d)
{
    assert_int_equal(nodeaff_topology_set_distance(t, a, b, d), 0);
    assert_int_equal(nodeaff_topology_set_distance(t, b, a, d), 0);
}

/* Places and returns the winner as a list string in buf. */
static const char *place(const struct nodeaff_topology *t, uint64_t mem,
                         unsigned int vcpus, unsigned int flags, char *buf,
                         size_t size)
{
    struct nodeaff_placement *p;
    int r;

    r = nodeaff_place(t, mem, vcpus, flags, &p);
    if (r < 0) {
        snprintf(buf, size, "error %d", r);
        return buf;
    }
    assert_non_null(nodeaff_placement_nodes(p));
    assert_true(nodeaff_nodemap_format(nodeaff_placement_nodes(p),
                                       NODEAFF_FORMAT_LIST, buf, size) > 0);
    nodeaff_placement_free(p);
    return buf;
}

#define ASSERT_PLACE(t, mem, vcpus, flags, expect) do { \
        char buf_[256]; \
        assert_string_equal(place(t, mem, vcpus, flags, buf_, sizeof(buf_)), expect); \
    } while (0)

static void test_args(void **state)
{
    static const uint64_t f[] = { 4, 4 };
    struct nodeaff_topology *t = make(2, f, 1);
    struct nodeaff_placement *p = SENTINEL_PTR;
    const struct nodeaff_nodemap *m = SENTINEL_PTR;
    uint64_t fr = 7;

    (void)state;
    assert_int_equal(nodeaff_place(NULL, GIB, 1, 0, &p), -EINVAL);
    assert_int_equal(nodeaff_place(t, GIB, 1, 0, NULL), -EINVAL);
    assert_int_equal(nodeaff_place(t, 0, 1, 0, &p), -EINVAL);
    assert_int_equal(nodeaff_place(t, GIB, 0, 0, &p), -EINVAL);
    assert_int_equal(nodeaff_place(t, GIB, 1, 4, &p), -EINVAL);
    assert_ptr_equal(p, SENTINEL_PTR);
    assert_null(nodeaff_placement_nodes(NULL));
    assert_int_equal(nodeaff_placement_nr_candidates(NULL), -EINVAL);
    assert_int_equal(nodeaff_placement_candidate(NULL, 0, &m, &fr, NULL, NULL, NULL), -EINVAL);
    nodeaff_placement_free(NULL);

    assert_int_equal(nodeaff_place(t, GIB, 1, NODEAFF_STRICT, &p), 0);
    assert_int_equal(nodeaff_placement_nr_candidates(p), 2);
    assert_int_equal(nodeaff_placement_candidate(p, 2, &m, &fr, NULL, NULL, NULL), -ERANGE);
    assert_ptr_equal(m, SENTINEL_PTR);
    assert_true(fr == 7);
    assert_int_equal(nodeaff_placement_candidate(p, 1, NULL, NULL, NULL, NULL, NULL), 0);
    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
}

static void test_single_node_with_headroom(void **state)
{
    static const uint64_t f[] = { 2, 8, 3, 8 };
    struct nodeaff_topology *t = make(4, f, 2);
    struct nodeaff_placement *p;
    const struct nodeaff_nodemap *m;
    const char *verdict;
    uint64_t fr;
    unsigned int d, v;

    (void)state;
    /* 4 GiB needs 4.5 GiB with headroom: nodes 1 and 3 fit, tie -> lowest id */
    ASSERT_PLACE(t, 4 * GIB, 2, 0, "1");
    /* 2 GiB + 256 MiB headroom: node 2 (3 GiB) fits but 1 has more free. */
    ASSERT_PLACE(t, 2 * GIB, 2, 0, "1");

    assert_int_equal(nodeaff_place(t, 4 * GIB, 2, 0, &p), 0);
    assert_int_equal(nodeaff_placement_candidate(p, 0, &m, &fr, &d, &v, &verdict), 0);
    assert_ptr_equal(m, nodeaff_placement_nodes(p));
    assert_true(fr == 8 * GIB);
    assert_int_equal(d, 10);
    assert_int_equal(v, 0);
    assert_non_null(strstr(verdict, "chosen: lowest node ids"));
    assert_non_null(strstr(verdict, "fits with headroom (4608 MiB needed)"));
    assert_int_equal(nodeaff_placement_candidate(p, 1, &m, NULL, NULL, NULL, &verdict), 0);
    assert_int_equal(nodeaff_nodemap_test(m, 3), 1);
    assert_string_equal(verdict, "ties with the winner; higher node ids");
    /* Nodes 0 and 2 each needed a partner, at distance 20: farther. */
    assert_int_equal(nodeaff_placement_candidate(p, 2, NULL, NULL, NULL, NULL, &verdict), 0);
    assert_non_null(strstr(verdict, "farther apart than the winner's (distance 20 > 10)"));
    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
}

static void test_headroom_boundary(void **state)
{
    static const uint64_t f[] = { 1, 1 };
    struct nodeaff_topology *t = make(2, f, 1);

    (void)state;
    /* Headroom is max(M / 8, 64 MiB): 896 MiB needs 896 + 112 MiB. */
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, GIB, 1008 * MIB), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 1, GIB, 1008 * MIB), 0);
    ASSERT_PLACE(t, 896 * MIB, 1, 0, "0");
    ASSERT_PLACE(t, 896 * MIB + 1, 1, 0, "0-1");
    /* 448 MiB gets the 64 MiB minimum. */
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, GIB, 512 * MIB), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 1, GIB, 512 * MIB), 0);
    ASSERT_PLACE(t, 448 * MIB, 1, 0, "0");
    ASSERT_PLACE(t, 448 * MIB + 1, 1, 0, "0-1");
    nodeaff_topology_free(t);
}

static void test_fits_only_without_headroom(void **state)
{
    static const uint64_t f[] = { 1, 1 };
    struct nodeaff_topology *t = make(2, f, 1);
    struct nodeaff_placement *p;
    const char *verdict;

    (void)state;
    /* 2 GiB: the host has exactly 2 GiB free, no headroom anywhere. */
    assert_int_equal(nodeaff_place(t, 2 * GIB, 1, NODEAFF_STRICT, &p), 0);
    assert_int_equal(nodeaff_placement_nr_candidates(p), 1); /* merged */
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, NULL, NULL, NULL, &verdict), 0);
    assert_string_equal(verdict, "chosen: the only candidate; fits only without headroom (2048 MiB needed)");
    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
}

static void test_no_fit(void **state)
{
    static const uint64_t f[] = { 1, 2, 1 };
    struct nodeaff_topology *t = make(3, f, 1);
    struct nodeaff_placement *p = SENTINEL_PTR;
    const char *verdict;
    uint64_t fr;

    (void)state;
    assert_int_equal(nodeaff_place(t, 5 * GIB, 1, NODEAFF_STRICT, &p), -ENOSPC);
    assert_ptr_equal(p, SENTINEL_PTR);
    /* Preferred: every node with free memory, and the shortfall is visible. */
    assert_int_equal(nodeaff_place(t, 5 * GIB, 1, 0, &p), 0);
    assert_int_equal(nodeaff_placement_nr_candidates(p), 1);
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, &fr, NULL, NULL, &verdict), 0);
    assert_true(fr == 4 * GIB);
    assert_non_null(strstr(verdict, "does NOT fit: 1024 MiB short of 5120 MiB"));
    nodeaff_placement_free(p);

    /* No online node with memory at all: -ENOSPC in both modes. */
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, GIB, 0), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 1, 0, 0), 0);
    assert_int_equal(nodeaff_topology_set_node_online(t, 2, 0), 0);
    p = SENTINEL_PTR;
    assert_int_equal(nodeaff_place(t, MIB, 1, 0, &p), -ENOSPC);
    assert_int_equal(nodeaff_place(t, MIB, 1, NODEAFF_STRICT, &p), -ENOSPC);
    assert_ptr_equal(p, SENTINEL_PTR);
    nodeaff_topology_free(t);
}

static void test_offline_and_memoryless(void **state)
{
    static const uint64_t f[] = { 16, 0, 4, 4 };
    struct nodeaff_topology *t = make(4, f, 1);

    (void)state;
    assert_int_equal(nodeaff_topology_set_node_online(t, 0, 0), 0);
    /* Node 1 is memory-less and close to both; it must never appear. */
    dist(t, 1, 2, 11);
    dist(t, 1, 3, 11);
    ASSERT_PLACE(t, 6 * GIB, 1, 0, "2-3");
    ASSERT_PLACE(t, 2 * GIB, 1, 0, "2");
    /* A full node (free 0) is skipped like a memory-less one. */
    assert_int_equal(nodeaff_topology_set_node_memory(t, 2, 4 * GIB, 0), 0);
    ASSERT_PLACE(t, 2 * GIB, 1, 0, "3");
    nodeaff_topology_free(t);
}

static void test_cpuless(void **state)
{
    struct nodeaff_topology *t;

    (void)state;
    /* Node 0: CPUs and 2 GiB; node 1: 64 GiB and no CPUs (CXL-like);
     * node 2: CPUs and 8 GiB, far from both. */
    assert_int_equal(nodeaff_topology_new(3, 4, &t), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, 2 * GIB, 2 * GIB), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 1, 64 * GIB, 64 * GIB), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 2, 8 * GIB, 8 * GIB), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 0, 0), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 1, 0), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 2, 2), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 3, 2), 0);
    dist(t, 0, 1, 14);
    dist(t, 0, 2, 32);
    dist(t, 1, 2, 40);
    /* Node 1 alone would fit but has no CPU: node 2 fits alone. */
    ASSERT_PLACE(t, 4 * GIB, 2, 0, "2");
    /* Too big for any node with CPUs: node 0 plus its close CPU-less node. */
    ASSERT_PLACE(t, 16 * GIB, 2, 0, "0-1");
    /* Without any CPU information every node may seed. */
    nodeaff_topology_free(t);
    assert_int_equal(nodeaff_topology_new(2, 0, &t), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, 2 * GIB, 2 * GIB), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 1, 8 * GIB, 8 * GIB), 0);
    ASSERT_PLACE(t, 4 * GIB, 8, NODEAFF_STRICT, "1");
    nodeaff_topology_free(t);
}

static void test_cpu_need(void **state)
{
    static const uint64_t f[] = { 16, 16, 16, 16 };
    struct nodeaff_topology *t = make(4, f, 2);

    (void)state;
    dist(t, 0, 1, 12);
    dist(t, 2, 3, 12);
    /* Memory fits one node, but 4 vCPUs want 4 CPUs: two close nodes. */
    ASSERT_PLACE(t, GIB, 2, 0, "0");
    ASSERT_PLACE(t, GIB, 4, 0, "0-1");
    /* More vCPUs than the host has CPUs: capped at the host's 8. */
    ASSERT_PLACE(t, GIB, 64, 0, "0-3");
    nodeaff_topology_free(t);
}

static void test_asymmetric(void **state)
{
    static const uint64_t f[] = { 3, 3, 3 };
    struct nodeaff_topology *t = make(3, f, 1);

    (void)state;
    /* 0->1 looks close, but 1->0 is far: the larger direction counts. */
    assert_int_equal(nodeaff_topology_set_distance(t, 0, 1, 11), 0);
    assert_int_equal(nodeaff_topology_set_distance(t, 1, 0, 40), 0);
    dist(t, 0, 2, 16);
    dist(t, 1, 2, 30);
    ASSERT_PLACE(t, 4 * GIB, 1, 0, "0,2");
    nodeaff_topology_free(t);
}

static void test_unknown_distance(void **state)
{
    static const uint64_t f[] = { 3, 3, 3 };
    struct nodeaff_topology *t = make(3, f, 1);

    (void)state;
    /* Unknown counts as the farthest (255). */
    assert_int_equal(topology_set_distance_unknown(t, 0, 1), 0);
    dist(t, 0, 2, 200);
    dist(t, 1, 2, 254);
    ASSERT_PLACE(t, 4 * GIB, 1, 0, "0,2");
    nodeaff_topology_free(t);
}

static void test_closest_set(void **state)
{
    /* Two sockets of two nodes: 0,1 | 2,3.  Within a socket 12, across 32. */
    static const uint64_t f[] = { 4, 4, 4, 4 };
    struct nodeaff_topology *t = make(4, f, 2);
    struct nodeaff_placement *p;
    const char *verdict;
    unsigned int d;

    (void)state;
    dist(t, 0, 1, 12);
    dist(t, 2, 3, 12);
    dist(t, 0, 2, 32);
    dist(t, 0, 3, 32);
    dist(t, 1, 2, 32);
    dist(t, 1, 3, 32);
    ASSERT_PLACE(t, 6 * GIB, 2, 0, "0-1");
    /* 10 GiB needs three nodes: two of a socket plus one of the other. */
    ASSERT_PLACE(t, 10 * GIB, 2, 0, "0-2");
    assert_int_equal(nodeaff_place(t, 6 * GIB, 2, 0, &p), 0);
    assert_int_equal(nodeaff_placement_nr_candidates(p), 2);
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, NULL, &d, NULL, &verdict), 0);
    assert_int_equal(d, 12);
    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
}

static void test_tie_distance(void **state)
{
    /* Node 0's partner: node 1 at 16 or node 2 at 21; node 3 far away. */
    static const uint64_t f[] = { 4, 4, 4, 4 };
    struct nodeaff_topology *t = make(4, f, 1);
    struct nodeaff_placement *p;
    const char *verdict;

    (void)state;
    dist(t, 0, 1, 16);
    dist(t, 0, 2, 21);
    dist(t, 1, 2, 21);
    dist(t, 0, 3, 40);
    dist(t, 1, 3, 40);
    dist(t, 2, 3, 40);
    ASSERT_PLACE(t, 6 * GIB, 1, 0, "0-1");
    assert_int_equal(nodeaff_place(t, 6 * GIB, 1, 0, &p), 0);
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, NULL, NULL, NULL, &verdict), 0);
    assert_non_null(strstr(verdict, "chosen: closest nodes"));
    assert_int_equal(nodeaff_placement_candidate(p, 1, NULL, NULL, NULL, NULL, &verdict), 0);
    assert_string_equal(verdict, "nodes farther apart than the winner's (distance 21 > 16)");
    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
}

static void test_tie_vcpus(void **state)
{
    static const uint64_t f[] = { 8, 8, 8 };
    struct nodeaff_topology *t = make(3, f, 1);
    struct nodeaff_placement *p;
    const char *verdict;
    unsigned int v;

    (void)state;
    assert_int_equal(nodeaff_topology_set_node_vcpus(t, 0, 4), 0);
    assert_int_equal(nodeaff_topology_set_node_vcpus(t, 1, 2), 0);
    assert_int_equal(nodeaff_topology_set_node_vcpus(t, 2, 3), 0);
    ASSERT_PLACE(t, 2 * GIB, 1, 0, "1");
    assert_int_equal(nodeaff_place(t, 2 * GIB, 1, 0, &p), 0);
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, NULL, NULL, &v, &verdict), 0);
    assert_int_equal(v, 2);
    assert_non_null(strstr(verdict, "chosen: fewest vCPUs already placed"));
    assert_int_equal(nodeaff_placement_candidate(p, 2, NULL, NULL, NULL, NULL, &verdict), 0);
    assert_string_equal(verdict, "more vCPUs already placed than the winner (4 > 2)");
    nodeaff_placement_free(p);
    /* vCPUs outrank free memory. */
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, 64 * GIB, 64 * GIB), 0);
    ASSERT_PLACE(t, 2 * GIB, 1, 0, "1");
    nodeaff_topology_free(t);
}

static void test_tie_free(void **state)
{
    static const uint64_t f[] = { 4, 6, 5 };
    struct nodeaff_topology *t = make(3, f, 1);
    struct nodeaff_placement *p;
    const char *verdict;

    (void)state;
    ASSERT_PLACE(t, 2 * GIB, 1, 0, "1");
    assert_int_equal(nodeaff_place(t, 2 * GIB, 1, 0, &p), 0);
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, NULL, NULL, NULL, &verdict), 0);
    assert_non_null(strstr(verdict, "chosen: most free memory"));
    assert_int_equal(nodeaff_placement_candidate(p, 1, NULL, NULL, NULL, NULL, &verdict), 0);
    assert_string_equal(verdict, "less free memory than the winner (5120 MiB < 6144 MiB)");
    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
}

static void test_tie_ids(void **state)
{
    /* Everything equal: the set holding the lowest node wins. */
    static const uint64_t f[] = { 4, 4, 4, 4 };
    struct nodeaff_topology *t = make(4, f, 1);

    (void)state;
    dist(t, 0, 3, 12);
    dist(t, 1, 2, 12);
    ASSERT_PLACE(t, 6 * GIB, 1, 0, "0,3");
    nodeaff_topology_free(t);
}

static void test_trim(void **state)
{
    /* Nodes 0 and 1 (1 GiB each, CPUs) are close; node 2 (16 GiB) has no
     * CPU.  Seed 0 grows by its nearest node 1, then node 2: node 1 is then
     * unnecessary and is trimmed. */
    static const uint64_t f[] = { 1, 1, 16 };
    struct nodeaff_topology *t = make(3, f, 1);
    struct nodeaff_placement *p;
    const struct nodeaff_nodemap *m;

    (void)state;
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 2, 0), 0);
    dist(t, 0, 1, 11);
    assert_int_equal(nodeaff_place(t, 12 * GIB, 1, 0, &p), 0);
    assert_int_equal(nodeaff_placement_nr_candidates(p), 2);
    assert_int_equal(nodeaff_placement_candidate(p, 0, &m, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(nodeaff_nodemap_count(m), 2);
    assert_int_equal(nodeaff_nodemap_test(m, 2), 1);
    assert_int_equal(nodeaff_placement_candidate(p, 1, &m, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(nodeaff_nodemap_count(m), 2);
    assert_int_equal(nodeaff_nodemap_test(m, 2), 1);
    nodeaff_placement_free(p);
    ASSERT_PLACE(t, 12 * GIB, 1, 0, "0,2");
    nodeaff_topology_free(t);
}

/* Issue 14 item 5: greedy growth from node 0 took node 1 (close, small)
 * and then node 2 (far), and from node 3 took node 4 then node 2; the
 * pair {0,3} at distance 12 holds 3 GiB and was never a candidate. */
static void test_closer_pair_found(void **state)
{
    struct nodeaff_topology *t;
    static const uint64_t free_mib[] = { 1024, 100, 2048, 2048, 100 };
    unsigned int a, b;

    (void)state;
    assert_int_equal(nodeaff_topology_new(5, 5, &t), 0);
    for (a = 0; a < 5; a++) {
        assert_int_equal(nodeaff_topology_set_node_memory(t, a, free_mib[a] * MIB,
                                                          free_mib[a] * MIB), 0);
        assert_int_equal(nodeaff_topology_set_cpu_node(t, a, a), 0);
        for (b = a + 1; b < 5; b++)
            dist(t, a, b, 50);
    }
    dist(t, 0, 1, 11);
    dist(t, 0, 3, 12);
    dist(t, 3, 4, 11);
    dist(t, 0, 2, 30);
    dist(t, 1, 2, 20);
    dist(t, 2, 4, 20);
    dist(t, 2, 3, 40);
    ASSERT_PLACE(t, 2 * GIB, 1, 0, "0,3");
    nodeaff_topology_free(t);
}

/* 64 nodes: 8 sockets of 8 nodes, distance 12 in a socket, 21 to a
 * neighbouring socket, 32 beyond; pseudo-random free memory and vCPUs. */
static struct nodeaff_topology *make64(void)
{
    struct nodeaff_topology *t;
    uint32_t x = 12345;
    unsigned int a, b;

    assert_int_equal(nodeaff_topology_new(64, 256, &t), 0);
    for (a = 0; a < 64; a++) {
        uint64_t fr;

        x = x * 1103515245u + 12345u;
        fr = (uint64_t)(2 + (x >> 16) % 14) * GIB;
        assert_int_equal(nodeaff_topology_set_node_memory(t, a, 16 * GIB, fr), 0);
        assert_int_equal(nodeaff_topology_set_node_vcpus(t, a, (x >> 8) % 9), 0);
        for (b = 0; b < 4; b++)
            assert_int_equal(nodeaff_topology_set_cpu_node(t, a * 4 + b, a), 0);
        for (b = 0; b < 64; b++) {
            unsigned int sa = a / 8, sb = b / 8, d;

            if (a == b)
                continue;
            d = sa == sb ? 12 : (sa ^ sb) == 1 ? 21 : 32;
            assert_int_equal(nodeaff_topology_set_distance(t, a, b, d), 0);
        }
    }
    return t;
}

static void claim(struct nodeaff_topology *t, unsigned int node, uint64_t bytes)
{
    assert_int_equal(nodeaff_topology_set_node_claimed(t, node, bytes), 0);
}

/* A node whose free memory is all claimed is not chosen, even though it
 * has the most free memory; the verdict says claims mattered. */
static void test_claimed_node_not_chosen(void **state)
{
    static const uint64_t f[] = { 8, 4 };
    struct nodeaff_topology *t = make(2, f, 2);
    struct nodeaff_placement *p;
    const char *verdict;
    uint64_t fr;

    (void)state;
    ASSERT_PLACE(t, 2 * GIB, 2, 0, "0");        /* most free memory */
    claim(t, 0, 8 * GIB);
    ASSERT_PLACE(t, 2 * GIB, 2, 0, "1");
    ASSERT_PLACE(t, 2 * GIB, 2, NODEAFF_STRICT, "1");
    assert_int_equal(nodeaff_place(t, 2 * GIB, 2, 0, &p), 0);
    /* Only node 1 is eligible: the only candidate, its free unclaimed. */
    assert_int_equal(nodeaff_placement_nr_candidates(p), 1);
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, &fr, NULL, NULL,
                                                 &verdict), 0);
    assert_true(fr == 4 * GIB);
    assert_non_null(strstr(verdict, "claimed memory mattered: without claims "
                                    "node 0 (8192 MiB claimed there) would "
                                    "have won"));
    nodeaff_placement_free(p);
    /* 5 GiB fits node 1 with neither headroom nor node 0. */
    ASSERT_PLACE(t, 5 * GIB, 2, NODEAFF_STRICT, "error -28");
    ASSERT_PLACE(t, 5 * GIB, 2, 0, "1");
    nodeaff_topology_free(t);
}

/* Partly claimed: what is left unclaimed is what counts. */
static void test_partly_claimed(void **state)
{
    static const uint64_t f[] = { 8, 4, 6 };
    struct nodeaff_topology *t = make(3, f, 1);
    struct nodeaff_placement *p;
    const char *verdict;
    uint64_t fr;

    (void)state;
    claim(t, 0, 6 * GIB);                        /* 2 GiB unclaimed */
    claim(t, 2, 1 * GIB);                        /* 5 GiB unclaimed */
    /* 3 GiB + headroom: node 2 (5 GiB) and node 1 (4 GiB) fit, 2 has more. */
    ASSERT_PLACE(t, 3 * GIB, 1, 0, "2");
    assert_int_equal(nodeaff_place(t, 3 * GIB, 1, 0, &p), 0);
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, &fr, NULL, NULL,
                                                 &verdict), 0);
    assert_true(fr == 5 * GIB);
    assert_non_null(strstr(verdict, "without claims node 0 (6144 MiB claimed"));
    nodeaff_placement_free(p);
    /* 4.5 GiB + headroom fits no node alone: the closest pair with the
     * most unclaimed memory. */
    ASSERT_PLACE(t, 9 * GIB / 2, 1, NODEAFF_STRICT, "1-2");
    /* 10 GiB is more than all unclaimed memory (11 GiB) with headroom,
     * not without; 12 GiB is more than all of it. */
    ASSERT_PLACE(t, 10 * GIB, 1, NODEAFF_STRICT, "0-2");
    ASSERT_PLACE(t, 12 * GIB, 1, NODEAFF_STRICT, "error -28");
    nodeaff_topology_free(t);
}

/* Claims that do not change the outcome are not mentioned. */
static void test_claims_that_do_not_matter(void **state)
{
    static const uint64_t f[] = { 8, 4 };
    struct nodeaff_topology *t = make(2, f, 1);
    struct nodeaff_placement *p;
    const char *verdict;

    (void)state;
    claim(t, 1, 2 * GIB);
    assert_int_equal(nodeaff_place(t, 2 * GIB, 1, 0, &p), 0);
    assert_int_equal(nodeaff_placement_candidate(p, 0, NULL, NULL, NULL, NULL,
                                                 &verdict), 0);
    assert_int_equal(nodeaff_nodemap_test(nodeaff_placement_nodes(p), 0), 1);
    assert_int_equal(nodeaff_nodemap_count(nodeaff_placement_nodes(p)), 1);
    assert_null(strstr(verdict, "claim"));
    nodeaff_placement_free(p);
    ASSERT_PLACE(t, 2 * GIB, 1, 0, "0");
    /* The topology itself is unchanged by placing on it. */
    assert_true(t->nodes[1].free == 4 * GIB && t->nodes[1].claimed == 2 * GIB);
    nodeaff_topology_free(t);
}

static void test_64_nodes(void **state)
{
    struct nodeaff_topology *t = make64();
    struct nodeaff_placement *p;
    const struct nodeaff_nodemap *m;
    unsigned int d;
    uint64_t fr;

    (void)state;
    /* 40 GiB: no node alone; the set stays inside one socket. */
    assert_int_equal(nodeaff_place(t, 40 * GIB, 8, NODEAFF_STRICT, &p), 0);
    assert_true(nodeaff_placement_nr_candidates(p) >= 2);
    assert_int_equal(nodeaff_placement_candidate(p, 0, &m, &fr, &d, NULL, NULL), 0);
    assert_int_equal(d, 12);
    assert_true(fr >= 45 * GIB);
    nodeaff_placement_free(p);
    /* 400 GiB spans sockets; strict still fits. */
    assert_int_equal(nodeaff_place(t, 400 * GIB, 8, NODEAFF_STRICT, &p), 0);
    assert_int_equal(nodeaff_placement_candidate(p, 0, &m, &fr, &d, NULL, NULL), 0);
    assert_true(fr >= 450 * GIB);
    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
}

static void test_deterministic(void **state)
{
    struct nodeaff_topology *t = make64();
    char first[256], again[256];
    unsigned int i;

    (void)state;
    place(t, 40 * GIB, 8, 0, first, sizeof(first));
    for (i = 0; i < 20; i++)
        assert_string_equal(place(t, 40 * GIB, 8, 0, again, sizeof(again)), first);
    /* And the input is not modified by placing. */
    assert_int_equal(nodeaff_topology_node_vcpus(t, 0), t->nodes[0].vcpus);
    nodeaff_topology_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_single_node_with_headroom),
        cmocka_unit_test(test_headroom_boundary),
        cmocka_unit_test(test_fits_only_without_headroom),
        cmocka_unit_test(test_no_fit),
        cmocka_unit_test(test_offline_and_memoryless),
        cmocka_unit_test(test_cpuless),
        cmocka_unit_test(test_cpu_need),
        cmocka_unit_test(test_asymmetric),
        cmocka_unit_test(test_unknown_distance),
        cmocka_unit_test(test_closest_set),
        cmocka_unit_test(test_tie_distance),
        cmocka_unit_test(test_tie_vcpus),
        cmocka_unit_test(test_tie_free),
        cmocka_unit_test(test_tie_ids),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_closer_pair_found),
        cmocka_unit_test(test_claimed_node_not_chosen),
        cmocka_unit_test(test_partly_claimed),
        cmocka_unit_test(test_claims_that_do_not_matter),
        cmocka_unit_test(test_64_nodes),
        cmocka_unit_test(test_deterministic),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
