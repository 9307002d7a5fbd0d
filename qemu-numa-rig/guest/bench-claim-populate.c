/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-claim-populate [PAGES] [ROUNDS]: in-guest benchmark of the
 * allocation path with node claims held (issue 16, patch 0008), in one
 * boot of the patched hypervisor:
 *     rig --preset bench-2node --xen patched --run bench-claim-populate
 *
 * Domain A (a PV domain, never started), strictly bound to the memory
 * node with most free pages, is populated through XENMEM_populate_physmap
 * in extents of order 0 and of order 9, 8192 pages per call, in four
 * cases:
 *   none         no claim anywhere on the host (the anchor);
 *   own-claim    A's own node claim of 8192 pages on the node, set just
 *                before the call, covers it (and is used up by it: each
 *                allocation takes the O(1) path of 0008);
 *   other-claim  another domain B holds a node claim of PAGES pages on
 *                the node, set before and cancelled after the call, and
 *                A has none (each allocation sums the node's free pages
 *                over its zones: 0008's O(zones) path);
 *   none-again   the anchor a second time (A/A: the noise floor).
 * The cases take turns call by call, so that the shared host's load,
 * which moves over seconds, falls on all four alike: each step makes one
 * call per case (into that case's own quarter of A's physmap), the first
 * case rotating from step to step; PAGES / 8192 steps (default 65536
 * pages = 256 MiB per case) make a round, after which the four quarters
 * are emptied through XENMEM_decrease_reservation (timed per case), and
 * ROUNDS rounds (default 31) per order.  Only the populate calls are
 * timed for the goal; setting and cancelling the claims is not.
 *
 * Every case is checked as it runs: before a case without claims the host
 * holds no node claim; after an own-claim call A's claim is used up; after
 * an other-claim call B's claim is whole; after each round A has all its
 * pages on the node (nodeaff_domain_get_usage).  A check or hypercall
 * that fails ends the program with exit status 1.
 *
 * Output (pages/s: medians over rounds of a round's PAGES over the sum of
 * its calls' times; spread = (max - min) / median):
 *   RESULT populate case=C order=O pages_per_s=N spread=R
 *          decrease_pages_per_s=N rounds=N
 *   RESULT populate-ratio case=C order=O ratio=R paired=R goal=1.02|-
 *          met=0|1|- aa=R
 * where paired is the median over every step of the case's call time
 * over the anchor's call in the same step (the headline: the pairing
 * cancels the load's drift), ratio the case's median populate time per
 * page over the anchor's (the anchor's pages/s over the case's), and aa
 * the paired ratio of none-again: a ratio within |aa - 1| of 1 is noise.
 * The goal (own-claim only): paired <= 1.02.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>

#include "nodeaff.h"
#include "rig-guest.h"

#define BATCH 8192          /* pages per hypercall, as bench-alloc */
#define GPFN_BASE 0x100000UL
#define CASES 4
#define MAX_ROUNDS 101

enum cas { NONE, OWN, OTHER, AGAIN };
static const char *const case_name[CASES] = {"none", "own-claim", "other-claim", "none-again"};

struct bench {
    xc_interface *xch;
    struct nodeaff_handle *h;
    unsigned int nr_nodes, node;
    uint32_t a, b;              /* the populated domain, the other claimant */
    unsigned long pages;        /* per case and round */
    unsigned long steps;        /* pages / BATCH */
    /* Per case, the frames of each step's extents: a PV domain's populate
     * writes back the machine frames, which decrease_reservation takes. */
    xen_pfn_t *frames[CASES];
    uint64_t own[RIG_MAX_NODES];    /* BATCH on node, 0 elsewhere */
    uint64_t other[RIG_MAX_NODES];  /* pages on node, 0 elsewhere */
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *x, const void *y)
{
    double p = *(const double *)x, q = *(const double *)y;

    return p < q ? -1 : p > q;
}

/* Median of v[0..n-1] (sorts v); *spread (optional) = (max - min) / median. */
static double median(double *v, unsigned long n, double *spread)
{
    double m;

    qsort(v, n, sizeof(*v), cmp_double);
    m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    if (spread)
        *spread = m > 0 ? (v[n - 1] - v[0]) / m : 0;
    return m;
}

static int fail(const char *what, int err)
{
    fprintf(stderr, "bench-claim-populate: %s: %s\n", what, strerror(err));
    return 1;
}

/* The host's node claims, summed over nodes, into *ret.  0 or -errno. */
static int host_claimed(const struct bench *b, uint64_t *ret)
{
    uint64_t v[RIG_MAX_NODES];
    int r = nodeaff_host_claims(b->h, v, RIG_MAX_NODES, NULL);

    *ret = 0;
    for (int n = 0; n < r; n++)
        *ret += v[n];
    return r < 0 ? r : 0;
}

/* dom's node claim on the benchmark's node is want, else 1 (with why). */
static int check_claim(const struct bench *b, uint32_t dom, uint64_t want, const char *what)
{
    uint64_t v[RIG_MAX_NODES];
    int r = nodeaff_domain_get_claim(b->h, dom, v, RIG_MAX_NODES, NULL);

    if (r < 0)
        return fail(what, -r);
    if (v[b->node] != want) {
        fprintf(stderr, "bench-claim-populate: %s: claim of %llu pages on node %u, "
                "not %llu\n", what, (unsigned long long)v[b->node], b->node,
                (unsigned long long)want);
        return 1;
    }
    return 0;
}

/* A has want pages, all on the node, else 1. */
static int check_usage(const struct bench *b, uint64_t want)
{
    uint64_t v[RIG_MAX_NODES];
    int r = nodeaff_domain_get_usage(b->h, b->a, v, RIG_MAX_NODES);

    if (r < 0)
        return fail("usage", -r);
    if (v[b->node] != want || rig_sum(v, (unsigned int)r, NULL, 1) != want) {
        fprintf(stderr, "bench-claim-populate: A has %s, not %llu pages on node %u\n",
                rig_fmt_pages(v, (unsigned int)r), (unsigned long long)want, b->node);
        return 1;
    }
    return 0;
}

/* The step's call of case c into A's quarter for c: its claim (untimed),
 * the populate call (its seconds into *t), its checks and the release of
 * the claim (untimed).  0 or 1. */
static int call_case(struct bench *b, unsigned int order, enum cas c, unsigned long step,
                     double *t)
{
    unsigned long extents = BATCH >> order;
    xen_pfn_t base = GPFN_BASE + c * b->pages + step * BATCH;
    xen_pfn_t *frames = b->frames[c] + step * extents;
    uint64_t claimed;
    double t0;
    int r = 0;

    if (c == NONE || c == AGAIN) {
        if ((r = host_claimed(b, &claimed)) < 0)
            return fail("host claims", -r);
        if (claimed) {
            fprintf(stderr, "bench-claim-populate: %llu node-claimed pages before a "
                    "call without claims\n", (unsigned long long)claimed);
            return 1;
        }
    } else if ((r = nodeaff_domain_claim(b->h, c == OWN ? b->a : b->b,
                                         c == OWN ? b->own : b->other, b->nr_nodes,
                                         NULL, NULL)) < 0) {
        return fail(case_name[c], -r);
    }
    for (unsigned long i = 0; i < extents; i++)
        frames[i] = base + (i << order);
    t0 = now_s();
    r = xc_domain_populate_physmap_exact(b->xch, b->a, extents, order, 0, frames);
    *t = now_s() - t0;
    if (r)
        return fail(case_name[c], errno);
    if (c == OWN)
        return check_claim(b, b->a, 0, "own claim after the populate it covered");
    if (c == OTHER) {
        if (check_claim(b, b->b, b->pages, "the other domain's claim after A's populate"))
            return 1;
        if ((r = nodeaff_domain_cancel_claim(b->h, b->b)) < 0)
            return fail("cancel", -r);
    }
    return 0;
}

/* Empties case c's quarter of A; the seconds into *t.  0 or 1. */
static int decrease_case(struct bench *b, unsigned int order, enum cas c, double *t)
{
    unsigned long extents = BATCH >> order;
    double t0;
    int r = 0;

    *t = 0;
    for (unsigned long step = 0; step < b->steps && !r; step++) {
        t0 = now_s();
        r = xc_domain_decrease_reservation_exact(b->xch, b->a, extents, order,
                                                 b->frames[c] + step * extents);
        *t += now_s() - t0;
    }
    return r ? fail("decrease_reservation", errno) : 0;
}

static int setup(struct bench *b)
{
    uint64_t free[RIG_MAX_NODES], size[RIG_MAX_NODES];
    struct nodeaff_nodemap *set;
    int r = rig_numainfo(b->xch, free, size, &b->nr_nodes), found = 0;

    if (r < 0)
        return fail("numainfo", -r);
    for (unsigned int n = 0; n < b->nr_nodes; n++)
        if (size[n] && size[n] != UINT64_MAX && free[n] != UINT64_MAX &&
            (!found++ || free[n] > free[b->node]))
            b->node = n;
    /* A's four quarters and B's claim on the node, with room to spare. */
    if (!found || free[b->node] < 5 * b->pages + 4096) {
        fprintf(stderr, "bench-claim-populate: no node has room for 5 x %lu pages\n",
                b->pages);
        return 1;
    }
    b->own[b->node] = BATCH;
    b->other[b->node] = b->pages;
    r = rig_domain_create(b->xch);
    if (r < 0)
        return fail("create A", -r);
    b->a = (uint32_t)r;
    r = rig_domain_create(b->xch);
    if (r < 0)
        return fail("create B", -r);
    b->b = (uint32_t)r;
    set = rig_nodemap(b->nr_nodes, 1, &b->node);
    r = set ? nodeaff_domain_set_affinity(b->h, b->a, set, NODEAFF_STRICT) : -ENOMEM;
    nodeaff_nodemap_free(set);
    return r < 0 ? fail("strict affinity", -r) : 0;
}

/* Figures of one order.  pop, dec: seconds per case and round; step:
 * seconds per case and step (rounds x steps), overwritten. */
static void report(const struct bench *b, unsigned int order, unsigned int rounds,
                   double pop[CASES][MAX_ROUNDS], double dec[CASES][MAX_ROUNDS],
                   double *step[CASES])
{
    unsigned long n = rounds * b->steps;
    double med[CASES], paired[CASES];

    for (unsigned int c = 0; c < CASES; c++) {
        double pps[MAX_ROUNDS], dps[MAX_ROUNDS], spread;

        for (unsigned int i = 0; i < rounds; i++) {
            pps[i] = (double)b->pages / pop[c][i];
            dps[i] = (double)b->pages / dec[c][i];
        }
        med[c] = median(pps, rounds, &spread);
        printf("RESULT populate case=%s order=%u pages_per_s=%.0f spread=%.3f "
               "decrease_pages_per_s=%.0f rounds=%u\n", case_name[c], order, med[c], spread,
               median(dps, rounds, NULL), rounds);
    }
    /* Paired ratios against the same step's anchor call; the anchor's own
     * times last, as the ratios need them. */
    for (unsigned int c = CASES - 1; c > NONE; c--) {
        for (unsigned long i = 0; i < n; i++)
            step[c][i] /= step[NONE][i];
        paired[c] = median(step[c], n, NULL);
    }
    for (unsigned int c = OWN; c < CASES; c++) {
        printf("RESULT populate-ratio case=%s order=%u ratio=%.4f paired=%.4f goal=%s "
               "met=%s aa=%.4f\n", case_name[c], order, med[NONE] / med[c], paired[c],
               c == OWN ? "1.02" : "-", c == OWN ? (paired[c] <= 1.02 ? "1" : "0") : "-",
               paired[AGAIN]);
    }
}

/* One round of one order: the steps, the usage check, the decrease. */
static int round_once(struct bench *b, unsigned int order, unsigned int round,
                      double pop[CASES][MAX_ROUNDS], double dec[CASES][MAX_ROUNDS],
                      double *step[CASES])
{
    for (unsigned long s = 0; s < b->steps; s++)
        for (unsigned int j = 0; j < CASES; j++) {
            enum cas c = (enum cas)((round + s + j) % CASES);
            double *t = &step[c][round * b->steps + s];

            if (call_case(b, order, c, s, t))
                return 1;
            pop[c][round] += *t;
        }
    if (check_usage(b, CASES * b->pages))
        return 1;
    for (unsigned int c = 0; c < CASES; c++)
        if (decrease_case(b, order, (enum cas)c, &dec[c][round]))
            return 1;
    return check_usage(b, 0);
}

int main(int argc, char **argv)
{
    unsigned int rounds = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 31;
    static double pop[2][CASES][MAX_ROUNDS], dec[2][CASES][MAX_ROUNDS];
    static struct bench b = {.a = DOMID_INVALID, .b = DOMID_INVALID};
    double *step[2][CASES] = {{NULL}};
    int r, bad = 0, feats;

    b.xch = rig_xc_open();
    b.pages = argc > 1 ? strtoul(argv[1], NULL, 0) : 65536;
    b.steps = b.pages / BATCH;
    if (rounds < 3 || rounds > MAX_ROUNDS || b.pages < BATCH || b.pages % BATCH) {
        fprintf(stderr, "bench-claim-populate: PAGES must be a multiple of %d, ROUNDS "
                "3..%d\n", BATCH, MAX_ROUNDS);
        return 2;
    }
    for (unsigned int c = 0; c < CASES; c++) {
        if (!(b.frames[c] = calloc(b.pages, sizeof(xen_pfn_t))))
            return fail("calloc", ENOMEM);
        for (unsigned int o = 0; o < 2; o++)
            if (!(step[o][c] = calloc(rounds * b.steps, sizeof(double))))
                return fail("calloc", ENOMEM);
    }
    r = nodeaff_open(0, &b.h);
    if (r < 0)
        return fail("nodeaff_open", -r);
    feats = nodeaff_features(b.h);
    if (feats < 0 || !(feats & NODEAFF_FEATURE_CLAIMS) || !(feats & NODEAFF_FEATURE_STRICT)) {
        fprintf(stderr, "bench-claim-populate: this hypervisor has no node claims "
                "(series patch 0008)\n");
        return 1;
    }
    bad = setup(&b);
    if (!bad)
        printf("# bench-claim-populate: strict on node %u, %lu pages per case and round in "
               "calls of %d pages, the 4 cases in turn call by call, %u rounds per order\n",
               b.node, b.pages, BATCH, rounds);
    for (unsigned int i = 0; i < rounds && !bad; i++)
        for (unsigned int o = 0; o < 2 && !bad; o++)
            bad = round_once(&b, o * 9, i, pop[o], dec[o], step[o]);
    if (!bad)
        for (unsigned int o = 0; o < 2; o++)
            report(&b, o * 9, rounds, pop[o], dec[o], step[o]);
    if (b.a != DOMID_INVALID)
        rig_domain_destroy(b.xch, b.a);
    if (b.b != DOMID_INVALID)
        rig_domain_destroy(b.xch, b.b);
    for (unsigned int c = 0; c < CASES; c++) {
        free(b.frames[c]);
        for (unsigned int o = 0; o < 2; o++)
            free(step[o][c]);
    }
    nodeaff_close(b.h);
    xc_interface_close(b.xch);
    return bad;
}
