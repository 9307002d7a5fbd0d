/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff_place() at 16 and 64 nodes (NODEAFF_TOPOLOGY_MAX_NODES: Xen
 * hosts have at most 64), and its worst case found by a scan at 64 nodes,
 * beside the anchor: an
 * enumeration of node combinations done the way libxl does it
 * (tools/libs/light/libxl_numa.c, libxl__get_numa_candidate() with
 * libxl_dom.c's numa_cmpf), re-implemented here with the same per-
 * combination work so that its cost is comparable.  libxl refuses to run
 * above 16 nodes; the enumeration figures above 16 are what it would cost.
 * An enumeration that would run past a time budget is stopped and its
 * total extrapolated from the combinations it did per second.
 *
 * One run prints both figures and their ratio; nothing is asserted.
 * Times are the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID) for
 * both, so that other load on a shared machine does not inflate them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodeaff.h"

#define GIB (UINT64_C(1) << 30)
#define MIB (UINT64_C(1) << 20)
#define CPUS_PER_NODE 8
#define ENUM_BUDGET_NS (UINT64_C(2) * 1000000000)

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The host, as plain arrays for the anchor and as a topology for us. */
struct host {
    unsigned int nr_nodes, nr_cpus;
    uint64_t *free_kb;
    unsigned int *vcpus;
    unsigned int *cpu_node;
    struct nodeaff_topology *topology;
};

/*
 * A large machine's distances, in the shape firmware reports them: 4 nodes
 * per socket (sub-NUMA clustering) at 12, 2 sockets per board at 21, and
 * boards linked as a hypercube, 21 + 6 per hop (SGI UV / HPE Superdome
 * Flex-like).  Free memory 8-60 GiB and 0-15 vCPUs per node, pseudo-random
 * from a fixed seed.
 */
enum shape {
    SHAPE_FIRMWARE,   /* the hierarchy above, pseudo-random free memory */
    SHAPE_UNIFORM,    /* every distance 21, 8 GiB free everywhere: ties */
    SHAPE_RANDOM,     /* random distances 11-50: no hierarchy to prune by */
    SHAPE_SOCKETS,    /* 4 nodes per socket at 12, 21 beyond, 8 GiB free */
};

static void make_shaped_host(unsigned int nr_nodes, enum shape shape,
                             struct host *h);

static void make_host(unsigned int nr_nodes, struct host *h)
{
    make_shaped_host(nr_nodes, SHAPE_FIRMWARE, h);
}

static void make_shaped_host(unsigned int nr_nodes, enum shape shape,
                             struct host *h)
{
    uint32_t x = 2463534242u;
    unsigned int a, b, c;

    h->nr_nodes = nr_nodes;
    h->nr_cpus = nr_nodes * CPUS_PER_NODE;
    h->free_kb = calloc(nr_nodes, sizeof(*h->free_kb));
    h->vcpus = calloc(nr_nodes, sizeof(*h->vcpus));
    h->cpu_node = calloc(h->nr_cpus, sizeof(*h->cpu_node));
    if (!h->free_kb || !h->vcpus || !h->cpu_node ||
        nodeaff_topology_new(nr_nodes, h->nr_cpus, &h->topology) < 0) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (a = 0; a < nr_nodes; a++) {
        uint64_t fr;

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        fr = shape == SHAPE_FIRMWARE || shape == SHAPE_RANDOM
             ? (8 + x % 53) * GIB : 8 * GIB;
        h->free_kb[a] = fr / 1024;
        h->vcpus[a] = shape == SHAPE_FIRMWARE ? (x >> 8) % 16 : 0;
        nodeaff_topology_set_node_memory(h->topology, a, 64 * GIB, fr);
        nodeaff_topology_set_node_vcpus(h->topology, a, h->vcpus[a]);
        for (c = 0; c < CPUS_PER_NODE; c++) {
            h->cpu_node[a * CPUS_PER_NODE + c] = a;
            nodeaff_topology_set_cpu_node(h->topology, a * CPUS_PER_NODE + c, a);
        }
        for (b = 0; b < nr_nodes; b++) {
            unsigned int d;

            if (a == b)
                continue;
            if (shape == SHAPE_UNIFORM)
                d = 21;
            else if (shape == SHAPE_RANDOM)
                d = b < a ? (unsigned int)nodeaff_topology_distance(h->topology, b, a)
                          : 11 + (x >> 3 ^ a * 7919 ^ b * 104729) % 40;
            else if (a / 4 == b / 4)
                d = 12;
            else if (a / 8 == b / 8 || shape == SHAPE_SOCKETS)
                d = 21;
            else
                d = 21 + 6 * (unsigned int)__builtin_popcount((a / 8) ^ (b / 8));
            nodeaff_topology_set_distance(h->topology, a, b, d > 255 ? 255 : d);
        }
    }
}

