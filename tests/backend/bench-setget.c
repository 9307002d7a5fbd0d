/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-setget [DOMID [ITERATIONS [ROUNDS]]]: in-guest benchmark for the
 * rig (needs a running Xen and root in the control domain).  Defaults:
 * domain 0, 10000 iterations (issue 8) per round, 11 rounds.
 *
 * Times nodeaff_domain_set_affinity/get_affinity against calling
 * xc_domain_node_setaffinity/getaffinity directly on the same domain with
 * the same mask.  Each iteration makes one call of each side, plus a
 * second direct libxenctrl call as an A/A control whose ratio to the first
 * shows how much of the difference is noise; the side going first rotates
 * every iteration, so drift and ordering hit all sides alike.  Each round
 * gives one ratio; the median of the rounds shrugs off rounds another
 * process disturbed.  Goal: nodeaff/libxenctrl <= 1.05.
 *
 * The domain's affinity is restored afterwards.  No timing is asserted:
 * the exit status is 0 unless an operation fails.  Besides the table there
 * is one machine-readable line per operation:
 *   RESULT op=set nodeaff_ns=N xc_ns=N ratio=R median_ratio=M control=C
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>

#include "nodeaff.h"

enum { SIDE_NODEAFF, SIDE_XC, SIDE_CONTROL, NR_SIDES };
enum { OP_SET, OP_GET, NR_OPS };
static const char *const op_names[NR_OPS] = { "set", "get" };

