/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Property test: nodeaff_place() against an exhaustive search on random
 * small topologies (1 to 8 nodes).
 *
 * The checker below implements the rule nodeaff(3) PLACEMENT documents,
 * written from the man page and not from placement.c: eligible nodes, the
 * headroom and the "need", the CPU condition, and then, over EVERY subset
 * of the eligible nodes, the fitting set with the smallest largest
 * distance, then the fewest nodes, the fewest vCPUs already placed, the
 * most free memory, the lowest node ids.  Up to 8 nodes the library's
 * search always finishes within its budget, so the answers must be equal.
 *
 * Topologies mix what breaks greedy placement: CPU-less (memory-only)
 * nodes, offline and full nodes, asymmetric and default distances, vCPUs
 * already placed, memory sizes near what the nodes hold, and node claims
 * (all or half of a node's free memory claimed: the rule's "free" is free
 * minus claimed).
 *
 * Seeded: the seed is printed first; NODEAFF_TEST_SEED=<seed> repeats a
 * run.  Public API only, so it builds against any libnodeaff 1.2 or
 * later (claims).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodeaff.h"

#define MIB (UINT64_C(1) << 20)
#define ROUNDS 3000
#define MAX_N 8

static uint64_t rng_state;

/* splitmix64: small, good enough, and the same everywhere. */
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));

    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
    return (unsigned int)(rnd() % n);
}

struct host {
    unsigned int n;
    int online[MAX_N];
    uint64_t free[MAX_N];
    uint64_t claimed[MAX_N];  /* of free */
    unsigned int cpus[MAX_N], vcpus[MAX_N];
    int dist[MAX_N][MAX_N];   /* 0: never set, so the default (20) */
};

static void random_host(struct host *h)
{
    static const uint64_t sizes[] = { 0, 100, 512, 1024, 1536, 2048, 3072, 4096 };
    unsigned int a, b;

    memset(h, 0, sizeof(*h));
    h->n = 1 + below(MAX_N);
    for (a = 0; a < h->n; a++) {
        h->online[a] = below(10) != 0;
        h->free[a] = sizes[below(8)] * MIB;
        if (below(5) == 0)
            h->claimed[a] = below(2) ? h->free[a] : h->free[a] / 2;
        h->cpus[a] = below(4) == 0 ? 0 : 1 + below(3);   /* 1 in 4 memory-only */
        h->vcpus[a] = below(3) == 0 ? below(6) : 0;
        h->dist[a][a] = 10;
    }
    for (a = 0; a < h->n; a++) {
        for (b = a + 1; b < h->n; b++) {
            int d = 11 + (int)below(40);

            h->dist[a][b] = h->dist[b][a] = d;
            if (below(8) == 0)
                h->dist[b][a] = 11 + (int)below(40);    /* asymmetric */
            if (below(20) == 0)
                h->dist[a][b] = 0;                      /* left at 20 */
        }
    }
}

static struct nodeaff_topology *build(const struct host *h)
{
    struct nodeaff_topology *t;
    unsigned int a, b, c, cpu = 0, nr_cpus = 0;

    for (a = 0; a < h->n; a++)
        nr_cpus += h->cpus[a];
    if (nodeaff_topology_new(h->n, nr_cpus, &t) < 0)
        abort();
    for (a = 0; a < h->n; a++) {
        if (nodeaff_topology_set_node_memory(t, a, h->free[a] + 64 * MIB, h->free[a]) < 0 ||
            nodeaff_topology_set_node_claimed(t, a, h->claimed[a]) < 0 ||
            nodeaff_topology_set_node_vcpus(t, a, h->vcpus[a]) < 0 ||
            nodeaff_topology_set_node_online(t, a, h->online[a]) < 0)
            abort();
        for (c = 0; c < h->cpus[a]; c++)
            if (nodeaff_topology_set_cpu_node(t, cpu++, a) < 0)
                abort();
        for (b = 0; b < h->n; b++)
            if (a != b && h->dist[a][b] &&
                nodeaff_topology_set_distance(t, a, b, (unsigned int)h->dist[a][b]) < 0)
                abort();
    }
    return t;
}

/* nodeaff(3): "the distance between a and b is max(d(a,b), d(b,a))"; a
 * distance never set is 20 (nodeaff_topology_new()). */
static int pair(const struct host *h, unsigned int a, unsigned int b)
{
    int ab = h->dist[a][b] ? h->dist[a][b] : 20;
    int ba = h->dist[b][a] ? h->dist[b][a] : 20;

    return ab > ba ? ab : ba;
}

struct answer {
    int err;                   /* 0 or a negative errno */
    unsigned int set;          /* node mask */
    unsigned int distance;
    uint64_t free;
    unsigned int vcpus;
};

/* nodeaff(3): what placement calls a node's free memory. */
static uint64_t unclaimed(const struct host *h, unsigned int a)
{
    return h->free[a] - h->claimed[a];
}

