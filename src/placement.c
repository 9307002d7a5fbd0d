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
 *    offline and memory-less (or full) nodes are never used.  "Free"
 *    means free and not claimed: memory that domains have claimed on a
 *    node (nodeaff_domain_claim(), the topology's claimed bytes) is not
 *    there for a new domain, so a node whose free memory is all claimed
 *    is not eligible, and every figure below is free minus claimed.
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
 * 4. The placement is the set that fits, among ALL sets of eligible nodes,
 *    that comes first by step 5's key: the smallest largest distance
 *    between two members (locality first: four nodes of one socket beat
 *    three spread over sockets); then the fewest nodes; then the fewest
 *    vCPUs already placed; then the most free memory; then the lowest node
 *    ids.  A single node that fits has the smallest distance (10), so one
 *    wins whenever one exists.  The distance between a and b is
 *    max(d(a,b), d(b,a)), so asymmetric matrices are handled; an unknown
 *    distance counts as 255.
 *    It is found by an exact search, seeded with the best of the greedy
 *    candidates below: for a distance bound D, the sets whose pairs are
 *    all within D are the cliques of the graph "d <= D"; a binary search
 *    over the distances that occur, up to the greedy set's, finds the
 *    smallest D under which a set fits, and a walk over the cliques under
 *    it the best one (starting from the greedy set if it has that
 *    distance), cutting every branch whose best completion could not fit
 *    or win.  The walks share a budget of 8192 steps, which always
 *    suffices for up to 10 eligible nodes (at most 2^10 sets per walk, at
 *    most 7 walks).  On larger hosts it may run out (measured on the
 *    benchmark's firmware-like hosts: never at 16 nodes, for about 1 in 9
 *    domain sizes at 32 and about half at 64, mostly domains spanning
 *    many nodes); the placement is then the best set found, at least as
 *    good as the greedy sets by this key, and its verdict says it is not
 *    proven the best.
 *    Candidates for --explain: besides the exact set, from each seed s a
 *    set is grown greedily: start with {s}; while the set does not fit,
 *    add the eligible node n outside it that comes first by: the smallest
 *    largest distance between n and a member; then a node that makes the
 *    set fit on its own; then the smallest sum of distances between n and
 *    the members; then, if n makes the set fit, the fewest vCPUs on n and
 *    the most free memory, and if it does not, the most free memory and
 *    the fewest vCPUs; then the lowest id.  Then members other than s,
 *    smallest free memory first (ties: more vCPUs, then higher id), are
 *    dropped while the set still fits without them.
 *
 * 5. Identical candidates are merged and the rest ranked by: smaller
 *    largest distance between two members; then fewer nodes; then fewer
 *    vCPUs already placed; then more free memory; then the lowest node ids
 *    (the set holding the lowest node not in both wins).  Candidate 0 is
 *    the placement.  Its verdict also says when the CPU condition, not the
 *    memory, made the set larger or farther apart than memory alone needs.
 *
 * Every comparison is on integers and ends on node ids: the same input
 * gives the same output.  Cost, for N <= 64 nodes (NODEAFF_TOPOLOGY_MAX_
 * NODES: no Xen host has more): the exact search at most 8192 + 2048 steps
 * of O(N) work (the second walk, for the verdict, runs without the CPU
 * condition), the greedy candidates O(N^3), memory O(N^2).  Measured worst
 * case at 64 nodes: tests/bench/bench-placement.c and the README.
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
    char verdict[256];
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
    const uint8_t (*dist)[64];  /* pair_distance(), from the exact search */
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
        d = g->dist[node][n];
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

/*
 * Step 4's exact search.  Node sets are 64-bit masks (a topology has at
 * most NODEAFF_TOPOLOGY_MAX_NODES = 64 nodes).  For a distance bound D,
 * the sets whose pairs are all within D are the cliques of the graph
 * "d(a,b) <= D"; a depth-first walk over them in ascending node order
 * (which meets sets in the order of step 5's last key, the lowest ids)
 * answers "does one fit?" (a binary search for the smallest D) and then
 * "which is best?".  A branch is cut when even its best completion could
 * not fit or not beat the best set so far.  Every step counts against a
 * budget, so the work is bounded whatever the topology.
 */
#define EXACT_BUDGET (UINT32_C(1) << 13)
/* The second search, for --explain's note only, gets less. */
#define NOTE_BUDGET (UINT32_C(1) << 11)

struct exact {
    const struct nodeaff_topology *t;
    uint64_t eligible;
    uint64_t adj[64];           /* neighbours within the distance bound */
    uint8_t dist[64][64];       /* pair_distance() of eligible nodes */
    uint8_t by_free[64];        /* eligible nodes, most free memory first */
    uint8_t by_vcpus[64];       /* eligible nodes, fewest vCPUs first */
    unsigned int nr_eligible;
    uint64_t need, cpu_need;
    uint32_t budget;            /* steps left; 0: gave up */
    /* The best set so far; best_count 0 while there is none.  seeded: it
     * is the greedy winner, which a set the walk meets and that is as good
     * replaces (the walk's order then settles ties on ids). */
    uint64_t best;
    unsigned int best_count;
    uint64_t best_vcpus, best_free;
    int seeded;
};

/* The walk's state: a set and its sums. */
struct partial {
    uint64_t set;
    unsigned int count;
    uint64_t free, cpus, vcpus;
};

static uint64_t sum_free(const struct nodeaff_topology *t, uint64_t set)
{
    uint64_t sum = 0;

    for (; set; set &= set - 1)
        sum = sat_add(sum, t->nodes[__builtin_ctzll(set)].free);
    return sum;
}

static uint64_t sum_cpus(const struct nodeaff_topology *t, uint64_t set)
{
    uint64_t sum = 0;

    for (; set; set &= set - 1)
        sum += t->nodes[__builtin_ctzll(set)].cpus;
    return sum;
}

static uint64_t sum_vcpus(const struct nodeaff_topology *t, uint64_t set)
{
    uint64_t sum = 0;

    for (; set; set &= set - 1)
        sum += t->nodes[__builtin_ctzll(set)].vcpus;
    return sum;
}

/* The free memory of the k members of set with the most (k = all if 0). */
static uint64_t top_free(const struct exact *x, uint64_t set, unsigned int k)
{
    uint64_t sum = 0;
    unsigned int i;

    for (i = 0; i < x->nr_eligible && set; i++) {
        unsigned int n = x->by_free[i];

        if (!((set >> n) & 1))
            continue;
        sum = sat_add(sum, x->t->nodes[n].free);
        set &= ~(UINT64_C(1) << n);
        if (k && --k == 0)
            break;
    }
    return sum;
}

/* The vCPUs of the k members of set with the fewest. */
static uint64_t least_vcpus(const struct exact *x, uint64_t set, unsigned int k)
{
    uint64_t sum = 0;
    unsigned int i;

    for (i = 0; i < x->nr_eligible && k; i++) {
        unsigned int n = x->by_vcpus[i];

        if ((set >> n) & 1) {
            sum += x->t->nodes[n].vcpus;
            k--;
        }
    }
    return sum;
}

static void exact_bound(struct exact *x, unsigned int bound)
{
    unsigned int a, b;

    for (a = 0; a < x->t->nr_nodes; a++) {
        x->adj[a] = 0;
        if (!((x->eligible >> a) & 1))
            continue;
        for (b = 0; b < x->t->nr_nodes; b++)
            if (b != a && ((x->eligible >> b) & 1) && x->dist[a][b] <= bound)
                x->adj[a] |= UINT64_C(1) << b;
    }
}

/* Is a fitting set better than the best so far?  Step 5's key after the
 * distance (which the caller holds fixed) and before the ids (the walk
 * meets sets in id order, so an earlier one wins a tie). */
static int exact_better(const struct exact *x, const struct partial *s)
{
    if (!x->best_count)
        return 1;
    if (s->count != x->best_count)
        return s->count < x->best_count;
    if (s->vcpus != x->best_vcpus)
        return s->vcpus < x->best_vcpus;
    return s->free > x->best_free || (x->seeded && s->free == x->best_free);
}

/*
 * Can some set of s plus at most k nodes of cand (any number if k is 0)
 * fit and beat the best so far?  A cheap over-estimate: 0 only when none
 * can.
 */
static int exact_hopeful(const struct exact *x, const struct partial *s,
                         uint64_t cand, uint64_t cand_cpus, unsigned int k)
{
    uint64_t fr = sat_add(s->free, top_free(x, cand, k));
    uint64_t vcpus;

    if (fr < x->need || s->cpus + cand_cpus < x->cpu_need)
        return 0;
    if (!x->best_count || k == 0)
        return 1;
    /* A completion with fewer nodes than the best's would win outright. */
    if (k > 1 && sat_add(s->free, top_free(x, cand, k - 1)) >= x->need)
        return 1;
    /* Only completions of exactly k nodes remain: can one win the tie? */
    vcpus = s->vcpus + least_vcpus(x, cand, k);
    return vcpus < x->best_vcpus ||
           (vcpus == x->best_vcpus &&
            (fr > x->best_free || (x->seeded && fr == x->best_free)));
}

/*
 * Walks the cliques that extend s with nodes of cand.  first: stop at the
 * first set that fits; otherwise keep the best.  Returns 1 if first and
 * one fits, 0 when done, -1 when the budget ran out.
 */
static int exact_walk(struct exact *x, const struct partial *s, uint64_t cand,
                      int first)
{
    uint64_t cand_cpus, cand_free;
    unsigned int room;

    if (x->budget == 0)
        return -1;
    x->budget--;
    if (fits(s->free, s->cpus, x->need, x->cpu_need)) {
        /* A larger set holding this one has more nodes: never better. */
        if (first)
            return 1;
        if (exact_better(x, s)) {
            x->best = s->set;
            x->best_count = s->count;
            x->best_vcpus = s->vcpus;
            x->best_free = s->free;
            x->seeded = 0;
        }
        return 0;
    }
    /* With a best of k nodes, a completion may add at most k - count. */
    room = x->best_count ? x->best_count - s->count : 0;
    if (x->best_count && room == 0)
        return 0;
    cand_cpus = sum_cpus(x->t, cand);
    cand_free = sum_free(x->t, cand);
    if (!exact_hopeful(x, s, cand, cand_cpus, first ? 0 : room))
        return 0;
    while (cand) {
        unsigned int v = (unsigned int)__builtin_ctzll(cand);
        const struct topology_node *nd = &x->t->nodes[v];
        struct partial next;
        int r;

        /* The cheap bound again as cand shrinks (cand_free saturates only
         * when the sum does, and then it bounds nothing). */
        if (sat_add(s->free, cand_free) < x->need ||
            s->cpus + cand_cpus < x->cpu_need)
            return 0;
        cand &= cand - 1;
        next.set = s->set | (UINT64_C(1) << v);
        next.count = s->count + 1;
        next.free = sat_add(s->free, nd->free);
        next.cpus = s->cpus + nd->cpus;
        next.vcpus = s->vcpus + nd->vcpus;
        r = exact_walk(x, &next, cand & x->adj[v], first);
        if (r != 0)
            return r;
        if (cand_free != UINT64_MAX)
            cand_free -= nd->free;
        cand_cpus -= nd->cpus;
    }
    return 0;
}

/* Does a set whose pairs are all within bound fit?  1, 0, or -1 (budget). */
static int exact_fits_within(struct exact *x, unsigned int bound)
{
    static const struct partial empty;

    exact_bound(x, bound);
    return exact_walk(x, &empty, x->eligible, 1);
}

/*
 * The best fitting set by step 5's key: the smallest largest distance,
 * then the fewest nodes, vCPUs, the most free memory, the lowest ids.
 * seed is a fitting set (the greedy winner): it bounds the distances to
 * try and the walk's first best.  Returns 2 and the set in *ret_set if the
 * search finished (the set is the best); 1 if the budget ran out after a
 * set better than seed was found (*ret_set, not proven best); 0 if it ran
 * out before.
 */
static int exact_search(struct exact *x, const struct candidate *seed,
                        uint64_t *ret_set)
{
    static const struct partial empty;
    unsigned int bounds[TOPOLOGY_DIST_MAX + 1], nr_bounds = 0, a, b, lo, hi;
    uint8_t occurs[TOPOLOGY_DIST_MAX + 1] = { 0 };
    int r;

    /* The distances that occur between eligible nodes, ascending, up to
     * the seed's: under it a set is known to fit. */
    occurs[TOPOLOGY_DIST_LOCAL] = 1;
    for (a = 0; a < x->t->nr_nodes; a++)
        for (b = a + 1; b < x->t->nr_nodes; b++)
            if (((x->eligible >> a) & 1) && ((x->eligible >> b) & 1))
                occurs[x->dist[a][b]] = 1;
    for (a = 0; a <= seed->max_distance; a++)
        if (occurs[a])
            bounds[nr_bounds++] = a;

    /* Fitting is monotone in the bound, and the seed's bound fits. */
    lo = 0;
    hi = nr_bounds - 1;
    /* One node that fits is distance 10: no walk needed to know it. */
    for (a = 0; a < x->t->nr_nodes && hi; a++)
        if (((x->eligible >> a) & 1) &&
            fits(x->t->nodes[a].free, x->t->nodes[a].cpus, x->need, x->cpu_need))
            hi = 0;
    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;

        r = exact_fits_within(x, bounds[mid]);
        if (r < 0)
            return 0;
        if (r)
            hi = mid;
        else
            lo = mid + 1;
    }
    exact_bound(x, bounds[lo]);
    x->best = 0;
    x->best_count = 0;
    x->seeded = 0;
    if (bounds[lo] == seed->max_distance) {
        x->best = seed->bits[0];
        x->best_count = seed->nr_nodes;
        x->best_vcpus = seed->vcpus;
        x->best_free = seed->free;
        x->seeded = 1;
    }
    r = exact_walk(x, &empty, x->eligible, 0);
    if (!x->best_count || x->seeded)
        return 0;
    *ret_set = x->best;
    return r < 0 ? 1 : 2;
}

