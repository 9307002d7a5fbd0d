/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layout of struct nodeaff_topology, shared by topology.c (the object),
 * topology-file.c, placement.c (which reads the arrays directly in its inner
 * loops) and the unit tests.  Other code builds topologies through the
 * public setters.
 */
#ifndef NODEAFF_TOPOLOGY_PRIVATE_H
#define NODEAFF_TOPOLOGY_PRIVATE_H

#include "nodeaff-private.h"

/* Stored distance values: 0 means "the default" (10 local, 20 remote) so
 * that a calloc'd matrix needs no initialising pass; 1 means unknown. */
#define TOPOLOGY_DIST_DEFAULT 0
#define TOPOLOGY_DIST_UNKNOWN 1

/* Distances are ACPI SLIT values: 10 is local, 255 is the largest. */
#define TOPOLOGY_DIST_LOCAL 10
#define TOPOLOGY_DIST_REMOTE 20
#define TOPOLOGY_DIST_MAX 255

/* cpu_node[] value of a CPU on no node (offline or not yet assigned). */
#define TOPOLOGY_NO_NODE UINT32_MAX

struct topology_node {
    uint64_t size;      /* bytes */
    uint64_t free;      /* bytes, <= size */
    uint64_t claimed;   /* bytes of free claimed by domains (node claims);
                         * <= free when set, but set_node_memory may lower
                         * free below it: read it through
                         * topology_unclaimed() */
    unsigned int vcpus; /* vCPUs already placed here */
    unsigned int cpus;  /* number of CPUs whose cpu_node is this node */
    int online;
};

struct nodeaff_topology {
    unsigned int nr_nodes;
    unsigned int nr_cpus;
    struct topology_node *nodes; /* nr_nodes entries */
    uint8_t *distance;           /* nr_nodes * nr_nodes, row = from */
    uint32_t *cpu_node;          /* nr_cpus entries (NULL when nr_cpus is 0) */
};

/* The effective distance from a to b (both < nr_nodes): 10..255, or
 * TOPOLOGY_DIST_UNKNOWN. */
static inline unsigned int topology_distance(const struct nodeaff_topology *t,
                                             unsigned int a, unsigned int b)
{
    uint8_t d = t->distance[(size_t)a * t->nr_nodes + b];

    if (d == TOPOLOGY_DIST_DEFAULT)
        return a == b ? TOPOLOGY_DIST_LOCAL : TOPOLOGY_DIST_REMOTE;
    return d;
}

/* A node's free memory that no domain has claimed, in bytes. */
static inline uint64_t topology_unclaimed(const struct topology_node *n)
{
    return n->free > n->claimed ? n->free - n->claimed : 0;
}

/*
 * Marks the distance from a to b unknown (the hypervisor may not know it).
 * For the backend, which otherwise uses the public setters.
 * Returns 0; -EINVAL if t is NULL or a == b; -ERANGE if a node is out of
 * range.
 */
int topology_set_distance_unknown(struct nodeaff_topology *t,
                                  unsigned int from, unsigned int to);

#endif /* NODEAFF_TOPOLOGY_PRIVATE_H */