/* The documented rule, by brute force over every subset. */
static struct answer expected(const struct host *h, uint64_t memory,
                              unsigned int vcpus, int strict)
{
    struct answer best = { .err = -ENOSPC };
    uint64_t total_free = 0, total_cpus = 0, headroom, need, cpu_need;
    unsigned int eligible = 0, a, b, set, best_count = 0;
    uint64_t best_vcpus = 0;

    for (a = 0; a < h->n; a++) {
        if (!h->online[a] || unclaimed(h, a) == 0)
            continue;
        eligible |= 1u << a;
        total_free += unclaimed(h, a);
        total_cpus += h->cpus[a];
    }
    if (!eligible)
        return best;
    headroom = memory / 8 > 64 * MIB ? memory / 8 : 64 * MIB;
    cpu_need = vcpus < total_cpus ? vcpus : total_cpus;
    if (total_free >= memory + headroom)
        need = memory + headroom;
    else if (total_free >= memory)
        need = memory;
    else if (strict)
        return best;
    else
        need = total_free;

    for (set = 1; set < (1u << h->n); set++) {
        uint64_t fr = 0, cpus = 0, vc = 0;
        unsigned int count = 0, d = 10, diff;
        int better;

        if (set & ~eligible)
            continue;
        for (a = 0; a < h->n; a++) {
            if (!((set >> a) & 1))
                continue;
            count++;
            fr += unclaimed(h, a);
            cpus += h->cpus[a];
            vc += h->vcpus[a];
            for (b = a + 1; b < h->n; b++)
                if (((set >> b) & 1) && (unsigned int)pair(h, a, b) > d)
                    d = (unsigned int)pair(h, a, b);
        }
        if (fr < need || cpus < cpu_need)
            continue;
        diff = set ^ best.set;
        if (best.err)
            better = 1;
        else if (d != best.distance)
            better = d < best.distance;
        else if (count != best_count)
            better = count < best_count;
        else if (vc != best_vcpus)
            better = vc < best_vcpus;
        else if (fr != best.free)
            better = fr > best.free;
        else
            better = (set & diff & (~diff + 1)) != 0;
        if (better) {
            best.err = 0;
            best.set = set;
            best.distance = d;
            best.free = fr;
            best.vcpus = (unsigned int)vc;
            best_count = count;
            best_vcpus = vc;
        }
    }
    return best;
}

static struct answer actual(const struct nodeaff_topology *t, uint64_t memory,
                            unsigned int vcpus, int strict)
{
    struct answer got = { 0 };
    struct nodeaff_placement *p;
    const struct nodeaff_nodemap *m;
    int n;

    got.err = nodeaff_place(t, memory, vcpus, strict ? NODEAFF_STRICT : 0, &p);
    if (got.err < 0)
        return got;
    if (nodeaff_placement_candidate(p, 0, &m, &got.free, &got.distance,
                                    &got.vcpus, NULL) < 0 ||
        m != nodeaff_placement_nodes(p))
        abort();
    for (n = nodeaff_nodemap_first(m); n >= 0;
         n = nodeaff_nodemap_next(m, (unsigned int)n))
        got.set |= 1u << n;
    nodeaff_placement_free(p);
    return got;
}

static void dump(const struct host *h, uint64_t memory, unsigned int vcpus,
                 int strict)
{
    unsigned int a, b;

    printf("# place --memory %" PRIu64 "M --vcpus %u%s on:\n", memory / MIB,
           vcpus, strict ? " --strict" : "");
    for (a = 0; a < h->n; a++) {
        printf("#   node %u free=%" PRIu64 "M claimed=%" PRIu64 "M cpus=%u "
               "vcpus=%u%s\n", a, h->free[a] / MIB, h->claimed[a] / MIB,
               h->cpus[a], h->vcpus[a],
               h->online[a] ? "" : " offline");
    }
    for (a = 0; a < h->n; a++) {
        printf("#  ");
        for (b = 0; b < h->n; b++)
            printf(" %3d", h->dist[a][b]);
        printf("\n");
    }
}

int main(void)
{
    static const uint64_t memories[] = { 1, 64, 100, 500, 1024, 1500, 2048,
                                         3000, 4096, 6000, 9000, 20000 };
    const char *env = getenv("NODEAFF_TEST_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 10)
                                : (uint64_t)time(NULL) % 1000000007u;
    unsigned int round, failed = 0, placed = 0, nospace = 0;

    printf("# NODEAFF_TEST_SEED=%" PRIu64 " (set it to repeat this run)\n", seed);
    rng_state = seed;
    for (round = 0; round < ROUNDS; round++) {
        struct host h;
        struct nodeaff_topology *t;
        struct answer want, got;
        uint64_t memory;
        unsigned int vcpus;
        int strict;

        random_host(&h);
        memory = memories[below(12)] * MIB;
        vcpus = 1 + below(8);
        strict = below(2);
        t = build(&h);
        want = expected(&h, memory, vcpus, strict);
        got = actual(t, memory, vcpus, strict);
        nodeaff_topology_free(t);
        if (want.err == 0)
            placed++;
        else
            nospace++;
        if (got.err != want.err ||
            (want.err == 0 && (got.set != want.set || got.free != want.free ||
                               got.distance != want.distance ||
                               got.vcpus != want.vcpus))) {
            printf("# round %u: want err %d set 0x%x distance %u, got err %d "
                   "set 0x%x distance %u\n", round, want.err, want.set,
                   want.distance, got.err, got.set, got.distance);
            dump(&h, memory, vcpus, strict);
            if (++failed == 5)
                break;
        }
    }
    printf("# %u rounds: %u placed, %u without space, %u differ from the "
           "exhaustive search\n", round, placed, nospace, failed);
    return failed ? 1 : 0;
}