static void free_host(struct host *h)
{
    free(h->free_kb);
    free(h->vcpus);
    free(h->cpu_node);
    nodeaff_topology_free(h->topology);
}

/* ---- the anchor: libxl's enumeration, same work per combination ---- */

struct enum_result {
    int found;
    unsigned int nr_nodes;    /* size of the best combination */
    unsigned int max_distance; /* between its nodes; 0 if extrapolated */
    uint64_t combos;          /* combinations generated */
    uint64_t total_combos;    /* all it would generate (= combos if done) */
    double ns;                /* measured or extrapolated (a double: an
                               * extrapolation may pass 2^64 ns) */
    int extrapolated;
};

/* Lexicographic k-combinations of 0..n-1 (Knuth), as libxl's comb_next. */
static int comb_next(int *it, int n, int k)
{
    int i;

    for (i = k - 1; it[i] == n - k + i; i--)
        if (i <= 0)
            return 0;
    for (it[i]++, i++; i < k; i++)
        it[i] = it[i - 1] + 1;
    return 1;
}

static uint64_t binomial(unsigned int n, unsigned int k)
{
    double r = 1;   /* may exceed 2^64 for big n: saturate */
    unsigned int i;

    for (i = 1; i <= k; i++)
        r = r * (n - k + i) / i;
    return r > 1.8e19 ? UINT64_MAX : (uint64_t)(r + 0.5);
}

static void enumerate(const struct host *h, uint64_t min_free_kb, int min_cpus,
                      struct enum_result *res)
{
    unsigned int n = h->nr_nodes, k, i, c;
    unsigned char *nodemap = calloc(n, 1), *best = calloc(n, 1);
    int *it = calloc(n, sizeof(*it));
    uint64_t best_free = 0, start = now_ns(), elapsed = 0;
    int best_vcpus = 0, min_nodes, stopped = 0;

    memset(res, 0, sizeof(*res));
    /* libxl: min_nodes from the CPUs per node when every node has as many. */
    min_nodes = (min_cpus + CPUS_PER_NODE - 1) / CPUS_PER_NODE;
    if (min_nodes < 1)
        min_nodes = 1;
    for (k = (unsigned int)min_nodes; k <= n && !res->found; k++) {
        int ok;

        for (i = 0; i < k; i++)
            it[i] = (int)i;
        for (ok = 1; ok; ok = comb_next(it, (int)n, (int)k)) {
            uint64_t free_kb = 0;
            int cpus = 0, vcpus = 0, m = 0;

            res->combos++;
            /* comb_get_nodemap(): walk every suitable node */
            memset(nodemap, 0, n);
            for (i = 0; i < n; i++)
                if (m < (int)k && (int)i == it[m]) {
                    nodemap[i] = 1;
                    m++;
                }
            /* nodemap_to_free_memkb() */
            for (i = 0; i < n; i++)
                if (nodemap[i])
                    free_kb += h->free_kb[i];
            if (free_kb < min_free_kb)
                goto next;
            /* nodemap_to_nr_cpus(): walk every CPU */
            for (c = 0; c < h->nr_cpus; c++)
                if (nodemap[h->cpu_node[c]])
                    cpus++;
            if (cpus < min_cpus)
                goto next;
            /* nodemap_to_nr_vcpus() */
            for (i = 0; i < n; i++)
                if (nodemap[i])
                    vcpus += (int)h->vcpus[i];
            /* numa_cmpf(): fewer vCPUs, then more free memory */
            if (!res->found || vcpus < best_vcpus ||
                (vcpus == best_vcpus && free_kb > best_free)) {
                res->found = 1;
                res->nr_nodes = k;
                memcpy(best, nodemap, n);
                best_vcpus = vcpus;
                best_free = free_kb;
            }
next:
            if ((res->combos & 0xfff) == 0 &&
                (elapsed = now_ns() - start) > ENUM_BUDGET_NS) {
                stopped = 1;
                break;
            }
        }
        if (stopped)
            break;
    }
    elapsed = now_ns() - start;
    res->ns = (double)elapsed;
    for (i = 0; i < n && !stopped; i++)
        for (c = 0; c < n; c++)
            if (best[i] && best[c] &&
                (unsigned int)nodeaff_topology_distance(h->topology, i, c) > res->max_distance)
                res->max_distance = (unsigned int)nodeaff_topology_distance(h->topology, i, c);
    res->total_combos = res->combos;
    if (stopped) {
        /* The first k at which a combination fits ends the search: the
         * largest free memories and CPU counts tell which k that is. */
        uint64_t *sorted = malloc(n * sizeof(*sorted)), sum = 0, total = 0;
        unsigned int kk;

        memcpy(sorted, h->free_kb, n * sizeof(*sorted));
        for (i = 0; i < n; i++)
            for (c = i + 1; c < n; c++)
                if (sorted[c] > sorted[i]) {
                    uint64_t t = sorted[i];

                    sorted[i] = sorted[c];
                    sorted[c] = t;
                }
        for (kk = 1; kk <= n; kk++) {
            sum += sorted[kk - 1];
            if (kk >= (unsigned int)min_nodes) {
                uint64_t b = binomial(n, kk);

                total = total > UINT64_MAX - b ? UINT64_MAX : total + b;
            }
            if (sum >= min_free_kb && (int)(kk * CPUS_PER_NODE) >= min_cpus)
                break;
        }
        free(sorted);
        res->total_combos = total;
        res->nr_nodes = kk;
        res->extrapolated = 1;
        res->ns = (double)elapsed * ((double)total / (double)res->combos);
    }
    free(nodemap);
    free(best);
    free(it);
}

