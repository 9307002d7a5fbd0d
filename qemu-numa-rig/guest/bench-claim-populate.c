/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-claim-populate [PAGES] [ROUNDS]: in-guest benchmark of the
 * allocation path with node claims held (issue 16, patch 0008), in one
 * boot of the patched hypervisor:
 *     rig --preset bench-2node --xen patched --run bench-claim-populate
 *
 * Domain A (a PV domain, never started), strictly bound to the memory
 * node with most free pages, is populated with PAGES pages (default
 * 65536 = 256 MiB) through XENMEM_populate_physmap, 8192 pages per call,
 * in extents of order 0 and of order 9, and emptied again through
 * XENMEM_decrease_reservation, in four cases:
 *   none         no claim anywhere on the host (the anchor);
 *   own-claim    A's own node claim covers the populate (consumed by it:
 *                each allocation takes the O(1) path of 0008);
 *   other-claim  another domain B holds a node claim of PAGES pages on
 *                the same node and A has none (each allocation sums the
 *                node's free pages over its zones, 0008's O(zones) path);
 *   none-again   the anchor a second time (A/A: the noise floor).
 * Each round runs the four cases back to back, the first case rotating
 * from round to round, ROUNDS rounds (default 21) per order.  Only the
 * populate calls are timed for the goal; decrease is timed too.
 *
 * Every case is checked as it runs: before "none" the host holds no
 * node claim; after each populate A has all PAGES pages on its node
 * (nodeaff_domain_get_usage); after own-claim A's claim is used up; after
 * other-claim B's claim is still whole.  A check or hypercall that fails
 * ends the program with exit status 1.
 *
 * Output (pages/s medians over rounds; spread = (max - min) / median):
 *   RESULT populate case=C order=O pages_per_s=N spread=R
 *          decrease_pages_per_s=N rounds=N
 *   RESULT populate-ratio case=C order=O ratio=R paired=R goal=1.02|-
 *          met=0|1|- aa=R
 * where ratio is the case's median populate time per page over the
 * anchor's (the anchor's pages/s over the case's), paired the median of
 * the per-round ratios (each round's case against that round's anchor),
 * and aa the same paired ratio for none-again: a ratio within |aa - 1|
 * of 1 is noise.  The goal (own-claim only): ratio <= 1.02.
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
    unsigned long pages;
    xen_pfn_t *pfns;
    uint64_t vec[RIG_MAX_NODES];    /* PAGES on node, 0 elsewhere */
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