static int by_free_cmp(const void *pa, const void *pb, void *arg)
{
    const struct nodeaff_topology *t = arg;
    uint64_t a = t->nodes[*(const uint8_t *)pa].free;
    uint64_t b = t->nodes[*(const uint8_t *)pb].free;

    return a > b ? -1 : a < b;
}

static int by_vcpus_cmp(const void *pa, const void *pb, void *arg)
{
    const struct nodeaff_topology *t = arg;
    unsigned int a = t->nodes[*(const uint8_t *)pa].vcpus;
    unsigned int b = t->nodes[*(const uint8_t *)pb].vcpus;

    return a < b ? -1 : a > b;
}

/* Sets the exact search up for a topology and a need. */
static void exact_init(struct exact *x, const struct nodeaff_topology *t,
                       const uint8_t *eligible, uint64_t need,
                       uint64_t cpu_need)
{
    unsigned int a, b;

    x->t = t;
    x->eligible = 0;
    x->nr_eligible = 0;
    for (a = 0; a < t->nr_nodes; a++) {
        if (eligible[a]) {
            x->eligible |= UINT64_C(1) << a;
            x->by_free[x->nr_eligible] = (uint8_t)a;
            x->by_vcpus[x->nr_eligible++] = (uint8_t)a;
        }
    }
    qsort_r(x->by_free, x->nr_eligible, 1, by_free_cmp, (void *)t);
    qsort_r(x->by_vcpus, x->nr_eligible, 1, by_vcpus_cmp, (void *)t);
    for (a = 0; a < t->nr_nodes; a++)
        for (b = a + 1; b < t->nr_nodes; b++)
            x->dist[a][b] = x->dist[b][a] = (uint8_t)pair_distance(t, a, b);
    x->need = need;
    x->cpu_need = cpu_need;
    x->budget = EXACT_BUDGET;
    x->best = 0;
    x->best_count = 0;
}

