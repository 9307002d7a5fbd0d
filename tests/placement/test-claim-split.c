/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nodeaff_claim_split(): bytes over a node set as page counts, by each
 * node's free unclaimed memory, evenly; its errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "nodeaff.h"

#define PAGE UINT64_C(4096)
#define SENTINEL UINT64_C(0xa5a5a5a5a5a5a5a5)

/* n nodes, node i with free[i] pages free (and that much memory) and
 * claimed[i] of them claimed (claimed may be NULL). */
static struct nodeaff_topology *make(unsigned int n, const uint64_t *free_pages,
                                     const uint64_t *claimed)
{
    struct nodeaff_topology *t;
    unsigned int i;

    assert_int_equal(nodeaff_topology_new(n, 0, &t), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(nodeaff_topology_set_node_memory(t, i, free_pages[i] * PAGE,
                                                          free_pages[i] * PAGE), 0);
        if (claimed)
            assert_int_equal(nodeaff_topology_set_node_claimed(t, i, claimed[i] * PAGE), 0);
    }
    return t;
}

static struct nodeaff_nodemap *set_of(unsigned int size, const char *text)
{
    struct nodeaff_nodemap *m;

    assert_int_equal(nodeaff_nodemap_new(size, &m), 0);
    assert_int_equal(nodeaff_nodemap_parse(m, text, NULL, NULL), 0);
    return m;
}

/* Splits bytes over text's nodes; expects the counts in want (n of them). */
static void expect_split(const struct nodeaff_topology *t, const char *text,
                         uint64_t bytes, const uint64_t *want, unsigned int n)
{
    struct nodeaff_nodemap *m = set_of(64, text);
    uint64_t got[8];
    unsigned int i;

    for (i = 0; i < 8; i++)
        got[i] = SENTINEL;
    assert_int_equal(nodeaff_claim_split(t, m, bytes, got, 8), (int)n);
    for (i = 0; i < n; i++)
        if (got[i] != want[i])
            fail_msg("split of %llu bytes over %s: node %u got %llu pages, want %llu",
                     (unsigned long long)bytes, text, i,
                     (unsigned long long)got[i], (unsigned long long)want[i]);
    assert_true(got[n] == SENTINEL);     /* nothing past the host's nodes */
    nodeaff_nodemap_free(m);
}

static void test_even(void **state)
{
    static const uint64_t f[] = { 1000, 1000, 1000, 1000 };
    struct nodeaff_topology *t = make(4, f, NULL);

    (void)state;
    expect_split(t, "0-3", 400 * PAGE, (const uint64_t[]){ 100, 100, 100, 100 }, 4);
    expect_split(t, "1,3", 400 * PAGE, (const uint64_t[]){ 0, 200, 0, 200 }, 4);
    /* The pages that do not divide evenly go one each in id order. */
    expect_split(t, "0-3", 403 * PAGE, (const uint64_t[]){ 101, 101, 101, 100 }, 4);
    /* A partial page is a whole page to claim. */
    expect_split(t, "2", 1, (const uint64_t[]){ 0, 0, 1, 0 }, 4);
    expect_split(t, "0,2", 2 * PAGE + 1, (const uint64_t[]){ 2, 0, 1, 0 }, 4);
    expect_split(t, "0-3", 0, (const uint64_t[]){ 0, 0, 0, 0 }, 4);
    /* Exactly everything. */
    expect_split(t, "0-3", 4000 * PAGE, (const uint64_t[]){ 1000, 1000, 1000, 1000 }, 4);
    nodeaff_topology_free(t);
}

/* Free minus claimed caps a node; the others share its shortfall evenly. */
static void test_capped(void **state)
{
    static const uint64_t f[] = { 1000, 1000, 1000, 50 };
    static const uint64_t c[] = { 990, 0, 400, 0 };  /* unclaimed 10, 1000, 600, 50 */
    struct nodeaff_topology *t = make(4, f, c);

    (void)state;
    /* 900 over 4: 225 each; 0 and 3 give 10 and 50; 840 over 1 and 2. */
    expect_split(t, "0-3", 900 * PAGE, (const uint64_t[]){ 10, 420, 420, 50 }, 4);
    /* 1300: 1 and 2 share 1240; 2 caps at 600, 1 takes the rest. */
    expect_split(t, "0-3", 1300 * PAGE, (const uint64_t[]){ 10, 640, 600, 50 }, 4);
    expect_split(t, "0-3", 1660 * PAGE, (const uint64_t[]){ 10, 1000, 600, 50 }, 4);
    expect_split(t, "0,3", 21 * PAGE, (const uint64_t[]){ 10, 0, 0, 11 }, 4);
    nodeaff_topology_free(t);
}

