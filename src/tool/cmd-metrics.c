/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff metrics: the host's nodes and every domain's affinity and
 * per-node memory in Prometheus' text format, for node_exporter's textfile
 * collector (nodeaff(1) shows a timer that writes the file atomically).
 *
 * Everything is read before anything is printed, so a failure leaves
 * standard output empty and the scheduled job's previous file in place.
 * A domain that disappears while it is being read is left out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/common.h"
#include "tool/metrics.h"

static const char synopsis[] = "metrics";

/* The nodes' size, free and claimed memory from the host topology. */
static int read_nodes(struct nodeaff_handle *handle,
                      struct metrics_node **ret_nodes, unsigned int *ret_nr)
{
    struct nodeaff_topology *topology;
    struct metrics_node *nodes;
    unsigned int n;
    int nr, ret;

    ret = nodeaff_topology_from_host(handle, &topology);
    if (ret < 0)
        return ret;
    nr = nodeaff_topology_nr_nodes(topology);
    nodes = nr > 0 ? calloc((size_t)nr, sizeof(*nodes)) : NULL;
    if (!nodes) {
        nodeaff_topology_free(topology);
        return nr < 0 ? nr : -ENOMEM;
    }
    for (n = 0; n < (unsigned int)nr; n++) {
        nodes[n].id = n;
        ret = nodeaff_topology_node_memory(topology, n, &nodes[n].size_bytes,
                                           &nodes[n].free_bytes);
        nodes[n].online = ret == 0;
        if (ret == 0)
            ret = nodeaff_topology_node_claimed(topology, n,
                                                &nodes[n].claimed_bytes);
        if (ret < 0 && ret != -ENOENT) {        /* -ENOENT: offline */
            free(nodes);
            nodeaff_topology_free(topology);
            return ret;
        }
    }
    nodeaff_topology_free(topology);
    *ret_nodes = nodes;
    *ret_nr = (unsigned int)nr;
    return 0;
}

/*
 * One domain's affinity (with its mode where the hypervisor has the state
 * feature) and, with the usage feature, its pages per node into pages.
 * Returns 0; -ESRCH if it is gone; another -errno.
 */
static int read_domain(struct nodeaff_handle *handle, int features,
                       uint32_t domid, unsigned int nr_nodes,
                       struct metrics_domain *dom, uint64_t *pages)
{
    struct nodeaff_nodemap *nodes = NULL;
    int ret;

    memset(dom, 0, sizeof(*dom));
    dom->domid = domid;
    if (features & NODEAFF_FEATURE_STATE) {
        ret = nodeaff_domain_get_state(handle, domid, &nodes, &dom->flags);
        dom->have_flags = 1;
    } else if (features & NODEAFF_FEATURE_AFFINITY) {
        ret = nodeaff_domain_get_affinity(handle, domid, &nodes);
    } else {
        ret = 0;
    }
    if (ret < 0)
        return ret;
    if (features & NODEAFF_FEATURE_USAGE) {
        ret = nodeaff_domain_get_usage(handle, domid, pages, nr_nodes);
        if (ret < 0) {
            nodeaff_nodemap_free(nodes);
            return ret;
        }
        dom->pages = pages;
    }
    dom->nodes = nodes;
    return 0;
}

int cmd_metrics(int argc, char **argv)
{
    struct nodeaff_handle *handle = NULL;
    struct metrics_snapshot snap = { 0 };
    struct metrics_node *nodes = NULL;
    struct metrics_domain *doms = NULL;
    uint64_t *pages = NULL;
    uint32_t *ids = NULL;
    unsigned int nr_ids = 0, nr_nodes = 0, kept = 0, d;
    int status, ret, features;
    char what[64];

    if (opt_json)
        return tool_usage(argv[0], "--json: the output is Prometheus' "
                          "text format, not JSON", synopsis);
    if (argc > 1 && strcmp(argv[1], "--") != 0)
        return tool_usage(argv[0], strncmp(argv[1], "-", 1) == 0
                          ? "unknown option" : "takes no arguments",
                          synopsis);
    if (argc > 2)
        return tool_usage(argv[0], "takes no arguments", synopsis);

    status = tool_open(argv[0], &handle);
    if (status != EXIT_OK)
        return status;
    features = nodeaff_features(handle);
    if (features < 0) {
        status = tool_fail(argv[0], "cannot read the hypervisor's features",
                           features);
        goto out;
    }
    ret = read_nodes(handle, &nodes, &nr_nodes);
    if (ret < 0) {
        status = tool_fail(argv[0], "cannot read the host topology", ret);
        goto out;
    }
    ret = tool_list_domains(handle, &ids, &nr_ids);
    if (ret < 0) {
        status = tool_fail(argv[0], "cannot list domains", ret);
        goto out;
    }
    doms = calloc(nr_ids ? nr_ids : 1, sizeof(*doms));
    pages = calloc((size_t)(nr_ids ? nr_ids : 1) * nr_nodes, sizeof(*pages));
    if (!doms || !pages) {
        status = tool_fail(argv[0], "out of memory", -ENOMEM);
        goto out;
    }
    for (d = 0; d < nr_ids; d++) {
        ret = read_domain(handle, features, ids[d], nr_nodes, &doms[kept],
                          pages + (size_t)kept * nr_nodes);
        if (ret == -ESRCH)      /* destroyed since the list */
            continue;
        if (ret < 0) {
            snprintf(what, sizeof(what), "domain %u", (unsigned int)ids[d]);
            status = tool_fail(argv[0], what, ret);
            goto out;
        }
        kept++;
    }

    snap.features = features;
    snap.nr_nodes = nr_nodes;
    snap.nodes = nodes;
    snap.nr_domains = kept;
    snap.domains = doms;
    ret = metrics_write(stdout, &snap);
    status = ret < 0 ? tool_fail(argv[0], "cannot write the metrics", ret)
                     : EXIT_OK;
out:
    for (d = 0; doms && d < kept; d++)
        nodeaff_nodemap_free((struct nodeaff_nodemap *)doms[d].nodes);
    nodeaff_close(handle);
    free(pages);
    free(doms);
    free(ids);
    free(nodes);
    return status;
}
