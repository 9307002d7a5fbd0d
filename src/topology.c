/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host topology object: a snapshot of nodes, memory, CPUs, distances
 * and vCPUs already placed.  Constructors from a file (topology-file.c) and
 * from the hypervisor (xen/) fill it through the setters below.
 */
#include <errno.h>
#include <stdlib.h>

#include "topology-private.h"

NODEAFF_EXPORT int nodeaff_topology_new(unsigned int nr_nodes,
                                        unsigned int nr_cpus,
                                        struct nodeaff_topology **ret_topology)
{
    struct nodeaff_topology *t;
    unsigned int i;

    if (nr_nodes == 0 || nr_nodes > NODEAFF_TOPOLOGY_MAX_NODES ||
        nr_cpus > NODEAFF_NODEMAP_MAX_NODES || !ret_topology)
        return -EINVAL;

    t = calloc(1, sizeof(*t));
    if (!t)
        return -ENOMEM;
    t->nr_nodes = nr_nodes;
    t->nr_cpus = nr_cpus;
    t->nodes = calloc(nr_nodes, sizeof(*t->nodes));
    /* Zero means "default distance", so the matrix needs no first pass. */
    t->distance = calloc((size_t)nr_nodes * nr_nodes, 1);
    if (nr_cpus)
        t->cpu_node = malloc(nr_cpus * sizeof(*t->cpu_node));
    if (!t->nodes || !t->distance || (nr_cpus && !t->cpu_node)) {
        nodeaff_topology_free(t);
        return -ENOMEM;
    }
    for (i = 0; i < nr_nodes; i++)
        t->nodes[i].online = 1;
    for (i = 0; i < nr_cpus; i++)
        t->cpu_node[i] = TOPOLOGY_NO_NODE;

    *ret_topology = t;
    return 0;
}

NODEAFF_EXPORT void nodeaff_topology_free(struct nodeaff_topology *topology)
{
    if (!topology)
        return;
    free(topology->nodes);
    free(topology->distance);
    free(topology->cpu_node);
    free(topology);
}

NODEAFF_EXPORT int nodeaff_topology_nr_nodes(const struct nodeaff_topology *topology)
{
    if (!topology)
        return -EINVAL;
    return (int)topology->nr_nodes;
}

NODEAFF_EXPORT int nodeaff_topology_nr_cpus(const struct nodeaff_topology *topology)
{
    if (!topology)
        return -EINVAL;
    return (int)topology->nr_cpus;
}

NODEAFF_EXPORT int nodeaff_topology_online_nodes(const struct nodeaff_topology *topology,
                                                 struct nodeaff_nodemap **ret_nodes)
{
    struct nodeaff_nodemap *map;
    unsigned int i;
    int r;