/* ---- ours ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static uint64_t time_ours(const struct host *h, uint64_t memory,
                          unsigned int vcpus, unsigned int runs,
                          unsigned int *ret_nodes, unsigned int *ret_distance)
{
    uint64_t *t = malloc(runs * sizeof(*t)), median;
    unsigned int i;

    for (i = 0; i < runs; i++) {
        struct nodeaff_placement *p;
        uint64_t start = now_ns();

        if (nodeaff_place(h->topology, memory, vcpus, 0, &p) < 0) {
            fprintf(stderr, "nodeaff_place failed\n");
            exit(1);
        }
        t[i] = now_ns() - start;
        *ret_nodes = (unsigned int)nodeaff_nodemap_count(nodeaff_placement_nodes(p));
        nodeaff_placement_candidate(p, 0, NULL, NULL, ret_distance, NULL, NULL);
        nodeaff_placement_free(p);
    }
    qsort(t, runs, sizeof(*t), cmp_u64);
    median = t[runs / 2];
    free(t);
    return median;
}

static void print_time(char *buf, size_t size, double ns)
{
    double v = ns;

    if (v < 1e3)
        snprintf(buf, size, "%.0f ns", v);
    else if (v < 1e6)
        snprintf(buf, size, "%.1f us", v / 1e3);
    else if (v < 1e9)
        snprintf(buf, size, "%.1f ms", v / 1e6);
    else if (v < 3600e9)
        snprintf(buf, size, "%.1f s", v / 1e9);
    else if (v < 86400e9 * 365)
        snprintf(buf, size, "%.1f h", v / 3600e9);
    else
        snprintf(buf, size, "%.1e years", v / (86400e9 * 365));
}

/*
 * The worst case at 64 nodes: every shape above, with every domain size
 * that fits with headroom (1 GiB steps, then 8 GiB above 64 GiB) and 1 or
 * 64 vCPUs; the slowest median of 5 wins, then is timed again (201 runs).  The shapes are the
 * ones that defeat the search's pruning: ties everywhere (uniform,
 * sockets) and no hierarchy (random distances).
 */