struct bench {
    struct nodeaff_handle *h;
    xc_interface *xch;
    uint32_t domid;
    struct nodeaff_nodemap *mask;
    xc_nodemap_t xmask, xgot;
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* One call of op on side; 0 or a negative errno. */
static int call(const struct bench *b, int op, int side)
{
    struct nodeaff_nodemap *got;
    int ret;

    if (side == SIDE_NODEAFF) {
        if (op == OP_SET)
            return nodeaff_domain_set_affinity(b->h, b->domid, b->mask, 0);
        ret = nodeaff_domain_get_affinity(b->h, b->domid, &got);
        if (ret >= 0)
            nodeaff_nodemap_free(got);
        return ret;
    }
    if (op == OP_SET)
        ret = xc_domain_node_setaffinity(b->xch, b->domid, b->xmask);
    else
        ret = xc_domain_node_getaffinity(b->xch, b->domid, b->xgot);
    return ret < 0 ? -errno : 0;
}

/* iters iterations of op, each calling every side once in rotating order;
 * adds each side's time to ns[side].  0 or a negative errno. */
static int timed(const struct bench *b, int op, unsigned long iters,
                 uint64_t ns[NR_SIDES])
{
    unsigned long i;
    uint64_t t0, t1;
    int k, side, ret;

    for (i = 0; i < iters; i++)
        for (k = 0; k < NR_SIDES; k++) {
            side = (int)((i + (unsigned long)k) % NR_SIDES);
            t0 = now_ns();
            ret = call(b, op, side);
            t1 = now_ns();
            if (ret < 0)
                return ret;
            ns[side] += t1 - t0;
        }
    return 0;
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
    unsigned long iters = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000;
    unsigned long rounds = argc > 3 ? strtoul(argv[3], NULL, 10) : 11;
    struct bench b;
    struct nodeaff_topology *topo;
    struct nodeaff_nodemap *saved = NULL;
    unsigned int saved_flags = 0;
    int have_state, nr_nodes, op, ret, status = 0;
    uint64_t ns[NR_OPS][NR_SIDES];
    double *ratios[NR_OPS], *controls[NR_OPS];
    unsigned long r;

    memset(&b, 0, sizeof(b));
    memset(ns, 0, sizeof(ns));
    b.domid = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0;
    if (iters == 0 || rounds == 0 || rounds > 100000) {
        fprintf(stderr, "usage: bench-setget [DOMID [ITERATIONS [ROUNDS]]]\n");
        return 2;
    }
    for (op = 0; op < NR_OPS; op++) {
        ratios[op] = calloc(rounds, sizeof(double));
        controls[op] = calloc(rounds, sizeof(double));
        if (!ratios[op] || !controls[op])
            return die("calloc", ENOMEM);
    }

    ret = nodeaff_open(0, &b.h);
    if (ret < 0)
        return die("nodeaff_open", -ret);
    b.xch = xc_interface_open(NULL, NULL, 0);
    if (!b.xch)
        return die("xc_interface_open", errno);

    ret = nodeaff_topology_from_host(b.h, &topo);
    if (ret < 0)
        return die("nodeaff_topology_from_host", -ret);
    nr_nodes = nodeaff_topology_nr_nodes(topo);
    nodeaff_topology_free(topo);

    /* The same mask for every side: node 0 alone, as an explicit set. */
    if (nodeaff_nodemap_new((unsigned int)nr_nodes, &b.mask) < 0 ||
        nodeaff_nodemap_set(b.mask, 0) < 0)
        return die("nodemap", ENOMEM);
    b.xmask = xc_nodemap_alloc(b.xch);
    b.xgot = xc_nodemap_alloc(b.xch);
    if (!b.xmask || !b.xgot)
        return die("xc_nodemap_alloc", ENOMEM);
    b.xmask[0] = 1;

    have_state = (nodeaff_features(b.h) & NODEAFF_FEATURE_STATE) != 0;
    ret = have_state
        ? nodeaff_domain_get_state(b.h, b.domid, &saved, &saved_flags)
        : nodeaff_domain_get_affinity(b.h, b.domid, &saved);
    if (ret < 0)
        return die("saving the domain's affinity", -ret);

    printf("bench-setget: domain %" PRIu32 ", %d node(s), features 0x%x, "
           "%lu iterations x %lu rounds\n", b.domid, nr_nodes,
           (unsigned int)nodeaff_features(b.h), iters, rounds);

    for (r = 0; r < rounds && status == 0; r++)
        for (op = 0; op < NR_OPS && status == 0; op++) {
            uint64_t round_ns[NR_SIDES] = { 0, 0, 0 };
            int side;

            ret = timed(&b, op, iters, round_ns);
            if (ret < 0) {
                status = die(op_names[op], -ret);
                break;
            }
            for (side = 0; side < NR_SIDES; side++)
                ns[op][side] += round_ns[side];
            ratios[op][r] = (double)round_ns[SIDE_NODEAFF] /
                            (double)(round_ns[SIDE_XC] ? round_ns[SIDE_XC] : 1);
            controls[op][r] = (double)round_ns[SIDE_CONTROL] /
                              (double)(round_ns[SIDE_XC] ? round_ns[SIDE_XC] : 1);
        }

    /* Put the domain back as it was.  Stock Xen cannot say whether the
     * affinity was automatic; a mask of every node almost always is. */
    if ((have_state && (saved_flags & NODEAFF_AUTO)) ||
        (!have_state && nodeaff_nodemap_count(saved) == nr_nodes))
        ret = nodeaff_domain_reset_affinity(b.h, b.domid);
    else
        ret = nodeaff_domain_set_affinity(b.h, b.domid, saved,
                                          saved_flags & NODEAFF_STRICT);
    if (ret < 0)
        status = die("restoring the domain's affinity", -ret);

    if (status == 0) {
        printf("%-4s %14s %17s %7s %7s %8s\n", "op", "nodeaff ns/op",
               "libxenctrl ns/op", "ratio", "median", "A/A");
        for (op = 0; op < NR_OPS; op++) {
            double total = (double)(iters * rounds);
            double a = (double)ns[op][SIDE_NODEAFF] / total;
            double x = (double)ns[op][SIDE_XC] / total;
            double median, control;

            qsort(ratios[op], rounds, sizeof(double), cmp_double);
            qsort(controls[op], rounds, sizeof(double), cmp_double);
            median = ratios[op][rounds / 2];
            control = controls[op][rounds / 2];
            printf("%-4s %14.0f %17.0f %7.3f %7.3f %8.3f%s\n", op_names[op],
                   a, x, x > 0 ? a / x : 0, median, control,
                   median <= 1.05 ? "" : "  (median above the 1.05 goal)");
            printf("RESULT op=%s nodeaff_ns=%.0f xc_ns=%.0f ratio=%.3f "
                   "median_ratio=%.3f control=%.3f\n", op_names[op], a, x,
                   x > 0 ? a / x : 0, median, control);
        }
    }

    for (op = 0; op < NR_OPS; op++) {
        free(ratios[op]);
        free(controls[op]);
    }
    nodeaff_nodemap_free(saved);
    nodeaff_nodemap_free(b.mask);
    free(b.xmask);
    free(b.xgot);
    xc_interface_close(b.xch);
    nodeaff_close(b.h);
    return status;
}