    if (!topology || !ret_nodes)
        return -EINVAL;
    r = nodeaff_nodemap_new(topology->nr_nodes, &map);
    if (r < 0)
        return r;
    for (i = 0; i < topology->nr_nodes; i++) {
        if (topology->nodes[i].online && (r = nodeaff_nodemap_set(map, i)) < 0) {
            nodeaff_nodemap_free(map);
            return r;
        }
    }
    *ret_nodes = map;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_node_memory(const struct nodeaff_topology *topology,
                                                unsigned int node,
                                                uint64_t *ret_size,
                                                uint64_t *ret_free)
{
    if (!topology)
        return -EINVAL;
    if (node >= topology->nr_nodes)
        return -ERANGE;
    if (!topology->nodes[node].online)
        return -ENOENT;
    if (ret_size)
        *ret_size = topology->nodes[node].size;
    if (ret_free)
        *ret_free = topology->nodes[node].free;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_node_claimed(const struct nodeaff_topology *topology,
                                                 unsigned int node,
                                                 uint64_t *ret_claimed)
{
    if (!topology || !ret_claimed)
        return -EINVAL;
    if (node >= topology->nr_nodes)
        return -ERANGE;
    if (!topology->nodes[node].online)
        return -ENOENT;
    *ret_claimed = topology->nodes[node].claimed;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_distance(const struct nodeaff_topology *topology,
                                             unsigned int from, unsigned int to)
{
    unsigned int d;

    if (!topology)
        return -EINVAL;
    if (from >= topology->nr_nodes || to >= topology->nr_nodes)
        return -ERANGE;
    d = topology_distance(topology, from, to);
    if (d == TOPOLOGY_DIST_UNKNOWN)
        return -ENOENT;
    return (int)d;
}

NODEAFF_EXPORT int nodeaff_topology_cpu_node(const struct nodeaff_topology *topology,
                                             unsigned int cpu)
{
    uint32_t node;

    if (!topology)
        return -EINVAL;
    if (cpu >= topology->nr_cpus)
        return -ERANGE;
    node = topology->cpu_node[cpu];
    if (node == TOPOLOGY_NO_NODE || !topology->nodes[node].online)
        return -ENOENT;
    return (int)node;
}

NODEAFF_EXPORT int nodeaff_topology_node_cpus(const struct nodeaff_topology *topology,
                                              unsigned int node,
                                              struct nodeaff_nodemap **ret_cpus)
{
    struct nodeaff_nodemap *map;
    unsigned int cpu;
    int r;

    if (!topology || !ret_cpus)
        return -EINVAL;
    if (node >= topology->nr_nodes)
        return -ERANGE;
    /* A nodemap cannot have zero bits: a CPU-less host gets one clear bit. */
    r = nodeaff_nodemap_new(topology->nr_cpus ? topology->nr_cpus : 1, &map);
    if (r < 0)
        return r;
    for (cpu = 0; cpu < topology->nr_cpus; cpu++) {
        if (topology->cpu_node[cpu] == node &&
            (r = nodeaff_nodemap_set(map, cpu)) < 0) {
            nodeaff_nodemap_free(map);
            return r;
        }
    }
    *ret_cpus = map;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_node_vcpus(const struct nodeaff_topology *topology,
                                               unsigned int node)
{
    if (!topology)
        return -EINVAL;
    if (node >= topology->nr_nodes)
        return -ERANGE;
    /* The setter caps the count at INT_MAX, so this cannot look negative. */
    return (int)topology->nodes[node].vcpus;
}

NODEAFF_EXPORT int nodeaff_topology_set_node_online(struct nodeaff_topology *topology,
                                                    unsigned int node, int online)
{
    if (!topology)
        return -EINVAL;
    if (node >= topology->nr_nodes)
        return -ERANGE;
    topology->nodes[node].online = online != 0;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_set_node_memory(struct nodeaff_topology *topology,
                                                    unsigned int node,
                                                    uint64_t size,
                                                    uint64_t free_bytes)
{
    if (!topology || free_bytes > size)
        return -EINVAL;
    if (node >= topology->nr_nodes)
        return -ERANGE;
    topology->nodes[node].size = size;
    topology->nodes[node].free = free_bytes;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_set_node_claimed(struct nodeaff_topology *topology,
                                                     unsigned int node,
                                                     uint64_t claimed)
{
    if (!topology)
        return -EINVAL;
    if (node >= topology->nr_nodes)
        return -ERANGE;
    /* Claimed pages are free pages set aside: never more than free. */
    if (claimed > topology->nodes[node].free)
        return -EINVAL;
    topology->nodes[node].claimed = claimed;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_set_distance(struct nodeaff_topology *topology,
                                                 unsigned int from, unsigned int to,
                                                 unsigned int distance)
{
    if (!topology)
        return -EINVAL;
    if (from >= topology->nr_nodes || to >= topology->nr_nodes)
        return -ERANGE;
    if (distance < TOPOLOGY_DIST_LOCAL || distance > TOPOLOGY_DIST_MAX ||
        (from == to && distance != TOPOLOGY_DIST_LOCAL))
        return -EINVAL;
    topology->distance[(size_t)from * topology->nr_nodes + to] = (uint8_t)distance;
    return 0;
}

int topology_set_distance_unknown(struct nodeaff_topology *t,
                                  unsigned int from, unsigned int to)
{
    if (!t || from == to)
        return -EINVAL;
    if (from >= t->nr_nodes || to >= t->nr_nodes)
        return -ERANGE;
    t->distance[(size_t)from * t->nr_nodes + to] = TOPOLOGY_DIST_UNKNOWN;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_set_cpu_node(struct nodeaff_topology *topology,
                                                 unsigned int cpu, unsigned int node)
{
    uint32_t old;

    if (!topology)
        return -EINVAL;
    if (cpu >= topology->nr_cpus || node >= topology->nr_nodes)
        return -ERANGE;
    old = topology->cpu_node[cpu];
    if (old != TOPOLOGY_NO_NODE)
        topology->nodes[old].cpus--;
    topology->cpu_node[cpu] = node;
    topology->nodes[node].cpus++;
    return 0;
}

NODEAFF_EXPORT int nodeaff_topology_set_node_vcpus(struct nodeaff_topology *topology,
                                                   unsigned int node,
                                                   unsigned int vcpus)
{
    if (!topology || vcpus > INT32_MAX)
        return -EINVAL;
    if (node >= topology->nr_nodes)
        return -ERANGE;
    topology->nodes[node].vcpus = vcpus;
    return 0;
}
