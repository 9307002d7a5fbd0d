/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff metrics' renderer (src/tool/metrics.c) on hand-made snapshots,
 * for check-format:
 *     render-metrics patched|stock|bare   the text for that snapshot
 *     render-metrics errors               argument and write-error checks
 * patched: three nodes (node 2 offline), domains 0 (automatic), 5 (strict
 * on node 1) and 7 (preferred on 0-1), with usage; stock: the same without
 * the series (node sets only, no mode, no usage); bare: no feature, no
 * domain.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tool/metrics.h"

static struct nodeaff_nodemap *map(const char *text)
{
    struct nodeaff_nodemap *m = NULL;

    if (nodeaff_nodemap_new(3, &m) < 0 ||
        nodeaff_nodemap_parse(m, text, NULL, NULL) < 0) {
        fprintf(stderr, "render-metrics: cannot make nodemap %s\n", text);
        return NULL;
    }
    return m;
}

int main(int argc, char **argv)
{
    static const struct metrics_node nodes[] = {
        { 0, 1, 536870912ULL, 123456789ULL, 23456789ULL },
        { 1, 1, 8ULL << 40, 0, 0 },
        { 2, 0, 0, 0, 0 },
    };
    static const uint64_t pages[3][3] = {
        { 65536, 12, 0 }, { 0, 16384, 0 }, { 7, 4503599627370495ULL, 0 },
    };
    struct nodeaff_nodemap *all = map("0-1"), *one = map("1");
    struct metrics_domain doms[3] = {
        { 0, all, 1, NODEAFF_AUTO, pages[0] },
        { 5, one, 1, NODEAFF_STRICT, pages[1] },
        { 7, all, 1, 0, pages[2] },
    };
    struct metrics_snapshot snap = { 0 };
    const char *what = argc > 1 ? argv[1] : "";
    int ret = 0, d;
    FILE *full;

    if (!all || !one)
        return 1;
    snap.features = NODEAFF_FEATURE_AFFINITY | NODEAFF_FEATURE_STRICT |
                    NODEAFF_FEATURE_USAGE | NODEAFF_FEATURE_STATE |
                    NODEAFF_FEATURE_CLAIMS;
    snap.nr_nodes = 3;
    snap.nodes = nodes;
    snap.nr_domains = 3;
    snap.domains = doms;
    if (strcmp(what, "patched") == 0) {
        ret = metrics_write(stdout, &snap);
    } else if (strcmp(what, "stock") == 0) {
        snap.features = NODEAFF_FEATURE_AFFINITY;
        for (d = 0; d < 3; d++) {
            doms[d].have_flags = 0;
            doms[d].pages = NULL;
        }
        ret = metrics_write(stdout, &snap);
    } else if (strcmp(what, "bare") == 0) {
        snap.features = 0;
        snap.nr_domains = 0;
        snap.domains = NULL;
        ret = metrics_write(stdout, &snap);
    } else if (strcmp(what, "errors") == 0) {
        int fail = 0;

        if (metrics_write(NULL, &snap) != -EINVAL ||
            metrics_write(stdout, NULL) != -EINVAL) {
            printf("FAIL: NULL argument is not -EINVAL\n");
            fail = 1;
        }
        snap.domains = NULL;
        if (metrics_write(stdout, &snap) != -EINVAL) {
            printf("FAIL: domains NULL with nr_domains 3 is not -EINVAL\n");
            fail = 1;
        }
        snap.domains = doms;
        full = fopen("/dev/full", "w");
        if (full && (ret = metrics_write(full, &snap)) != -EIO) {
            printf("FAIL: a write error gives %d, not -EIO\n", ret);
            fail = 1;
        }
        if (full)
            fclose(full);
        if (!fail)
            printf("ok: -EINVAL for NULL arguments, -EIO for a write error%s\n",
                   full ? "" : " (no /dev/full: not tried)");
        ret = fail ? -EINVAL : 0;
    } else {
        fprintf(stderr, "usage: render-metrics patched|stock|bare|errors\n");
        ret = -EINVAL;
    }
    nodeaff_nodemap_free(all);
    nodeaff_nodemap_free(one);
    return ret < 0 ? 1 : 0;
}
