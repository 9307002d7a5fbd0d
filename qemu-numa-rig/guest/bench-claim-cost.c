/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-claim-cost [REPS]: in-guest benchmark of what a claim costs
 * (issue 16): a node claim (patch 0008's XEN_DOMCTL_nodeaff_set_claim
 * through nodeaff_domain_claim()) beside Xen's host-wide XENMEM_claim_pages
 * (xc_domain_claim_pages(), the anchor), in one boot.
 * tests/bench/run-claim-cost boots it on presets of 2, 8 and 64 nodes:
 *     rig --preset P --xen patched --run bench-claim-cost
 * and sets the boots side by side (cost against the number of nodes).
 *
 * One PV domain (never started, unlimited maxmem) claims S pages and
 * cancels, REPS times (default 301) per cell, three kinds per size:
 *   node      all S pages on one node (the memory node with most free);
 *   spread    S split evenly over every memory node (the remainder to the
 *             lowest ids), the widest vector the host has;
 *   hostwide  xc_domain_claim_pages(S), cancelled with a claim of 0.
 * Sizes: 1 MiB, 16 MiB, 256 MiB, 1 GiB and the largest that fits (90% of
 * the chosen node's free memory, whole MiB), those that fit; a spread
 * cell is left out when a node's share does not fit.  Each rep times the
 * claim and the cancel separately (one clock_gettime pair around each
 * call); the kinds take turns within a rep, the first kind rotating, so
 * drift in the host's load falls on all three alike.
 *
 * Before timing, each cell is checked once: the claim reads back
 * (nodeaff_domain_get_claim: the vector, or the host-wide count) and the
 * cancel leaves nothing.  A failing call or a wrong read-back ends the
 * program with exit status 1: the figures of a claim that did not happen
 * would mean nothing.
 *
 * Output, per cell (medians in ns; spread = (p90 - p10) / median):
 *   RESULT claim nodes=N memnodes=M kind=node|spread|hostwide pages=S
 *          claim_ns=T claim_spread=R cancel_ns=T cancel_spread=R reps=N
 * and per size the ratio of the claim's median to the anchor's:
 *   RESULT claim-ratio nodes=N pages=S node_over_hostwide=R spread_over_hostwide=R
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>

#include "nodeaff.h"
#include "rig-guest.h"

#define MAX_SIZES 5
#define KINDS 3

enum kind { NODE, SPREAD, HOSTWIDE };
static const char *const kind_name[KINDS] = {"node", "spread", "hostwide"};

struct bench {
    xc_interface *xch;
    struct nodeaff_handle *h;
    uint32_t domid;
    unsigned int nr_nodes;                  /* node ids (vector length) */
    unsigned int mem[RIG_MAX_NODES], nr_mem;    /* memory nodes */
    unsigned int target;                    /* the node kind "node" claims on */
    uint64_t free[RIG_MAX_NODES];
};

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Median of v[0..n-1] (sorts v); *spread = (p90 - p10) / median. */
static double median(double *v, unsigned int n, double *spread)
{
    double m;

    qsort(v, n, sizeof(*v), cmp_double);
    m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    *spread = m > 0 ? (v[n * 9 / 10] - v[n / 10]) / m : 0;
    return m;
}

/* The claim vector of kind for pages; 0, or -ENOSPC if a share does not
 * fit in 90% of its node's free memory. */
static int vector(const struct bench *b, enum kind kind, uint64_t pages, uint64_t *vec)
{
    memset(vec, 0, sizeof(*vec) * RIG_MAX_NODES);
    if (kind == NODE) {
        vec[b->target] = pages;
        return 0;
    }
    for (unsigned int i = 0; i < b->nr_mem; i++) {
        unsigned int n = b->mem[i];

        vec[n] = pages / b->nr_mem + (i < pages % b->nr_mem);
        if (vec[n] > b->free[n] / 10 * 9)
            return -ENOSPC;
    }
    return 0;
}

static int claim(const struct bench *b, enum kind kind, uint64_t pages, const uint64_t *vec)
{
    if (kind == HOSTWIDE)
        return xc_domain_claim_pages(b->xch, b->domid, pages) ? -errno : 0;
    return nodeaff_domain_claim(b->h, b->domid, vec, b->nr_nodes, NULL, NULL);
}

static int cancel(const struct bench *b, enum kind kind)
{
    if (kind == HOSTWIDE)
        return xc_domain_claim_pages(b->xch, b->domid, 0) ? -errno : 0;
    return nodeaff_domain_cancel_claim(b->h, b->domid);
}

/* The domain's claim now: node claims into got[], the host-wide one into
 * *wide.  Returns 0 or -errno. */
static int read_claim(const struct bench *b, uint64_t *got, uint64_t *wide)
{
    int r = nodeaff_domain_get_claim(b->h, b->domid, got, RIG_MAX_NODES, wide);

    return r < 0 ? r : 0;
}

/* One claim and cancel of the cell, read back after each.  Returns 0, or
 * 1 with the reason on stderr. */
static int check_cell(const struct bench *b, enum kind kind, uint64_t pages,
                      const uint64_t *vec)
{
    uint64_t got[RIG_MAX_NODES], wide;
    int r = claim(b, kind, pages, vec);

    if (r == 0)
        r = read_claim(b, got, &wide);
    if (r < 0) {
        fprintf(stderr, "bench-claim-cost: %s claim of %llu pages: %s\n", kind_name[kind],
                (unsigned long long)pages, strerror(-r));
        return 1;
    }
    if (kind == HOSTWIDE ? wide != pages
                         : wide != 0 || memcmp(got, vec, b->nr_nodes * sizeof(*got))) {
        fprintf(stderr, "bench-claim-cost: %s claim of %llu pages reads back as %s, "
                "host-wide %llu\n", kind_name[kind], (unsigned long long)pages,
                rig_fmt_pages(got, b->nr_nodes), (unsigned long long)wide);
        return 1;
    }
    r = cancel(b, kind);
    if (r == 0)
        r = read_claim(b, got, &wide);
    for (unsigned int n = 0; r == 0 && n < b->nr_nodes; n++)
        if (got[n])
            r = -EEXIST;
    if (r == 0 && wide)
        r = -EEXIST;
    if (r < 0) {
        fprintf(stderr, "bench-claim-cost: cancel of the %s claim: %s\n", kind_name[kind],
                r == -EEXIST ? "a claim remains" : strerror(-r));
        return 1;
    }
    return 0;
}

static int setup(struct bench *b)
{
    uint64_t size[RIG_MAX_NODES];
    int r = rig_numainfo(b->xch, b->free, size, &b->nr_nodes);

    if (r < 0) {
        fprintf(stderr, "bench-claim-cost: numainfo: %s\n", strerror(-r));
        return 1;
    }
    b->nr_mem = 0;
    for (unsigned int n = 0; n < b->nr_nodes; n++) {
        if (size[n] == UINT64_MAX || size[n] == 0 || b->free[n] == UINT64_MAX)
            continue;
        if (!b->nr_mem || b->free[n] > b->free[b->target])
            b->target = n;
        b->mem[b->nr_mem++] = n;
    }
    r = rig_domain_create(b->xch);
    if (r < 0 || b->nr_mem == 0) {
        fprintf(stderr, "bench-claim-cost: %s\n",
                r < 0 ? strerror(-r) : "no node has memory");
        return 1;
    }
    b->domid = (uint32_t)r;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned int reps = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : 301;
    static const uint64_t want_mib[] = {1, 16, 256, 1024};
    uint64_t sizes[MAX_SIZES], largest, vec[MAX_SIZES][KINDS][RIG_MAX_NODES];
    int fits[MAX_SIZES][KINDS];
    double *t_claim[MAX_SIZES][KINDS], *t_cancel[MAX_SIZES][KINDS];
    unsigned int nr_sizes = 0;
    struct bench b = {.xch = rig_xc_open()};
    int r, fail = 0, feats;

    if (reps < 11) {
        fprintf(stderr, "bench-claim-cost: REPS must be at least 11\n");
        return 2;
    }
    r = nodeaff_open(0, &b.h);
    if (r < 0) {
        fprintf(stderr, "bench-claim-cost: nodeaff_open: %s\n", strerror(-r));
        return 1;
    }
    feats = nodeaff_features(b.h);
    if (feats < 0 || !(feats & NODEAFF_FEATURE_CLAIMS)) {
        fprintf(stderr, "bench-claim-cost: this hypervisor has no node claims "
                "(series patch 0008)\n");
        return 1;
    }
    if (setup(&b))
        return 1;

    /* Sizes in pages: the fixed ones that fit, then the largest. */
    largest = (b.free[b.target] / 10 * 9) & ~(uint64_t)255;
    for (unsigned int i = 0; i < sizeof(want_mib) / sizeof(want_mib[0]); i++)
        if (want_mib[i] * 256 < largest)
            sizes[nr_sizes++] = want_mib[i] * 256;
    sizes[nr_sizes++] = largest;
    printf("# bench-claim-cost: %u node ids, %u with memory, node claims on node %u "
           "(%llu free pages), %u reps per cell, claim and cancel timed apart\n",
           b.nr_nodes, b.nr_mem, b.target, (unsigned long long)b.free[b.target], reps);

    for (unsigned int s = 0; s < nr_sizes; s++)
        for (unsigned int k = 0; k < KINDS; k++) {
            fits[s][k] = vector(&b, (enum kind)k, sizes[s], vec[s][k]) == 0;
            t_claim[s][k] = calloc(reps, sizeof(double));
            t_cancel[s][k] = calloc(reps, sizeof(double));
            if (!t_claim[s][k] || !t_cancel[s][k]) {
                fprintf(stderr, "bench-claim-cost: out of memory\n");
                return 1;
            }
            if (fits[s][k])
                fail |= check_cell(&b, (enum kind)k, sizes[s], vec[s][k]);
        }
    if (fail)
        goto out;

    for (unsigned int i = 0; i < reps; i++)
        for (unsigned int s = 0; s < nr_sizes; s++)
            for (unsigned int j = 0; j < KINDS; j++) {
                unsigned int k = (i + j) % KINDS;
                double t0, t1, t2;

                if (!fits[s][k])
                    continue;
                t0 = now_ns();
                r = claim(&b, (enum kind)k, sizes[s], vec[s][k]);
                t1 = now_ns();
                if (r == 0)
                    r = cancel(&b, (enum kind)k);
                t2 = now_ns();
                if (r < 0) {
                    fprintf(stderr, "bench-claim-cost: rep %u, %s, %llu pages: %s\n", i,
                            kind_name[k], (unsigned long long)sizes[s], strerror(-r));
                    fail = 1;
                    goto out;
                }
                t_claim[s][k][i] = t1 - t0;
                t_cancel[s][k][i] = t2 - t1;
            }

    for (unsigned int s = 0; s < nr_sizes; s++) {
        double med[KINDS] = {0};

        for (unsigned int k = 0; k < KINDS; k++) {
            double sc, sx, mx;

            if (!fits[s][k])
                continue;
            med[k] = median(t_claim[s][k], reps, &sc);
            mx = median(t_cancel[s][k], reps, &sx);
            printf("RESULT claim nodes=%u memnodes=%u kind=%s pages=%llu claim_ns=%.0f "
                   "claim_spread=%.3f cancel_ns=%.0f cancel_spread=%.3f reps=%u\n",
                   b.nr_nodes, b.nr_mem, kind_name[k], (unsigned long long)sizes[s],
                   med[k], sc, mx, sx, reps);
        }
        printf("RESULT claim-ratio nodes=%u pages=%llu node_over_hostwide=%.3f "
               "spread_over_hostwide=", b.nr_nodes, (unsigned long long)sizes[s],
               med[NODE] / med[HOSTWIDE]);
        if (fits[s][SPREAD])
            printf("%.3f\n", med[SPREAD] / med[HOSTWIDE]);
        else
            printf("n/a\n");
    }
out:
    rig_domain_destroy(b.xch, b.domid);
    nodeaff_close(b.h);
    xc_interface_close(b.xch);
    return fail;
}
