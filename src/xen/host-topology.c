/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff_topology_from_host(): the running hypervisor's nodes, memory,
 * distances and CPUs (XEN_SYSCTL_physinfo, numainfo, cputopoinfo), the
 * vCPUs already on each node, and the memory claimed on each node (the
 * series' get_host_claims, where the hypervisor has it), built through the
 * public topology setters.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

#include "topology-private.h"
#include "xen/backend.h"

struct host_snapshot {
    unsigned int nr_nodes, nr_cpus;
    struct xen_sysctl_meminfo *mem;
    uint32_t *distance;
    struct xen_sysctl_cputopo *cpus;
    unsigned int *vcpus;          /* per node */
    uint64_t *claimed;            /* per node, pages; zeros without claims */
};

static void snapshot_free(struct host_snapshot *s)
{
    free(s->mem);
    free(s->distance);
    free(s->cpus);
    free(s->vcpus);
    free(s->claimed);
}

struct count_ctx {
    struct nodeaff_handle *h;
    struct host_snapshot *s;
};

/*
 * Counts each domain's vCPUs on every node of its node affinity, as libxl
 * counts a vCPU on every node its affinity covers.  A domain with automatic
 * affinity spanning all nodes weighs the same on each, so it does not bias
 * placement.  Domains that vanish during the walk are skipped.
 */
static int count_domain_vcpus(const struct xen_domctl_getdomaininfo *info,
                              void *ctx)
{
    struct count_ctx *c = ctx;
    uint8_t bytes[NODEAFF_XEN_FULL_BITS / 8] = { 0 };
    unsigned int flags, n;
    int ret;

    if (info->flags & XEN_DOMINF_dying)
        return 0;
    if (c->h->features & NODEAFF_FEATURE_STATE)
        ret = nodeaff_stable_get_affinity(c->h, info->domain, bytes, &flags);
    else
        ret = nodeaff_up_get_affinity(c->h, info->domain, bytes);
    if (ret == -ESRCH)
        return 0;
    if (ret < 0)
        return ret;
    for (n = 0; n < c->s->nr_nodes; n++)
        if (bytes[n / 8] & (1U << (n % 8)))
            c->s->vcpus[n] += info->max_vcpu_id + 1;
    return 0;
}

static int count_vcpus(struct nodeaff_handle *h, struct host_snapshot *s)
{
    struct count_ctx c = { h, s };

    return nodeaff_up_for_each_domain(h, count_domain_vcpus, &c);
}

/* Reads everything under the lock, into plain arrays. */
static int snapshot(struct nodeaff_handle *h, struct host_snapshot *s)
{
    uint32_t max_node_id = 0, max_cpu_id = 0;
    unsigned int n;
    int ret;

    ret = nodeaff_up_physinfo(h, &max_node_id, &max_cpu_id);
    if (ret < 0)
        return ret;
    /* Upper bounds for the buffers (max_node_id is MAX_NUMNODES - 1);
     * numainfo and cputopoinfo then say how many entries are real. */
    s->nr_nodes = max_node_id + 1;
    s->nr_cpus = max_cpu_id + 1;
    if (s->nr_nodes > NODEAFF_XEN_FULL_BITS ||
        s->nr_cpus > NODEAFF_NODEMAP_MAX_NODES)
        return -EOVERFLOW;

    s->mem = calloc(s->nr_nodes, sizeof(*s->mem));
    s->distance = calloc((size_t)s->nr_nodes * s->nr_nodes,
                         sizeof(*s->distance));
    s->cpus = calloc(s->nr_cpus, sizeof(*s->cpus));
    s->vcpus = calloc(s->nr_nodes, sizeof(*s->vcpus));
    /* get_host_claims writes the handle's node count, which numainfo's
     * upper bound covers. */
    s->claimed = calloc(s->nr_nodes > h->nr_nodes ? s->nr_nodes : h->nr_nodes,
                        sizeof(*s->claimed));
    if (!s->mem || !s->distance || !s->cpus || !s->vcpus || !s->claimed)
        return -ENOMEM;

    n = s->nr_nodes;
    ret = nodeaff_up_numainfo(h, &n, s->mem, s->distance);
    if (ret < 0)
        return ret;
    if (n < s->nr_nodes)
        s->nr_nodes = n;

    if (h->features & NODEAFF_FEATURE_CLAIMS) {
        ret = nodeaff_stable_get_host_claims(h, s->claimed, NULL);
        if (ret < 0)
            return ret;
    }

    n = s->nr_cpus;
    ret = nodeaff_up_cputopoinfo(h, &n, s->cpus);
    if (ret < 0)
        return ret;
    if (n < s->nr_cpus)
        s->nr_cpus = n;

    return count_vcpus(h, s);
}

static int online(const struct host_snapshot *s, unsigned int node)
{
    return s->mem[node].memsize != XEN_INVALID_MEM_SZ;
}

static int build(const struct host_snapshot *s, unsigned int h_nr_nodes,
                 struct nodeaff_topology *t)
{
    unsigned int a, b, c;
    uint64_t size, free_bytes, claimed;
    uint32_t d;
    int ret;

    for (a = 0; a < s->nr_nodes; a++) {
        if (!online(s, a)) {
            ret = nodeaff_topology_set_node_online(t, a, 0);
            if (ret < 0)
                return ret;
            continue;
        }
        size = s->mem[a].memsize;
        free_bytes = s->mem[a].memfree;
        if (free_bytes > size)          /* spanned vs. free races */
            free_bytes = size;
        ret = nodeaff_topology_set_node_memory(t, a, size, free_bytes);
        if (ret < 0)
            return ret;
        ret = nodeaff_topology_set_node_vcpus(t, a, s->vcpus[a]);
        if (ret < 0)
            return ret;
        /* Claimed pages are free pages; numainfo and the claims are read
         * one after the other, so an allocation in between may leave a
         * claim a little above free. */
        claimed = a < h_nr_nodes ? s->claimed[a] : 0;
        claimed = claimed > free_bytes >> 12 ? free_bytes : claimed << 12;
        ret = nodeaff_topology_set_node_claimed(t, a, claimed);
        if (ret < 0)
            return ret;
    }

    /* Offline nodes keep the topology's default.  A distance Xen does not
     * know (no SLIT, or a value outside the ACPI range) is marked unknown
     * rather than left at the default 20, so that callers and placement
     * can tell a guess from a measurement. */
    for (a = 0; a < s->nr_nodes; a++)
        for (b = 0; b < s->nr_nodes; b++) {
            if (!online(s, a) || !online(s, b) || a == b)
                continue;
            d = s->distance[a * s->nr_nodes + b];
            if (d == XEN_INVALID_NODE_DIST || d <= 10 || d > 255)
                ret = topology_set_distance_unknown(t, a, b);
            else
                ret = nodeaff_topology_set_distance(t, a, b, d);
            if (ret < 0)
                return ret;
        }

    for (c = 0; c < s->nr_cpus; c++) {
        if (s->cpus[c].node == XEN_INVALID_NODE_ID ||
            s->cpus[c].node >= s->nr_nodes || !online(s, s->cpus[c].node))
            continue;       /* offline CPU */
        ret = nodeaff_topology_set_cpu_node(t, c, s->cpus[c].node);
        if (ret < 0)
            return ret;
    }
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_from_host(struct nodeaff_handle *handle,
                                              struct nodeaff_topology **ret_topology)
{
    struct host_snapshot s;
    struct nodeaff_topology *t = NULL;
    int ret;

    if (!handle || !ret_topology)
        return -EINVAL;

    memset(&s, 0, sizeof(s));
    nodeaff_xen_lock(handle);
    ret = snapshot(handle, &s);
    nodeaff_xen_unlock(handle);
    if (ret < 0)
        goto out;

    ret = nodeaff_topology_new(s.nr_nodes, s.nr_cpus, &t);
    if (ret < 0)
        goto out;
    ret = build(&s, handle->nr_nodes, t);
    if (ret < 0) {
        nodeaff_topology_free(t);
        goto out;
    }
    *ret_topology = t;
out:
    snapshot_free(&s);
    return ret;
}
