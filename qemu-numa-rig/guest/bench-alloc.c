/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-alloc [PAGES]: in-guest benchmark of Xen's allocation path
 * (issue 17), for the series against the stock hypervisor built from the
 * same source.  tests/bench/run-alloc-cost boots each in turn under
 *     rig --preset bench-2node --xen PATH --run bench-alloc
 * and compares the medians.
 *
 * For each affinity mode (automatic; explicit preferred {1}; strict {1},
 * which stock Xen lacks: there it is preferred {1}, the path it has) and
 * each extent order (0 and 9) one PV domain (never started) is populated
 * with PAGES pages (default 65536 = 256 MiB) through
 * XENMEM_populate_physmap and emptied through XENMEM_decrease_reservation,
 * ROUNDS times; each call moves BATCH pages.  Node 1 has room, so no
 * allocation falls back: this is the common case the series must not
 * slow down (patch 0002's per-node counters on every assign and free,
 * 0003's strict check, 0007's fallback set-up).  The domain lives through
 * all rounds: a destroyed domain's pages are scrubbed by the idle vCPU,
 * which would run beside the benchmark.  Then CREATES empty domains are
 * created and destroyed one by one, each timed.
 *
 * Output, per cell, the median over rounds and the spread (max - min) /
 * median:
 *   RESULT alloc mode=auto|preferred|strict order=0|9 op=populate|decrease
 *          pages_per_s=N spread=R rounds=N
 *   RESULT domain op=create|destroy us=N spread=R rounds=N
 * Exit status 0 unless a hypercall fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>

#include "nodeaff.h"
#include "rig-guest.h"

#define ROUNDS 5
#define BATCH 8192          /* pages per hypercall */
#define CREATES 15
#define GPFN_BASE 0x100000UL

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Median of v[0..n-1] (sorts v); *spread = (max - min) / median. */
static double median(double *v, unsigned int n, double *spread)
{
    double m;

    qsort(v, n, sizeof(*v), cmp_double);
    m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    *spread = m > 0 ? (v[n - 1] - v[0]) / m : 0;
    return m;
}

static int cell(xc_interface *xch, struct nodeaff_handle *h, const char *mode,
                unsigned int order, unsigned long pages, int series)
{
    unsigned long extents = pages >> order, per_call = BATCH >> order;
    xen_pfn_t *pfns = malloc(extents * sizeof(*pfns));
    double pop[ROUNDS], dec[ROUNDS], spread;
    int domid = rig_domain_create(xch), r = 0;

    if (!pfns || domid < 0) {
        fprintf(stderr, "bench-alloc: create domain: %s\n", strerror(domid < 0 ? -domid : ENOMEM));
        free(pfns);
        return 1;
    }
    if (strcmp(mode, "auto") != 0) {
        unsigned int one = 1;
        struct nodeaff_nodemap *set = rig_nodemap(2, 1, &one);
        unsigned int flags = strcmp(mode, "strict") == 0 && series ? NODEAFF_STRICT : 0;

        r = set ? nodeaff_domain_set_affinity(h, (uint32_t)domid, set, flags) : -ENOMEM;
        nodeaff_nodemap_free(set);
        if (r < 0) {
            fprintf(stderr, "bench-alloc: %s {1}: %s\n", mode, strerror(-r));
            goto out;
        }
    }
    for (unsigned int round = 0; round < ROUNDS; round++) {
        double t0;

        for (unsigned long i = 0; i < extents; i++)
            pfns[i] = GPFN_BASE + (i << order);
        t0 = now_s();
        for (unsigned long i = 0; i < extents && !r; i += per_call)
            r = xc_domain_populate_physmap_exact(xch, (uint32_t)domid, per_call, order,
                                                 0, pfns + i);
        pop[round] = now_s() - t0;
        if (r) {
            fprintf(stderr, "bench-alloc: populate %s order %u: %s\n", mode, order,
                    strerror(errno));
            goto out;
        }
        t0 = now_s();
        for (unsigned long i = 0; i < extents && !r; i += per_call)
            r = xc_domain_decrease_reservation_exact(xch, (uint32_t)domid, per_call,
                                                     order, pfns + i);
        dec[round] = now_s() - t0;
        if (r) {
            fprintf(stderr, "bench-alloc: decrease %s order %u: %s\n", mode, order,
                    strerror(errno));
            goto out;
        }
    }
    for (unsigned int i = 0; i < ROUNDS; i++) {
        pop[i] = (double)pages / pop[i];
        dec[i] = (double)pages / dec[i];
    }
    {
        double mp = median(pop, ROUNDS, &spread);

        printf("RESULT alloc mode=%s order=%u op=populate pages_per_s=%.0f spread=%.3f "
               "rounds=%d\n", mode, order, mp, spread, ROUNDS);
        mp = median(dec, ROUNDS, &spread);
        printf("RESULT alloc mode=%s order=%u op=decrease pages_per_s=%.0f spread=%.3f "
               "rounds=%d\n", mode, order, mp, spread, ROUNDS);
    }
out:
    rig_domain_destroy(xch, (uint32_t)domid);
    free(pfns);
    return r ? 1 : 0;
}

int main(int argc, char **argv)
{
    unsigned long pages = argc > 1 ? strtoul(argv[1], NULL, 0) : 65536;
    const char *modes[] = {"auto", "preferred", "strict"};
    double create[CREATES], destroy[CREATES], spread, m;
    struct nodeaff_handle *h;
    xc_interface *xch = rig_xc_open();
    int feats, fail = 0, r;

    r = nodeaff_open(0, &h);
    if (r < 0) {
        fprintf(stderr, "bench-alloc: nodeaff_open: %s\n", strerror(-r));
        return 1;
    }
    feats = nodeaff_features(h);
    printf("# bench-alloc: %lu pages per cell, %d rounds, %d pages per call, %s\n", pages,
           ROUNDS, BATCH, feats >= 0 && (feats & NODEAFF_FEATURE_STRICT) ?
           "the series" : "stock Xen (strict cells use preferred)");
    for (unsigned int m_ = 0; m_ < 3; m_++)
        for (unsigned int order = 0; order <= 9; order += 9)
            fail |= cell(xch, h, modes[m_], order, pages,
                         feats >= 0 && (feats & NODEAFF_FEATURE_STRICT));
    for (unsigned int i = 0; i < CREATES; i++) {
        double t0 = now_s();
        int domid = rig_domain_create(xch);

        create[i] = now_s() - t0;
        if (domid < 0) {
            fprintf(stderr, "bench-alloc: create: %s\n", strerror(-domid));
            return 1;
        }
        t0 = now_s();
        r = rig_domain_destroy(xch, (uint32_t)domid);
        destroy[i] = now_s() - t0;
        if (r) {
            fprintf(stderr, "bench-alloc: destroy: %s\n", strerror(-r));
            return 1;
        }
    }
    m = median(create, CREATES, &spread);
    printf("RESULT domain op=create us=%.1f spread=%.3f rounds=%d\n", m * 1e6, spread, CREATES);
    m = median(destroy, CREATES, &spread);
    printf("RESULT domain op=destroy us=%.1f spread=%.3f rounds=%d\n", m * 1e6, spread, CREATES);
    nodeaff_close(h);
    xc_interface_close(xch);
    return fail;
}
