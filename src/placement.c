/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Automatic placement: which nodes a new domain should use.
 *
 * THE ALGORITHM (this text is also the PLACEMENT section of nodeaff(3))
 *
 * Input: a topology (per node: online or not, free memory, CPUs, vCPUs
 * already placed; the distance matrix), the domain's memory M and vCPU
 * count V, and the mode (preferred or NODEAFF_STRICT).
 *
 * 1. Eligible nodes are the online nodes with free memory (free > 0);
 *    offline and memory-less (or full) nodes are never used.
 *
 * 2. Seeds are the eligible nodes that have CPUs.  A CPU-less node (memory
 *    only, like CXL or HBM expanders) never forms a set on its own, since no
 *    vCPU could run local to it, but it may join a set for its memory.  If
 *    no eligible node has a CPU (for instance a hand-built topology without
 *    CPUs), every eligible node is a seed.
 *
 * 3. Headroom H = max(M / 8, 64 MiB).  It covers what Xen allocates for a
 *    domain beyond its RAM (p2m and paging pool, about 1/128 of RAM plus
 *    1 MiB per vCPU; video RAM) and keeps a node from being filled to its
 *    last page, which would push the domain's later allocations and the next
 *    domain's off-node.  The memory a set must hold, need, is:
 *      - M + H if the eligible nodes together have that much free;
 *      - else M if they have that much (sets then fit without headroom);
 *      - else nothing fits: NODEAFF_STRICT fails with -ENOSPC; preferred
 *        placement returns the set of every eligible node (need = all their
 *        free memory): Xen may then find memory after a balloon-down, and
 *        the caller sees the shortfall in candidate 0's free memory.  No
 *        eligible node at all is -ENOSPC in both modes.
 *    A set also needs at least min(V, CPUs on all eligible nodes) CPUs, as
 *    libxl's placement requires, so vCPUs do not queue on too few CPUs.
 *    "Fits" below means both conditions.
 *
 * 4. From each seed s a candidate is grown greedily: start with {s}; while
 *    the set does not fit, add the eligible node n outside it that comes
 *    first by: the smallest largest distance between n and a member; then
 *    a node that makes the set fit on its own before one that does not;
 *    then the smallest sum of distances between n and the members; then,
 *    if n makes the set fit, the fewest vCPUs on n and the most free
 *    memory, and if it does not, the most free memory and the fewest vCPUs
 *    (so the set needs fewer nodes); then the lowest id.  The distance
 *    between a and b is max(d(a,b), d(b,a)), so asymmetric matrices are
 *    handled; an unknown distance counts as 255.
 *    Then the set is trimmed: members other than s, taken in increasing
 *    order of free memory (ties: more vCPUs first, then higher id first),
 *    are dropped while the set still fits without them.  Dropping a node
 *    never makes the set's diameter larger.
 *
 * 5. Identical candidates from different seeds are merged, and the
 *    candidates are ranked by: fewer nodes; then smaller largest distance
 *    between two members; then fewer vCPUs already placed on the members;
 *    then more free memory; then the lowest node ids (the set holding the
 *    lowest node not in both wins).  Candidate 0 is the placement.  So one
 *    node that fits with headroom wins whenever one exists.  Because sets
 *    grow through near nodes before far ones, the result may hold a node
 *    more than the smallest set that fits, when that set would span larger
 *    distances (e.g. four nodes of one socket rather than three spread over
 *    sockets): locality is worth more than one node fewer.
 *
 * Every comparison is on integers and ends on node ids: the same input
 * gives the same output.  Cost: at most N seeds, each grown by at most N
 * steps of O(N) work, O(N^3) time and O(N^2) memory for N nodes, with no
 * enumeration of combinations (libxl enumerates all combinations of k nodes
 * for growing k, which is why it gives up above 16 nodes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology-private.h"

#define MIB (UINT64_C(1) << 20)
#define HEADROOM_MIN (64 * MIB)
#define HEADROOM_DIVISOR 8

/* How a placement meets its memory need (see step 3). */
enum fit_kind {
    FIT_HEADROOM,   /* sets hold M + H */
    FIT_EXACT,      /* sets hold M, not M + H */
    FIT_SHORT,      /* preferred only: nothing holds M */
};

struct candidate {
    struct nodeaff_nodemap *map;
    uint64_t *bits;           /* members as words, for comparing sets */
    unsigned int nr_nodes;
    unsigned int max_distance;
    uint64_t vcpus;
    uint64_t free;
    char verdict[192];
};

struct nodeaff_placement {
    unsigned int nr_candidates;
    struct candidate *cand;   /* ranked, 0 is the winner */
};

/* Scratch space for growing one candidate, reused across seeds. */
struct grower {
    const struct nodeaff_topology *t;
    const uint8_t *eligible;
    uint8_t *in_set;
    uint16_t *maxd;           /* largest distance from node to the set */
    uint32_t *sumd;           /* sum of distances from node to the set */
    uint32_t *members;
    unsigned int nr_members;
    uint64_t free;
    uint64_t cpus;
};

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int fits(uint64_t free, uint64_t cpus, uint64_t need, uint64_t cpu_need)
{
    return free >= need && cpus >= cpu_need;
}

/* The symmetric distance used for closeness; unknown is as far as can be. */
static unsigned int pair_distance(const struct nodeaff_topology *t,
                                  unsigned int a, unsigned int b)
{
    unsigned int ab = topology_distance(t, a, b);
    unsigned int ba = topology_distance(t, b, a);

    if (ab == TOPOLOGY_DIST_UNKNOWN)
        ab = TOPOLOGY_DIST_MAX;
    if (ba == TOPOLOGY_DIST_UNKNOWN)
        ba = TOPOLOGY_DIST_MAX;
    return ab > ba ? ab : ba;
}

/*
 * Is node a a better node to add than node b?  (step 4's key)  need and
 * cpu_need say whether a node would complete the set on its own.
 */
static int grow_better(const struct grower *g, unsigned int a, unsigned int b,
                       uint64_t need, uint64_t cpu_need)
{
    const struct topology_node *na = &g->t->nodes[a], *nb = &g->t->nodes[b];
    int done_a, done_b;

    if (g->maxd[a] != g->maxd[b])
        return g->maxd[a] < g->maxd[b];
    done_a = fits(sat_add(g->free, na->free), g->cpus + na->cpus, need, cpu_need);
    done_b = fits(sat_add(g->free, nb->free), g->cpus + nb->cpus, need, cpu_need);
    if (done_a != done_b)
        return done_a;
    if (g->sumd[a] != g->sumd[b])
        return g->sumd[a] < g->sumd[b];
    if (!done_a && na->free != nb->free)
        return na->free > nb->free;
    if (na->vcpus != nb->vcpus)
        return na->vcpus < nb->vcpus;
    if (na->free != nb->free)
        return na->free > nb->free;
    return a < b;
}

static void grow_add(struct grower *g, unsigned int node)
{
    const struct nodeaff_topology *t = g->t;
    unsigned int n;

    g->in_set[node] = 1;
    g->members[g->nr_members++] = node;
    g->free = sat_add(g->free, t->nodes[node].free);
    g->cpus += t->nodes[node].cpus;
    for (n = 0; n < t->nr_nodes; n++) {
        unsigned int d;

        if (!g->eligible[n] || g->in_set[n])
            continue;
        d = pair_distance(t, node, n);
        if (d > g->maxd[n])
            g->maxd[n] = (uint16_t)d;
        g->sumd[n] += d;
    }
}

/* Trim order (step 4): smaller free first, then more vCPUs, then higher id.
 * qsort_r keeps nodeaff_place() free of global state, so it is thread-safe. */
static int trim_cmp(const void *pa, const void *pb, void *arg)
{
    const struct nodeaff_topology *t = arg;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const struct topology_node *na = &t->nodes[a];
    const struct topology_node *nb = &t->nodes[b];

    if (na->free != nb->free)
        return na->free < nb->free ? -1 : 1;
    if (na->vcpus != nb->vcpus)
        return na->vcpus > nb->vcpus ? -1 : 1;
    return a > b ? -1 : a < b;
}

/* Grows the candidate of seed (step 4) into c; returns 0 or -ENOMEM. */
static int grow(struct grower *g, unsigned int seed, uint64_t need,
                uint64_t cpu_need, struct candidate *c, unsigned int nr_words)
{
    const struct nodeaff_topology *t = g->t;
    unsigned int n, i, j, kept;

    memset(g->in_set, 0, t->nr_nodes);
    memset(g->maxd, 0, t->nr_nodes * sizeof(*g->maxd));
    memset(g->sumd, 0, t->nr_nodes * sizeof(*g->sumd));
    g->nr_members = 0;
    g->free = 0;
    g->cpus = 0;
    grow_add(g, seed);

    while (!fits(g->free, g->cpus, need, cpu_need)) {
        int best = -1;

        for (n = 0; n < t->nr_nodes; n++) {
            if (!g->eligible[n] || g->in_set[n])
                continue;
            if (best < 0 ||
                grow_better(g, n, (unsigned int)best, need, cpu_need))
                best = (int)n;
        }
        if (best < 0)
            break;  /* cannot happen: need was chosen so that all nodes fit */
        grow_add(g, (unsigned int)best);
    }

    /* Trim nodes that turned out unnecessary (members[0] is the seed). */
    if (g->nr_members > 2)
        qsort_r(g->members + 1, g->nr_members - 1, sizeof(*g->members),
                trim_cmp, (void *)t);
    kept = 1;
    for (i = 1; i < g->nr_members; i++) {
        const struct topology_node *nd = &t->nodes[g->members[i]];

        if (g->free - nd->free >= need && g->cpus - nd->cpus >= cpu_need &&
            g->free != UINT64_MAX) {
            g->free -= nd->free;
            g->cpus -= nd->cpus;
        } else {
            g->members[kept++] = g->members[i];
        }
    }
    g->nr_members = kept;

    c->bits = calloc(nr_words, sizeof(*c->bits));
    if (!c->bits)
        return -ENOMEM;
    c->nr_nodes = kept;
    c->free = 0;
    c->vcpus = 0;
    c->max_distance = TOPOLOGY_DIST_LOCAL;
    for (i = 0; i < kept; i++) {
        unsigned int m = g->members[i];

        c->bits[m / 64] |= UINT64_C(1) << (m % 64);
        c->free = sat_add(c->free, t->nodes[m].free);
        c->vcpus += t->nodes[m].vcpus;
        for (j = i + 1; j < kept; j++) {
            unsigned int d = pair_distance(t, m, g->members[j]);

            if (d > c->max_distance)
                c->max_distance = d;
        }
    }
    return 0;
}

/* Step 5's ranking; 0 only for identical sets.  arg: the number of words. */
static int cand_cmp(const void *pa, const void *pb, void *arg)
{
    const struct candidate *a = pa, *b = pb;
    unsigned int w, cand_words = *(const unsigned int *)arg;

    if (a->nr_nodes != b->nr_nodes)
        return a->nr_nodes < b->nr_nodes ? -1 : 1;
    if (a->max_distance != b->max_distance)
        return a->max_distance < b->max_distance ? -1 : 1;
    if (a->vcpus != b->vcpus)
        return a->vcpus < b->vcpus ? -1 : 1;
    if (a->free != b->free)
        return a->free > b->free ? -1 : 1;
    for (w = 0; w < cand_words; w++) {
        uint64_t diff = a->bits[w] ^ b->bits[w];

        if (diff) {
            uint64_t lowest = diff & (~diff + 1);

            return (a->bits[w] & lowest) ? -1 : 1;
        }
    }
    return 0;
}

static unsigned long long mib(uint64_t bytes)
{
    return (unsigned long long)(bytes / MIB);
}

/* Why the winner beat the runner-up, or why a loser lost to the winner. */
static void write_verdicts(struct nodeaff_placement *p, enum fit_kind fit,
                           uint64_t memory, uint64_t need)
{
    struct candidate *w = &p->cand[0];
    const char *why = "the only candidate";
    char fitbuf[96];
    unsigned int i;

    if (p->nr_candidates > 1) {
        const struct candidate *r = &p->cand[1];

        if (w->nr_nodes != r->nr_nodes)
            why = "fewest nodes";
        else if (w->max_distance != r->max_distance)
            why = "closest nodes";
        else if (w->vcpus != r->vcpus)
            why = "fewest vCPUs already placed";
        else if (w->free != r->free)
            why = "most free memory";
        else
            why = "lowest node ids";
    }
    switch (fit) {
    case FIT_HEADROOM:
        snprintf(fitbuf, sizeof(fitbuf), "fits with headroom (%llu MiB needed)",
                 mib(need));
        break;
    case FIT_EXACT:
        snprintf(fitbuf, sizeof(fitbuf),
                 "fits only without headroom (%llu MiB needed)", mib(need));
        break;
    default:
        snprintf(fitbuf, sizeof(fitbuf),
                 "does NOT fit: %llu MiB short of %llu MiB",
                 mib(memory - w->free), mib(memory));
        break;
    }
    snprintf(w->verdict, sizeof(w->verdict), "chosen: %s; %s", why, fitbuf);

    for (i = 1; i < p->nr_candidates; i++) {
        struct candidate *c = &p->cand[i];

        if (c->nr_nodes != w->nr_nodes)
            snprintf(c->verdict, sizeof(c->verdict),
                     "more nodes than the winner (%u > %u)",
                     c->nr_nodes, w->nr_nodes);
        else if (c->max_distance != w->max_distance)
            snprintf(c->verdict, sizeof(c->verdict),
                     "nodes farther apart than the winner's (distance %u > %u)",
                     c->max_distance, w->max_distance);
        else if (c->vcpus != w->vcpus)
            snprintf(c->verdict, sizeof(c->verdict),
                     "more vCPUs already placed than the winner (%llu > %llu)",
                     (unsigned long long)c->vcpus,
                     (unsigned long long)w->vcpus);
        else if (c->free != w->free)
            snprintf(c->verdict, sizeof(c->verdict),
                     "less free memory than the winner (%llu MiB < %llu MiB)",
                     mib(c->free), mib(w->free));
        else
            snprintf(c->verdict, sizeof(c->verdict),
                     "ties with the winner; higher node ids");
    }
}

NODEAFF_EXPORT void nodeaff_placement_free(struct nodeaff_placement *placement)
{
    unsigned int i;

    if (!placement)
        return;
    for (i = 0; i < placement->nr_candidates; i++) {
        nodeaff_nodemap_free(placement->cand[i].map);
        free(placement->cand[i].bits);
    }
    free(placement->cand);
    free(placement);
}

NODEAFF_EXPORT int nodeaff_place(const struct nodeaff_topology *topology,
                                 uint64_t memory_bytes, unsigned int vcpus,
                                 unsigned int flags,
                                 struct nodeaff_placement **ret_placement)
{
    const struct nodeaff_topology *t = topology;
    struct nodeaff_placement *p = NULL;
    struct grower g = { 0 };
    uint8_t *eligible = NULL;
    uint64_t total_free = 0, total_cpus = 0, seed_cpus = 0;
    uint64_t headroom, need, cpu_need;
    unsigned int n, i, nr_seeds = 0, nr_eligible = 0, kept, cand_words;
    enum fit_kind fit;
    int r = -ENOMEM;

    if (!t || !ret_placement || memory_bytes == 0 || vcpus == 0 ||
        (flags & ~NODEAFF_STRICT))
        return -EINVAL;

    eligible = calloc(t->nr_nodes, 1);
    if (!eligible)
        return -ENOMEM;
    for (n = 0; n < t->nr_nodes; n++) {
        if (!t->nodes[n].online || t->nodes[n].free == 0)
            continue;
        eligible[n] = 1;
        nr_eligible++;
        total_free = sat_add(total_free, t->nodes[n].free);
        total_cpus += t->nodes[n].cpus;
        if (t->nodes[n].cpus)
            nr_seeds++;
    }
    if (nr_eligible == 0) {
        r = -ENOSPC;
        goto out;
    }
    seed_cpus = nr_seeds;
    if (nr_seeds == 0)
        nr_seeds = nr_eligible;   /* no CPU information: every node seeds */

    headroom = memory_bytes / HEADROOM_DIVISOR;
    if (headroom < HEADROOM_MIN)
        headroom = HEADROOM_MIN;
    need = sat_add(memory_bytes, headroom);
    cpu_need = vcpus < total_cpus ? vcpus : total_cpus;
    if (total_free >= need) {
        fit = FIT_HEADROOM;
    } else if (total_free >= memory_bytes) {
        fit = FIT_EXACT;
        need = memory_bytes;
    } else if (flags & NODEAFF_STRICT) {
        r = -ENOSPC;
        goto out;
    } else {
        fit = FIT_SHORT;
        need = total_free;
    }

    p = calloc(1, sizeof(*p));
    if (!p)
        goto out;
    p->cand = calloc(nr_seeds, sizeof(*p->cand));
    g.t = t;
    g.eligible = eligible;
    g.in_set = malloc(t->nr_nodes);
    g.maxd = malloc(t->nr_nodes * sizeof(*g.maxd));
    g.sumd = malloc(t->nr_nodes * sizeof(*g.sumd));
    g.members = malloc(t->nr_nodes * sizeof(*g.members));
    if (!p->cand || !g.in_set || !g.maxd || !g.sumd || !g.members)
        goto out;

    cand_words = (t->nr_nodes + 63) / 64;
    for (n = 0; n < t->nr_nodes; n++) {
        if (!eligible[n] || (seed_cpus && !t->nodes[n].cpus))
            continue;
        r = grow(&g, n, need, cpu_need, &p->cand[p->nr_candidates],
                 cand_words);
        p->nr_candidates++;   /* counted even on failure, so it is freed */
        if (r < 0)
            goto out;
    }

    qsort_r(p->cand, p->nr_candidates, sizeof(*p->cand), cand_cmp,
            &cand_words);
    kept = p->nr_candidates ? 1 : 0;
    for (i = 1; i < p->nr_candidates; i++) {
        if (cand_cmp(&p->cand[kept - 1], &p->cand[i], &cand_words) == 0) {
            free(p->cand[i].bits);
            p->cand[i].bits = NULL;
        } else {
            p->cand[kept++] = p->cand[i];
        }
    }
    p->nr_candidates = kept;

    r = -ENOMEM;
    for (i = 0; i < p->nr_candidates; i++) {
        struct candidate *c = &p->cand[i];

        if (nodeaff_nodemap_new(t->nr_nodes, &c->map) < 0)
            goto out;
        for (n = 0; n < t->nr_nodes; n++)
            if ((c->bits[n / 64] >> (n % 64)) & 1)
                nodeaff_nodemap_set(c->map, n);
    }
    write_verdicts(p, fit, memory_bytes, need);

    *ret_placement = p;
    p = NULL;
    r = 0;
out:
    nodeaff_placement_free(p);
    free(g.in_set);
    free(g.maxd);
    free(g.sumd);
    free(g.members);
    free(eligible);
    return r;
}

NODEAFF_EXPORT const struct nodeaff_nodemap *
nodeaff_placement_nodes(const struct nodeaff_placement *placement)
{
    if (!placement || placement->nr_candidates == 0)
        return NULL;
    return placement->cand[0].map;
}

NODEAFF_EXPORT int nodeaff_placement_nr_candidates(const struct nodeaff_placement *placement)
{
    if (!placement)
        return -EINVAL;
    return (int)placement->nr_candidates;
}

NODEAFF_EXPORT int nodeaff_placement_candidate(const struct nodeaff_placement *placement,
                                               unsigned int index,
                                               const struct nodeaff_nodemap **ret_nodes,
                                               uint64_t *ret_free_bytes,
                                               unsigned int *ret_max_distance,
                                               unsigned int *ret_vcpus,
                                               const char **ret_verdict)
{
    const struct candidate *c;

    if (!placement)
        return -EINVAL;
    if (index >= placement->nr_candidates)
        return -ERANGE;
    c = &placement->cand[index];
    if (ret_nodes)
        *ret_nodes = c->map;
    if (ret_free_bytes)
        *ret_free_bytes = c->free;
    if (ret_max_distance)
        *ret_max_distance = c->max_distance;
    if (ret_vcpus)
        *ret_vcpus = c->vcpus > UINT32_MAX ? UINT32_MAX : (unsigned int)c->vcpus;
    if (ret_verdict)
        *ret_verdict = c->verdict;
    return 0;
}
