/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-setget [DOMID [ITERATIONS [ROUNDS]]]: in-guest benchmark for the
 * rig (needs a running Xen and root in the control domain).
 *
 * Times nodeaff_domain_set_affinity/get_affinity against calling
 * xc_domain_node_setaffinity/getaffinity directly on the same domain with
 * the same mask, in A B B A rounds so drift hits both sides alike, and
 * prints ns/op for each, the overall ratio and the median of the rounds'
 * ratios (goal: <= 1.05).  The domain's
 * affinity is restored afterwards.  No timing is asserted: the exit status
 * is 0 unless an operation fails.
 *
 * Output, besides the table, has one machine-readable line per operation:
 *   RESULT op=set nodeaff_ns=N xc_ns=N ratio=R median_ratio=M
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>

#include "nodeaff.h"

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Runs iters calls of one operation (op 0 set, 1 get) on one side (0
 * libnodeaff, 1 libxenctrl directly) and adds the time taken to *ns.
 * Returns 0 or a negative errno.
 */
static int timed(struct nodeaff_handle *h, xc_interface *xch, uint32_t domid,
                 const struct nodeaff_nodemap *mask, xc_nodemap_t xmask,
                 xc_nodemap_t xgot, int op, int side, unsigned long iters,
                 uint64_t *ns)
{
    struct nodeaff_nodemap *got;
    unsigned long i;
    uint64_t t0 = now_ns();
    int ret = 0;

    for (i = 0; i < iters && ret >= 0; i++) {
        if (op == 0 && side == 0) {
            ret = nodeaff_domain_set_affinity(h, domid, mask, 0);
        } else if (op == 0) {
            ret = xc_domain_node_setaffinity(xch, domid, xmask) < 0 ? -errno : 0;
        } else if (side == 0) {
            ret = nodeaff_domain_get_affinity(h, domid, &got);
            if (ret >= 0)
                nodeaff_nodemap_free(got);
        } else {
            ret = xc_domain_node_getaffinity(xch, domid, xgot) < 0 ? -errno : 0;
        }
    }
    *ns += now_ns() - t0;
    return ret < 0 ? ret : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int die(const char *what, int err)
{
    fprintf(stderr, "bench-setget: %s: %s\n", what, strerror(err));
    return 1;
}

int main(int argc, char **argv)
{
    uint32_t domid = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0;
    unsigned long iters = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000;
    unsigned long rounds = argc > 3 ? strtoul(argv[3], NULL, 10) : 11;
    struct nodeaff_handle *h;
    struct nodeaff_topology *topo;
    struct nodeaff_nodemap *mask, *saved = NULL;
    unsigned int saved_flags = 0;
    int have_state, nr_nodes, ret, status = 0;
    xc_interface *xch;
    xc_nodemap_t xmask, xgot;
    uint64_t ns[2][2] = { { 0, 0 }, { 0, 0 } };   /* [op][nodeaff, xc] */
    unsigned long r;
    double ratio, median[2], *ratios[2];
    static const char *const names[2] = { "set", "get" };
    int op;

    if (iters == 0 || rounds == 0 || rounds > 100000) {
        fprintf(stderr, "usage: bench-setget [DOMID [ITERATIONS [ROUNDS]]]\n");
        return 2;
    }
    ratios[0] = calloc(rounds, sizeof(double));
    ratios[1] = calloc(rounds, sizeof(double));
    if (!ratios[0] || !ratios[1])
        return die("calloc", ENOMEM);
    ret = nodeaff_open(0, &h);
    if (ret < 0)
        return die("nodeaff_open", -ret);
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch)
        return die("xc_interface_open", errno);

    ret = nodeaff_topology_from_host(h, &topo);
    if (ret < 0)
        return die("nodeaff_topology_from_host", -ret);
    nr_nodes = nodeaff_topology_nr_nodes(topo);
    nodeaff_topology_free(topo);

    /* The same mask for both sides: node 0 alone, as an explicit set. */
    if (nodeaff_nodemap_new((unsigned int)nr_nodes, &mask) < 0 ||
        nodeaff_nodemap_set(mask, 0) < 0)
        return die("nodemap", ENOMEM);
    xmask = xc_nodemap_alloc(xch);
    xgot = xc_nodemap_alloc(xch);
    if (!xmask || !xgot)
        return die("xc_nodemap_alloc", ENOMEM);
    xmask[0] = 1;

    have_state = (nodeaff_features(h) & NODEAFF_FEATURE_STATE) != 0;
    ret = have_state ? nodeaff_domain_get_state(h, domid, &saved, &saved_flags)
                     : nodeaff_domain_get_affinity(h, domid, &saved);
    if (ret < 0)
        return die("saving the domain's affinity", -ret);

    printf("bench-setget: domain %" PRIu32 ", %d node(s), features 0x%x, "
           "%lu iterations x %lu rounds\n", domid, nr_nodes,
           (unsigned int)nodeaff_features(h), iters, rounds);

    /*
     * Each round runs the sides in A B B A order, so neither always goes
     * first (warm caches, TCG's translation cache) or last, and gives one
     * ratio per operation; the median of those shrugs off rounds that
     * another process disturbed.
     */
    for (r = 0; r < rounds && status == 0; r++) {
        static const int order[4] = { 0, 1, 1, 0 };
        uint64_t round_ns[2][2] = { { 0, 0 }, { 0, 0 } };
        int k;

        for (k = 0; k < 4 && status == 0; k++)
            for (op = 0; op < 2 && status == 0; op++) {
                ret = timed(h, xch, domid, mask, xmask, xgot, op, order[k],
                            iters, &round_ns[op][order[k]]);
                if (ret < 0)
                    status = die(names[op], -ret);
            }
        for (op = 0; op < 2; op++) {
            ns[op][0] += round_ns[op][0];
            ns[op][1] += round_ns[op][1];
            ratios[op][r] = round_ns[op][1] ?
                (double)round_ns[op][0] / (double)round_ns[op][1] : 0;
        }
    }

    /* Put the domain back as it was.  Stock Xen cannot say whether the
     * affinity was automatic; a mask of every node almost always is. */
    if ((have_state && (saved_flags & NODEAFF_AUTO)) ||
        (!have_state && nodeaff_nodemap_count(saved) == nr_nodes))
        ret = nodeaff_domain_reset_affinity(h, domid);
    else
        ret = nodeaff_domain_set_affinity(h, domid, saved,
                                          saved_flags & NODEAFF_STRICT);
    if (ret < 0)
        status = die("restoring the domain's affinity", -ret);

    if (status == 0) {
        printf("%-4s %16s %16s %8s %8s\n", "op", "nodeaff ns/op",
               "libxenctrl ns/op", "ratio", "median");
        for (op = 0; op < 2; op++) {
            double a = (double)ns[op][0] / (double)(2 * iters * rounds);
            double b = (double)ns[op][1] / (double)(2 * iters * rounds);

            qsort(ratios[op], rounds, sizeof(double), cmp_double);
            median[op] = ratios[op][rounds / 2];
            ratio = b > 0 ? a / b : 0;
            printf("%-4s %16.0f %16.0f %8.3f %8.3f%s\n", names[op], a, b,
                   ratio, median[op],
                   median[op] <= 1.05 ? "" : "  (above the 1.05 goal)");
        }
        for (op = 0; op < 2; op++) {
            double a = (double)ns[op][0] / (double)(2 * iters * rounds);
            double b = (double)ns[op][1] / (double)(2 * iters * rounds);

            printf("RESULT op=%s nodeaff_ns=%.0f xc_ns=%.0f ratio=%.3f "
                   "median_ratio=%.3f\n", names[op], a, b, b > 0 ? a / b : 0,
                   median[op]);
        }
    }

    free(ratios[0]);
    free(ratios[1]);
    nodeaff_nodemap_free(saved);
    nodeaff_nodemap_free(mask);
    free(xmask);
    free(xgot);
    xc_interface_close(xch);
    nodeaff_close(h);
    return status;
}