/* Median of v[0..n-1] (sorts a copy); *spread (optional) = (max - min) / median. */
static double median(const double *v, unsigned int n, double *spread)
{
    double c[MAX_ROUNDS], m;

    memcpy(c, v, n * sizeof(*c));
    qsort(c, n, sizeof(*c), cmp_double);
    m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    if (spread)
        *spread = m > 0 ? (c[n - 1] - c[0]) / m : 0;
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

/* dom's node claim on the benchmark's node into *ret.  0 or -errno. */
static int claim_on_node(const struct bench *b, uint32_t dom, uint64_t *ret)
{
    uint64_t v[RIG_MAX_NODES];
    int r = nodeaff_domain_get_claim(b->h, dom, v, RIG_MAX_NODES, NULL);

    *ret = r < 0 ? 0 : v[b->node];
    return r < 0 ? r : 0;
}

/* A's pages on the node after a populate: all of them, else 1. */
static int check_usage(const struct bench *b, const char *what)
{
    uint64_t v[RIG_MAX_NODES];
    int r = nodeaff_domain_get_usage(b->h, b->a, v, RIG_MAX_NODES);

    if (r < 0)
        return fail("usage", -r);
    if (v[b->node] != b->pages) {
        fprintf(stderr, "bench-claim-populate: %s: %llu of %lu pages on node %u (%s)\n", what,
                (unsigned long long)v[b->node], b->pages, b->node,
                rig_fmt_pages(v, b->nr_nodes));
        return 1;
    }
    return 0;
}

/* Populates A with PAGES pages in extents of order; *pop and *dec get the
 * seconds populate and decrease took; check runs between them.  0 or 1. */
static int populate_once(struct bench *b, unsigned int order, enum cas c,
                         double *pop, double *dec)
{
    unsigned long extents = b->pages >> order, per_call = BATCH >> order;
    uint64_t v;
    double t0;
    int r = 0;

    for (unsigned long i = 0; i < extents; i++)
        b->pfns[i] = GPFN_BASE + (i << order);
    t0 = now_s();
    for (unsigned long i = 0; i < extents && !r; i += per_call)
        r = xc_domain_populate_physmap_exact(b->xch, b->a, per_call, order, 0, b->pfns + i);
    *pop = now_s() - t0;
    if (r)
        return fail(case_name[c], errno);
    if (check_usage(b, case_name[c]))
        return 1;
    if (c == OWN && ((r = claim_on_node(b, b->a, &v)) < 0 || v != 0)) {
        if (r < 0)
            return fail("own claim after populate", -r);
        fprintf(stderr, "bench-claim-populate: own-claim: %llu claimed pages left after "
                "the populate it covered\n", (unsigned long long)v);
        return 1;
    }
    if (c == OTHER && ((r = claim_on_node(b, b->b, &v)) < 0 || v != b->pages)) {
        if (r < 0)
            return fail("other claim after populate", -r);
        fprintf(stderr, "bench-claim-populate: other-claim: the other domain's claim "
                "is %llu pages after A's populate, not %lu\n", (unsigned long long)v,
                b->pages);
        return 1;
    }
    t0 = now_s();
    for (unsigned long i = 0; i < extents && !r; i += per_call)
        r = xc_domain_decrease_reservation_exact(b->xch, b->a, per_call, order, b->pfns + i);
    *dec = now_s() - t0;
    return r ? fail("decrease_reservation", errno) : 0;
}

/* One case: its claim, the populate, the claim's release. */
static int run_case(struct bench *b, unsigned int order, enum cas c, double *pop, double *dec)
{
    uint64_t claimed;
    int r = 0;

    switch (c) {
    case NONE:
    case AGAIN:
        r = host_claimed(b, &claimed);
        if (r < 0)
            return fail("host claims", -r);
        if (claimed) {
            fprintf(stderr, "bench-claim-populate: %llu node-claimed pages before a "
                    "case without claims\n", (unsigned long long)claimed);
            return 1;
        }
        break;
    case OWN:
        r = nodeaff_domain_claim(b->h, b->a, b->vec, b->nr_nodes, NULL, NULL);
        break;
    case OTHER:
        r = nodeaff_domain_claim(b->h, b->b, b->vec, b->nr_nodes, NULL, NULL);
        break;
    }
    if (r < 0)
        return fail("claim", -r);
    r = populate_once(b, order, c, pop, dec);
    if (c == OTHER) {
        int q = nodeaff_domain_cancel_claim(b->h, b->b);

        if (q < 0 && !r)
            r = fail("cancel", -q);
    }
    return r;
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
    /* A's pages and B's claim both on the node, with room to spare. */
    if (!found || free[b->node] < 2 * b->pages + 4096) {
        fprintf(stderr, "bench-claim-populate: no node has room for 2 x %lu pages\n",
                b->pages);
        return 1;
    }
    b->vec[b->node] = b->pages;
    b->pfns = malloc(b->pages * sizeof(*b->pfns));
    if (!b->pfns)
        return fail("malloc", ENOMEM);
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

static void report(unsigned int order, unsigned int rounds, double pop[CASES][MAX_ROUNDS],
                   double dec[CASES][MAX_ROUNDS], unsigned long pages)
{
    double med[CASES], paired[CASES][MAX_ROUNDS];

    for (unsigned int c = 0; c < CASES; c++) {
        double pps[MAX_ROUNDS], dps[MAX_ROUNDS], spread;

        for (unsigned int i = 0; i < rounds; i++) {
            pps[i] = (double)pages / pop[c][i];
            dps[i] = (double)pages / dec[c][i];
            paired[c][i] = pop[c][i] / pop[NONE][i];
        }
        med[c] = median(pps, rounds, &spread);
        printf("RESULT populate case=%s order=%u pages_per_s=%.0f spread=%.3f "
               "decrease_pages_per_s=%.0f rounds=%u\n", case_name[c], order, med[c], spread,
               median(dps, rounds, NULL), rounds);
    }
    for (unsigned int c = OWN; c < CASES; c++) {
        double ratio = med[NONE] / med[c];

        printf("RESULT populate-ratio case=%s order=%u ratio=%.4f paired=%.4f goal=%s "
               "met=%s aa=%.4f\n", case_name[c], order, ratio, median(paired[c], rounds, NULL),
               c == OWN ? "1.02" : "-", c == OWN ? (ratio <= 1.02 ? "1" : "0") : "-",
               median(paired[AGAIN], rounds, NULL));
    }
}

int main(int argc, char **argv)
{
    unsigned int rounds = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 21;
    static double pop[2][CASES][MAX_ROUNDS], dec[2][CASES][MAX_ROUNDS];
    struct bench b = {.xch = rig_xc_open(), .a = DOMID_INVALID, .b = DOMID_INVALID};
    int r, bad = 0, feats;

    b.pages = argc > 1 ? strtoul(argv[1], NULL, 0) : 65536;
    if (rounds < 3 || rounds > MAX_ROUNDS || b.pages < BATCH || b.pages % BATCH) {
        fprintf(stderr, "bench-claim-populate: PAGES must be a multiple of %d, ROUNDS "
                "3..%d\n", BATCH, MAX_ROUNDS);
        return 2;
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
        printf("# bench-claim-populate: %lu pages per populate, %d per call, strict on node "
               "%u, %u rounds x 4 cases per order, the first case rotating\n", b.pages,
               BATCH, b.node, rounds);
    for (unsigned int i = 0; i < rounds && !bad; i++)
        for (unsigned int o = 0; o < 2 && !bad; o++)
            for (unsigned int j = 0; j < CASES && !bad; j++) {
                enum cas c = (enum cas)((i + j) % CASES);

                bad = run_case(&b, o * 9, c, &pop[o][c][i], &dec[o][c][i]);
            }
    if (!bad)
        for (unsigned int o = 0; o < 2; o++)
            report(o * 9, rounds, pop[o], dec[o], b.pages);
    if (b.a != DOMID_INVALID)
        rig_domain_destroy(b.xch, b.a);
    if (b.b != DOMID_INVALID)
        rig_domain_destroy(b.xch, b.b);
    free(b.pfns);
    nodeaff_close(b.h);
    xc_interface_close(b.xch);
    return bad;
}