static void worst_case(void)
{
    static const char *const names[] = { "firmware", "uniform", "random", "sockets" };
    uint64_t worst = 0, memory = 0, headroom;
    unsigned int shape, worst_shape = 0, worst_vcpus = 1, v, m;
    unsigned int our_nodes = 0, our_distance = 0;
    struct nodeaff_topology *big;
    struct enum_result e;
    struct host h;
    char a[32], b[32], combos[32];

    for (shape = SHAPE_FIRMWARE; shape <= SHAPE_SOCKETS; shape++) {
        make_shaped_host(64, (enum shape)shape, &h);
        for (v = 1; v <= 64; v += 63) {
            for (m = 1; m <= 64 * 60; m += m < 64 ? 1 : 8) {
                unsigned int nodes, dist;
                uint64_t t, total = 0;
                unsigned int i;

                /* Only domains that fit with headroom: what the anchor
                 * can place too. */
                for (i = 0; i < 64; i++)
                    total += h.free_kb[i] * 1024;
                if ((uint64_t)m * GIB + ((uint64_t)m * GIB / 8 > 64 * MIB
                                         ? (uint64_t)m * GIB / 8 : 64 * MIB) > total)
                    break;
                t = time_ours(&h, (uint64_t)m * GIB, v, 5, &nodes, &dist);
                if (t > worst) {
                    worst = t;
                    worst_shape = shape;
                    worst_vcpus = v;
                    memory = (uint64_t)m * GIB;
                }
            }
        }
        free_host(&h);
    }
    make_shaped_host(64, (enum shape)worst_shape, &h);
    worst = time_ours(&h, memory, worst_vcpus, 201, &our_nodes, &our_distance);
    headroom = memory / 8 < 64 * MIB ? 64 * MIB : memory / 8;
    enumerate(&h, (memory + headroom) / 1024, (int)worst_vcpus, &e);
    free_host(&h);
    print_time(a, sizeof(a), worst);
    print_time(b, sizeof(b), e.ns);
    if (e.total_combos == UINT64_MAX)
        snprintf(combos, sizeof(combos), "> 1.8e19");
    else
        snprintf(combos, sizeof(combos), "%" PRIu64, e.total_combos);
    printf("%5u  %-15s %10s %5u %4u  %c%12s %5u %4s %17s  %9.3gx\n", 64u,
           "worst case", a, our_nodes, our_distance,
           e.extrapolated ? '~' : ' ', b, e.nr_nodes, "?", combos,
           e.ns / (double)worst);
    printf("(worst case: the '%s' host, %" PRIu64 " GiB, %u vCPU%s, the "
           "slowest of 4 shapes x 2 vCPU counts x every size that fits)\n",
           names[worst_shape], memory / GIB, worst_vcpus,
           worst_vcpus == 1 ? "" : "s");
    /* The largest node count accepted is 64: more is refused at once. */
    printf("%d nodes: nodeaff_topology_new() returns %d (more than "
           "NODEAFF_TOPOLOGY_MAX_NODES = %d; Xen hosts have at most 64)\n",
           256, nodeaff_topology_new(256, 256, &big), NODEAFF_TOPOLOGY_MAX_NODES);
}

int main(void)
{
    static const unsigned int sizes[] = { 16, 64 };
    static const struct {
        const char *name;
        uint64_t memory;
        unsigned int vcpus;
    } scenarios[] = {
        { "fits one node", 16 * GIB, 4 },
        { "needs ~3 nodes", 150 * GIB, 8 },
        { "needs ~8 nodes", 350 * GIB, 16 },
    };
    unsigned int s, c;

    printf("nodeaff_place() vs an enumeration of combinations as libxl does it\n"
           "(libxl refuses hosts above 16 nodes; beyond, the figure is what it "
           "would cost; '~' = extrapolated from a %u s run)\n\n",
           (unsigned int)(ENUM_BUDGET_NS / 1000000000u));
    printf("%5s  %-15s %10s %5s %4s  %13s %5s %4s %17s  %10s\n", "nodes",
           "domain", "ours", "set", "dist", "enumeration", "set", "dist",
           "combinations", "ratio");
    for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        struct host h;

        make_host(sizes[s], &h);
        for (c = 0; c < sizeof(scenarios) / sizeof(scenarios[0]); c++) {
            struct enum_result e;
            unsigned int our_nodes = 0, our_distance = 0;
            char edist[16];
            uint64_t ours, headroom;
            char a[32], b[32], combos[32];

            ours = time_ours(&h, scenarios[c].memory, scenarios[c].vcpus,
                             201, &our_nodes, &our_distance);
            /* The same need as ours (memory plus nodeaff's headroom), so
             * the set sizes compare: the enumeration finds the smallest. */
            headroom = scenarios[c].memory / 8;
            if (headroom < 64 * MIB)
                headroom = 64 * MIB;
            enumerate(&h, (scenarios[c].memory + headroom) / 1024,
                      (int)scenarios[c].vcpus, &e);
            print_time(a, sizeof(a), ours);
            print_time(b, sizeof(b) - 1, e.ns);
            if (e.total_combos == UINT64_MAX)
                snprintf(combos, sizeof(combos), "> 1.8e19");
            else
                snprintf(combos, sizeof(combos), "%" PRIu64, e.total_combos);
            snprintf(edist, sizeof(edist), e.extrapolated ? "?" : "%u",
                     e.max_distance);
            printf("%5u  %-15s %10s %5u %4u  %c%12s %5u %4s %17s  %9.3gx\n",
                   sizes[s], scenarios[c].name, a, our_nodes, our_distance,
                   e.extrapolated ? '~' : ' ', b, e.nr_nodes, edist, combos,
                   e.ns / (double)ours);
        }
        free_host(&h);
    }
    worst_case();
    printf("\n'set' is the size of the chosen set, 'dist' the largest distance in it.  Both need the memory "
           "plus nodeaff's headroom, max(memory/8, 64 MiB),\nso the "
           "enumeration's size is the smallest possible; ours is the closest "
           "set, then the smallest at that distance.\n"
           "Goal: ours <= 1 ms at 64 nodes (typical domains); the worst case "
           "is bounded by the search budget.\n");
    return 0;
}