static void test_errors(void **state)
{
    static const uint64_t f[] = { 100, 100, 100 };
    static const uint64_t c[] = { 100, 0, 0 };
    struct nodeaff_topology *t = make(3, f, c);
    struct nodeaff_nodemap *ok = set_of(3, "0-2"), *empty = set_of(3, "none");
    struct nodeaff_nodemap *far = set_of(8, "1,5"), *n0 = set_of(3, "0");
    uint64_t out[4] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL };

    (void)state;
    assert_int_equal(nodeaff_claim_split(NULL, ok, PAGE, out, 4), -EINVAL);
    assert_int_equal(nodeaff_claim_split(t, NULL, PAGE, out, 4), -EINVAL);
    assert_int_equal(nodeaff_claim_split(t, ok, PAGE, NULL, 4), -EINVAL);
    assert_int_equal(nodeaff_claim_split(t, empty, PAGE, out, 4), -EINVAL);
    assert_int_equal(nodeaff_claim_split(t, far, PAGE, out, 4), -ERANGE);
    assert_int_equal(nodeaff_claim_split(t, ok, PAGE, out, 2), -ENOBUFS);
    /* Node 0's 100 free pages are all claimed. */
    assert_int_equal(nodeaff_claim_split(t, n0, PAGE, out, 4), -ENOMEM);
    assert_int_equal(nodeaff_claim_split(t, ok, 200 * PAGE + 1, out, 4), -ENOMEM);
    assert_int_equal(nodeaff_claim_split(t, ok, UINT64_MAX, out, 4), -ENOMEM);
    assert_int_equal(nodeaff_topology_set_node_online(t, 1, 0), 0);
    assert_int_equal(nodeaff_claim_split(t, ok, PAGE, out, 4), -EINVAL);
    assert_true(out[0] == SENTINEL && out[2] == SENTINEL && out[3] == SENTINEL);
    /* An offline node outside the set does not matter. */
    nodeaff_nodemap_free(ok);
    ok = set_of(3, "2");
    assert_int_equal(nodeaff_claim_split(t, ok, 200 * PAGE, out, 3), -ENOMEM);
    assert_int_equal(nodeaff_claim_split(t, ok, 100 * PAGE, out, 3), 3);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 100);
    nodeaff_nodemap_free(ok);
    nodeaff_nodemap_free(empty);
    nodeaff_nodemap_free(far);
    nodeaff_nodemap_free(n0);
    nodeaff_topology_free(t);
}

/* Random topologies: the split sums to the pages asked, never exceeds a
 * node's room, and is even: no two nodes with room left differ by more
 * than one page. */
static void test_random(void **state)
{
    uint64_t seed = 0x9e3779b97f4a7c15ULL, f[8], c[8], got[8], sum, room;
    unsigned int round, n, i, j;
    struct nodeaff_topology *t;
    struct nodeaff_nodemap *all;

    (void)state;
    for (round = 0; round < 2000; round++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        n = 1 + (unsigned int)(seed >> 61);
        for (i = 0, room = 0; i < n; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            f[i] = (seed >> 40) % 5000;
            c[i] = f[i] ? (seed >> 20) % (f[i] + 1) : 0;
            room += f[i] - c[i];
        }
        t = make(n, f, c);
        all = set_of(n, "all");
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        sum = room ? (seed >> 30) % (room + 1) : 0;
        assert_int_equal(nodeaff_claim_split(t, all, sum * PAGE, got, 8), (int)n);
        for (i = 0, room = 0; i < n; i++) {
            assert_true(got[i] <= f[i] - c[i]);
            room += got[i];
        }
        assert_true(room == sum);
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
                if (got[i] < f[i] - c[i])   /* i had room left */
                    assert_true(got[j] <= got[i] + 1);
        nodeaff_nodemap_free(all);
        nodeaff_topology_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_even),
        cmocka_unit_test(test_capped),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
