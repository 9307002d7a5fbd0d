/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff metrics' rendering (see metrics.h and nodeaff(1)).
 *
 * Names follow Prometheus' conventions: the nodeaff_ prefix, base units
 * (bytes, not pages or MiB: the usage query's 4 KiB pages times 4096, so
 * bytes / 4096 is the page count exactly), _bytes as the unit suffix, an
 * _info gauge of value 1 for what is a state rather than a quantity (a
 * domain's node set and mode as labels), and label values that stay few
 * per series (domid and node ids).  Every sample is a gauge.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "tool/metrics.h"
#include "tool/output.h"

static void family(FILE *out, const char *name, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static int any_domain_has(const struct metrics_snapshot *snap, int pages)
{
    unsigned int d;

    for (d = 0; d < snap->nr_domains; d++)
        if (pages ? snap->domains[d].pages != NULL
                  : snap->domains[d].nodes != NULL)
            return 1;
    return 0;
}

static void write_features(FILE *out, int features)
{
    static const struct {
        const char *name;
        int bit;
    } f[] = {
        { "affinity", NODEAFF_FEATURE_AFFINITY },
        { "strict", NODEAFF_FEATURE_STRICT },
        { "usage", NODEAFF_FEATURE_USAGE },
        { "state", NODEAFF_FEATURE_STATE },
        { "claims", NODEAFF_FEATURE_CLAIMS },
    };
    size_t i;

    family(out, "nodeaff_hypervisor_feature",
           "Whether the running hypervisor offers a libnodeaff feature "
           "(1) or not (0); strict, usage, state and claims need the "
           "libnodeaff Xen series.");
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        fprintf(out, "nodeaff_hypervisor_feature{feature=\"%s\"} %d\n",
                f[i].name, (features & f[i].bit) ? 1 : 0);
}

enum node_figure { NODE_SIZE, NODE_FREE, NODE_CLAIMED };

static void write_nodes(FILE *out, const struct metrics_snapshot *snap,
                        enum node_figure what)
{
    static const char *const names[] = {
        "nodeaff_node_memory_size_bytes", "nodeaff_node_memory_free_bytes",
        "nodeaff_node_memory_claimed_bytes",
    };
    static const char *const helps[] = {
        "Memory of a NUMA node.", "Free memory of a NUMA node in Xen's heap.",
        "The part of a NUMA node's free memory that domains have claimed "
        "(node claims): not there for other domains.",
    };
    unsigned int n;

    family(out, names[what], helps[what]);
    for (n = 0; n < snap->nr_nodes; n++) {
        const struct metrics_node *node = &snap->nodes[n];

        if (node->online)
            fprintf(out, "%s{node=\"%u\"} %" PRIu64 "\n", names[what],
                    node->id, what == NODE_SIZE ? node->size_bytes
                              : what == NODE_FREE ? node->free_bytes
                              : node->claimed_bytes);
    }
}

/* The list format of nodes in a new string: digits, ',', '-' or "none",
 * none of which needs escaping in a label value. */
static char *format_nodes(const struct nodeaff_nodemap *nodes)
{
    int len = nodeaff_nodemap_format(nodes, NODEAFF_FORMAT_LIST, NULL, 0);
    char *s;

    if (len < 0)
        return NULL;
    s = malloc((size_t)len + 1);
    if (s)
        nodeaff_nodemap_format(nodes, NODEAFF_FORMAT_LIST, s, (size_t)len + 1);
    return s;
}

static int write_affinity(FILE *out, const struct metrics_snapshot *snap)
{
    unsigned int d;

    family(out, "nodeaff_domain_affinity_info",
           "A domain's node affinity (always 1): its node set, and where "
           "the hypervisor has the state feature whether it is explicit or "
           "automatic and strict or preferred.");
    for (d = 0; d < snap->nr_domains; d++) {
        const struct metrics_domain *dom = &snap->domains[d];
        char *text;

        if (!dom->nodes)
            continue;
        text = format_nodes(dom->nodes);
        if (!text)
            return -ENOMEM;
        fprintf(out, "nodeaff_domain_affinity_info{domid=\"%" PRIu32
                "\",nodes=\"%s\"", dom->domid, text);
        free(text);
        if (dom->have_flags)
            fprintf(out, ",mode=\"%s\",binding=\"%s\"",
                    (dom->flags & NODEAFF_AUTO) ? "automatic" : "explicit",
                    (dom->flags & NODEAFF_STRICT) ? "strict" : "preferred");
        fputs("} 1\n", out);
    }
    return 0;
}

static void write_usage(FILE *out, const struct metrics_snapshot *snap)
{
    unsigned int d, n;

    family(out, "nodeaff_domain_node_memory_bytes",
           "Memory a domain owns on a NUMA node: its 4 KiB pages there "
           "times 4096.");
    for (d = 0; d < snap->nr_domains; d++) {
        const struct metrics_domain *dom = &snap->domains[d];

        if (!dom->pages)
            continue;
        for (n = 0; n < snap->nr_nodes; n++)
            fprintf(out, "nodeaff_domain_node_memory_bytes{domid=\"%" PRIu32
                    "\",node=\"%u\"} %" PRIu64 "\n", dom->domid,
                    snap->nodes[n].id,
                    dom->pages[n] * (uint64_t)OUTPUT_PAGE_SIZE);
    }
}

int metrics_write(FILE *out, const struct metrics_snapshot *snap)
{
    int ret;

    if (!out || !snap || (snap->nr_nodes && !snap->nodes) ||
        (snap->nr_domains && !snap->domains))
        return -EINVAL;
    write_features(out, snap->features);
    if (snap->nr_nodes) {
        write_nodes(out, snap, NODE_SIZE);
        write_nodes(out, snap, NODE_FREE);
        /* Without the feature nothing can be claimed: no family, as for
         * usage on a stock hypervisor. */
        if (snap->features & NODEAFF_FEATURE_CLAIMS)
            write_nodes(out, snap, NODE_CLAIMED);
    }
    if (any_domain_has(snap, 0)) {
        ret = write_affinity(out, snap);
        if (ret < 0)
            return ret;
    }
    if (any_domain_has(snap, 1))
        write_usage(out, snap);
    if (fflush(out) != 0 || ferror(out))
        return -EIO;
    return 0;
}
