/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff metrics' rendering: a snapshot of the host, its domains and their
 * per-node memory, written in the Prometheus text exposition format (0.0.4,
 * what node_exporter's textfile collector reads).  Pure, like output.c, so
 * the unit suite checks the format without a hypervisor.
 */
#ifndef NODEAFF_TOOL_METRICS_H
#define NODEAFF_TOOL_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "nodeaff.h"

struct metrics_node {
    unsigned int id;
    int online;               /* offline nodes get no size/free samples */
    uint64_t size_bytes;
    uint64_t free_bytes;
    uint64_t claimed_bytes;   /* of free, by node claims (0 without) */
};

struct metrics_domain {
    uint32_t domid;
    /* The node affinity, or NULL if the hypervisor would not say. */
    const struct nodeaff_nodemap *nodes;
    int have_flags;           /* flags is known (NODEAFF_FEATURE_STATE) */
    unsigned int flags;       /* NODEAFF_AUTO, NODEAFF_STRICT */
    /* Pages per node (nr_nodes of them), or NULL without usage. */
    const uint64_t *pages;
};

struct metrics_snapshot {
    int features;             /* NODEAFF_FEATURE_* bits */
    unsigned int nr_nodes;
    const struct metrics_node *nodes;
    unsigned int nr_domains;
    const struct metrics_domain *domains;
};

/*
 * Writes the snapshot: every family with its HELP and TYPE lines, a family
 * without samples left out (a stock hypervisor has no usage).
 * Returns 0; -EINVAL if an argument is NULL; -ENOMEM; -EIO if out reports
 * a write error.
 */
int metrics_write(FILE *out, const struct metrics_snapshot *snap);

#endif