/* A candidate holding the members of set. */
static int candidate_of_set(const struct nodeaff_topology *t, uint64_t set,
                            struct candidate *c, unsigned int nr_words)
{
    unsigned int m, j;
    uint64_t rest;

    c->bits = calloc(nr_words, sizeof(*c->bits));
    if (!c->bits)
        return -ENOMEM;
    c->bits[0] = set;
    c->nr_nodes = (unsigned int)__builtin_popcountll(set);
    c->free = sum_free(t, set);
    c->vcpus = sum_vcpus(t, set);
    c->max_distance = TOPOLOGY_DIST_LOCAL;
    for (rest = set; rest; rest &= rest - 1) {
        m = (unsigned int)__builtin_ctzll(rest);
        for (j = m + 1; j < t->nr_nodes; j++) {
            unsigned int d;

            if (!((set >> j) & 1))
                continue;
            d = pair_distance(t, m, j);
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

    if (a->max_distance != b->max_distance)
        return a->max_distance < b->max_distance ? -1 : 1;
    if (a->nr_nodes != b->nr_nodes)
        return a->nr_nodes < b->nr_nodes ? -1 : 1;
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

/* A size for a sentence: MiB, or KiB below 1 MiB so it never reads 0. */
static const char *size_text(uint64_t bytes, char *buf, size_t size)
{
    if (bytes >= MIB || bytes == 0)
        snprintf(buf, size, "%llu MiB", (unsigned long long)(bytes / MIB));
    else
        snprintf(buf, size, "%llu KiB", (unsigned long long)((bytes + 1023) / 1024));
    return buf;
}

/* Why the winner beat the runner-up, or why a loser lost to the winner. */
static void write_verdicts(struct nodeaff_placement *p, enum fit_kind fit,
                           uint64_t memory, uint64_t need, const char *note)
{
    struct candidate *w = &p->cand[0];
    const char *why = "the only candidate";
    char fitbuf[96], s1[32], s2[32];
    unsigned int i;

    if (p->nr_candidates > 1) {
        const struct candidate *r = &p->cand[1];

        if (w->max_distance != r->max_distance)
            why = "closest nodes";
        else if (w->nr_nodes != r->nr_nodes)
            why = "fewest nodes";
        else if (w->vcpus != r->vcpus)
            why = "fewest vCPUs already placed";
        else if (w->free != r->free)
            why = "most free memory";
        else
            why = "lowest node ids";
    }
    switch (fit) {
    case FIT_HEADROOM:
        snprintf(fitbuf, sizeof(fitbuf), "fits with headroom (%s needed)",
                 size_text(need, s1, sizeof(s1)));
        break;
    case FIT_EXACT:
        snprintf(fitbuf, sizeof(fitbuf),
                 "fits only without headroom (%s needed)",
                 size_text(need, s1, sizeof(s1)));
        break;
    default:
        snprintf(fitbuf, sizeof(fitbuf),
                 "does NOT fit: %s short of %s",
                 size_text(memory - w->free, s1, sizeof(s1)),
                 size_text(memory, s2, sizeof(s2)));
        break;
    }
    snprintf(w->verdict, sizeof(w->verdict), "chosen: %s; %s%s", why, fitbuf,
             note);

    for (i = 1; i < p->nr_candidates; i++) {
        struct candidate *c = &p->cand[i];

        if (c->max_distance != w->max_distance)
            snprintf(c->verdict, sizeof(c->verdict),
                     "nodes farther apart than the winner's (distance %u > %u)",
                     c->max_distance, w->max_distance);
        else if (c->nr_nodes != w->nr_nodes)
            snprintf(c->verdict, sizeof(c->verdict),
                     "more nodes than the winner (%u > %u)",
                     c->nr_nodes, w->nr_nodes);
        else if (c->vcpus != w->vcpus)
            snprintf(c->verdict, sizeof(c->verdict),
                     "more vCPUs already placed than the winner (%llu > %llu)",
                     (unsigned long long)c->vcpus,
                     (unsigned long long)w->vcpus);
        else if (c->free != w->free)
            snprintf(c->verdict, sizeof(c->verdict),
                     "less free memory than the winner (%s < %s)",
                     size_text(c->free, s1, sizeof(s1)),
                     size_text(w->free, s2, sizeof(s2)));
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

/* Steps 1 to 5 on t's free memory, claims not counted (nodeaff_place()
 * hands in a view whose free memory is the unclaimed part). */
static int place_on(const struct nodeaff_topology *topology,
                    uint64_t memory_bytes, unsigned int vcpus,
                    unsigned int flags,
                    struct nodeaff_placement **ret_placement)
{
    const struct nodeaff_topology *t = topology;
    struct nodeaff_placement *p = NULL;
    struct grower g = { 0 };
    struct exact *x = NULL;
    struct candidate mem_only = { 0 };
    uint64_t exact_set = 0, mem_set = 0;
    unsigned int best_greedy;
    int exact;
    char note[128] = "";
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
    p->cand = calloc(nr_seeds + 1, sizeof(*p->cand));
    g.t = t;
    g.eligible = eligible;
    g.in_set = malloc(t->nr_nodes);
    g.maxd = malloc(t->nr_nodes * sizeof(*g.maxd));
    g.sumd = malloc(t->nr_nodes * sizeof(*g.sumd));
    g.members = malloc(t->nr_nodes * sizeof(*g.members));
    x = malloc(sizeof(*x));
    if (!p->cand || !g.in_set || !g.maxd || !g.sumd || !g.members || !x)
        goto out;

    cand_words = (t->nr_nodes + 63) / 64;
    exact_init(x, t, eligible, need, cpu_need);
    g.dist = (const uint8_t (*)[64])x->dist;
    for (n = 0; n < t->nr_nodes; n++) {
        if (!eligible[n] || (seed_cpus && !t->nodes[n].cpus))
            continue;
        r = grow(&g, n, need, cpu_need, &p->cand[p->nr_candidates],
                 cand_words);
        p->nr_candidates++;   /* counted even on failure, so it is freed */
        if (r < 0)
            goto out;
    }
    for (i = 1, best_greedy = 0; i < p->nr_candidates; i++)
        if (cand_cmp(&p->cand[i], &p->cand[best_greedy], &cand_words) < 0)
            best_greedy = i;

    exact = exact_search(x, &p->cand[best_greedy], &exact_set);
    if (exact) {
        r = candidate_of_set(t, exact_set, &p->cand[p->nr_candidates++],
                             cand_words);
        if (r < 0)
            goto out;
    }
    if (exact == 2) {
        const struct candidate *won = &p->cand[p->nr_candidates - 1];

        /* Say so when the CPUs, not the memory, made the set larger. */
        exact_init(x, t, eligible, need, 0);
        x->budget = NOTE_BUDGET;
        if (cpu_need > 0 && won->nr_nodes > 1 &&
            exact_search(x, won, &mem_set) == 2 &&
            candidate_of_set(t, mem_set, &mem_only, cand_words) == 0) {
            if (mem_only.max_distance < won->max_distance ||
                mem_only.nr_nodes < won->nr_nodes)
                snprintf(note, sizeof(note), "; CPUs, not memory, set the "
                         "size: %llu needed, memory alone fits %u node%s",
                         (unsigned long long)cpu_need, mem_only.nr_nodes,
                         mem_only.nr_nodes == 1 ? "" : "s");
            free(mem_only.bits);
        }
    } else {
        snprintf(note, sizeof(note), "; the exact search ran out of its "
                 "budget: the best set found, not proven the best");
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
    write_verdicts(p, fit, memory_bytes, need, note);

    *ret_placement = p;
    p = NULL;
    r = 0;
out:
    nodeaff_placement_free(p);
    free(g.in_set);
    free(g.maxd);
    free(g.sumd);
    free(g.members);
    free(x);
    free(eligible);
    return r;
}

static int has_claims(const struct nodeaff_topology *t)
{
    unsigned int n;

    for (n = 0; n < t->nr_nodes; n++)
        if (t->nodes[n].online && t->nodes[n].claimed)
            return 1;
    return 0;
}

/* t as a new domain sees it: each node's free memory less its claims.
 * Shares t's distance and CPU arrays; free with free_view(). */
static struct nodeaff_topology *unclaimed_view(const struct nodeaff_topology *t)
{
    struct nodeaff_topology *v = malloc(sizeof(*v));
    unsigned int n;

    if (!v)
        return NULL;
    *v = *t;
    v->nodes = malloc(t->nr_nodes * sizeof(*v->nodes));
    if (!v->nodes) {
        free(v);
        return NULL;
    }
    for (n = 0; n < t->nr_nodes; n++) {
        v->nodes[n] = t->nodes[n];
        v->nodes[n].free = topology_unclaimed(&t->nodes[n]);
        v->nodes[n].claimed = 0;
    }
    return v;
}

static void free_view(struct nodeaff_topology *v)
{
    if (v)
        free(v->nodes);
    free(v);
}

/* Bytes claimed on the nodes of map. */
static uint64_t claimed_on(const struct nodeaff_topology *t,
                           const struct nodeaff_nodemap *map)
{
    uint64_t sum = 0;
    int n;

    for (n = nodeaff_nodemap_first(map); n >= 0;
         n = nodeaff_nodemap_next(map, (unsigned int)n))
        sum = sat_add(sum, t->nodes[n].claimed);
    return sum;
}

/*
 * When claims changed the outcome, the winner's verdict says so: the set
 * that would have won on free memory alone, and what is claimed there.
 * Placing once more without the claims is the only way to know; it costs
 * one placement, and only on a host where something is claimed.
 */
static void note_claims(const struct nodeaff_topology *t,
                        struct nodeaff_placement *p, uint64_t memory_bytes,
                        unsigned int vcpus, unsigned int flags)
{
    struct nodeaff_placement *unclaimed = NULL;
    struct candidate *w = &p->cand[0];
    char set[96], s1[32];
    size_t len = strlen(w->verdict);

    /* topology's own free figures include the claimed memory. */
    if (place_on(t, memory_bytes, vcpus, flags, &unclaimed) < 0)
        return;
    if (nodeaff_nodemap_equal(unclaimed->cand[0].map, w->map) != 1 &&
        nodeaff_nodemap_format(unclaimed->cand[0].map, NODEAFF_FORMAT_LIST,
                               set, sizeof(set)) > 0)
        snprintf(w->verdict + len, sizeof(w->verdict) - len,
                 "; claimed memory mattered: without claims node%s %s "
                 "(%s claimed there) would have won",
                 strpbrk(set, ",-") ? "s" : "", set,
                 size_text(claimed_on(t, unclaimed->cand[0].map), s1,
                           sizeof(s1)));
    nodeaff_placement_free(unclaimed);
}

NODEAFF_EXPORT int nodeaff_place(const struct nodeaff_topology *topology,
                                 uint64_t memory_bytes, unsigned int vcpus,
                                 unsigned int flags,
                                 struct nodeaff_placement **ret_placement)
{
    struct nodeaff_topology *view;
    int r;

    if (!topology || !ret_placement || memory_bytes == 0 || vcpus == 0 ||
        (flags & ~NODEAFF_STRICT))
        return -EINVAL;
    if (!has_claims(topology))
        return place_on(topology, memory_bytes, vcpus, flags, ret_placement);

    view = unclaimed_view(topology);
    if (!view)
        return -ENOMEM;
    r = place_on(view, memory_bytes, vcpus, flags, ret_placement);
    if (r == 0)
        note_claims(topology, *ret_placement, memory_bytes, vcpus, flags);
    free_view(view);
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
