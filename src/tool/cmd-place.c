/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff place --memory SIZE --vcpus N [--strict] [--explain]
 *               [--topology FILE] [--json]
 *
 * Where would a new domain go?  Asks the running hypervisor for the host's
 * topology, or reads FILE for a what-if, and prints nodeaff_place()'s
 * answer; --explain adds the candidates and why the winner won.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/common.h"
#include "tool/output.h"
#include "tool/topology-load.h"

#define MIB (UINT64_C(1) << 20)

static const char synopsis[] =
    "place --memory SIZE --vcpus N [--strict] [--explain] [--topology FILE]";

static int parse_vcpus(const char *s, unsigned int *ret)
{
    unsigned long v;
    char *end;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v == 0 || v > INT32_MAX)
        return -1;
    *ret = (unsigned int)v;
    return 0;
}

/* A map as a list, in a buffer of its own length (NULL if out of memory):
 * a fixed buffer would cut a long list and name the wrong nodes. */
static char *list_text(const struct nodeaff_nodemap *m)
{
    int len = nodeaff_nodemap_format(m, NODEAFF_FORMAT_LIST, NULL, 0);
    char *buf = len >= 0 ? malloc((size_t)len + 1) : NULL;

    if (buf && nodeaff_nodemap_format(m, NODEAFF_FORMAT_LIST, buf,
                                      (size_t)len + 1) < 0) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

static int load_topology(const char *file, struct nodeaff_topology **ret)
{
    struct nodeaff_handle *handle;
    int r, status;

    if (file)
        return tool_load_topology_file("place", file, ret);
    status = tool_open("place", &handle);
    if (status != EXIT_OK)
        return status;
    r = nodeaff_topology_from_host(handle, ret);
    nodeaff_close(handle);
    if (r < 0)
        return tool_fail("place", "cannot read the host topology", r);
    return EXIT_OK;
}

/* A node's free memory that no domain has claimed: what placement uses
 * (0 for an offline node). */
static uint64_t unclaimed(const struct nodeaff_topology *t, unsigned int node)
{
    uint64_t fr = 0, claimed = 0;

    if (nodeaff_topology_node_memory(t, node, NULL, &fr) < 0 ||
        nodeaff_topology_node_claimed(t, node, &claimed) < 0)
        return 0;
    return fr > claimed ? fr - claimed : 0;
}

/* "free" or, on a host where domains hold claims, "free and unclaimed":
 * the messages must not call claimed memory free. */
static const char *free_word(const struct nodeaff_topology *t)
{
    uint64_t claimed;
    int n, nr = nodeaff_topology_nr_nodes(t);

    for (n = 0; n < nr; n++)
        if (nodeaff_topology_node_claimed(t, (unsigned int)n, &claimed) == 0 &&
            claimed > 0)
            return "free and unclaimed";
    return "free";
}

/* Free unclaimed memory of every online node with some, and those nodes
 * as text (malloc'd, NULL if out of memory): the largest set any
 * placement could use. */
static uint64_t largest_set(const struct nodeaff_topology *t, char **ret_text)
{
    struct nodeaff_nodemap *map = NULL;
    uint64_t total = 0, fr;
    int n, nr = nodeaff_topology_nr_nodes(t);

    *ret_text = NULL;
    if (nodeaff_nodemap_new((unsigned int)nr, &map) < 0)
        return 0;
    for (n = 0; n < nr; n++) {
        fr = unclaimed(t, (unsigned int)n);
        if (fr > 0) {
            total += fr;
            nodeaff_nodemap_set(map, (unsigned int)n);
        }
    }
    *ret_text = list_text(map);
    nodeaff_nodemap_free(map);
    return total;
}

/* Why a node takes no part; NULL if it may. */
static const char *skip_reason(const struct nodeaff_topology *t,
                               unsigned int node)
{
    uint64_t size, fr;

    if (nodeaff_topology_node_memory(t, node, &size, &fr) < 0)
        return "offline";
    if (size == 0)
        return "no memory";
    if (fr == 0)
        return "no free memory";
    if (unclaimed(t, node) == 0)
        return "free memory all claimed";
    return NULL;
}

static int node_has_cpus(const struct nodeaff_topology *t, unsigned int node)
{
    struct nodeaff_nodemap *cpus;
    int count;

    if (nodeaff_topology_node_cpus(t, node, &cpus) < 0)
        return 1;
    count = nodeaff_nodemap_count(cpus);
    nodeaff_nodemap_free(cpus);
    return count > 0;
}

static void print_text(const struct nodeaff_topology *t,
                       const struct nodeaff_placement *p, uint64_t memory,
                       unsigned int vcpus, int strict, int explain)
{
    char *nodes, size[32];
    int i, n, nr_nodes = nodeaff_topology_nr_nodes(t);

    if (explain) {
        int any = 0, seeds = 0;

        printf("domain: %s, %u vCPU%s, %s affinity\n",
               tool_size_text(memory, size, sizeof(size)), vcpus,
               vcpus == 1 ? "" : "s", strict ? "strict" : "preferred");
        printf("host: %d node%s\n", nr_nodes, nr_nodes == 1 ? "" : "s");
        for (n = 0; n < nr_nodes; n++) {
            const char *why = skip_reason(t, (unsigned int)n);

            if (why)
                printf("%s node %d (%s)", any++ ? "," : "skipped:", n, why);
            else if (node_has_cpus(t, (unsigned int)n))
                seeds++;
        }
        if (any)
            printf("\n");
        /* "Never alone" holds only while some usable node has CPUs
         * (nodeaff(3), PLACEMENT step 2). */
        any = 0;
        for (n = 0; n < nr_nodes; n++) {
            if (!skip_reason(t, (unsigned int)n) &&
                !node_has_cpus(t, (unsigned int)n))
                printf("%s %d", any++ ? "," : seeds
                       ? "memory only (no CPUs, never alone in a set):"
                       : "no usable node has CPUs, so any may stand alone:", n);
        }
        if (any)
            printf("\n");
        printf("candidates, best first:\n");
        printf("  %-16s %10s %8s %6s  %s\n", "nodes", "free MiB", "distance",
               "vCPUs", "verdict");
        for (i = 0; i < nodeaff_placement_nr_candidates(p); i++) {
            const struct nodeaff_nodemap *m;
            const char *verdict;
            unsigned int dist, v;
            uint64_t fr;

            nodeaff_placement_candidate(p, (unsigned int)i, &m, &fr, &dist,
                                        &v, &verdict);
            nodes = list_text(m);
            printf("  %-16s %10" PRIu64 " %8u %6u  %s\n", nodes ? nodes : "?",
                   fr / MIB, dist, v, verdict);
            free(nodes);
        }
        printf("placement: ");
    }
    nodes = list_text(nodeaff_placement_nodes(p));
    printf("%s\n", nodes ? nodes : "?");
    free(nodes);
}

static void print_json_nodes(const struct nodeaff_nodemap *m)
{
    int len = nodeaff_nodemap_format(m, NODEAFF_FORMAT_JSON, NULL, 0);
    char *buf = len >= 0 ? malloc((size_t)len + 1) : NULL;

    if (!buf) {
        printf("null");
        return;
    }
    nodeaff_nodemap_format(m, NODEAFF_FORMAT_JSON, buf, (size_t)len + 1);
    printf("%s", buf);
    free(buf);
}

static void print_json(const struct nodeaff_topology *t,
                       const struct nodeaff_placement *p, uint64_t memory,
                       unsigned int vcpus, int strict, int explain)
{
    uint64_t fr;
    int i, n, any = 0, nr_nodes = nodeaff_topology_nr_nodes(t);

    nodeaff_placement_candidate(p, 0, NULL, &fr, NULL, NULL, NULL);
    printf("{\"nodes\": ");
    print_json_nodes(nodeaff_placement_nodes(p));
    printf(", \"memory_mib\": %" PRIu64 ", \"vcpus\": %u, \"strict\": %s, "
           "\"fits\": %s, \"free_mib\": %" PRIu64,
           memory / MIB, vcpus, strict ? "true" : "false",
           fr >= memory ? "true" : "false", fr / MIB);
    if (explain) {
        printf(",\n \"skipped\": [");
        for (n = 0; n < nr_nodes; n++) {
            const char *why = skip_reason(t, (unsigned int)n);

            if (!why)
                continue;
            printf("%s{\"node\": %d, \"reason\": ", any++ ? ", " : "", n);
            output_json_string(stdout, why);
            printf("}");
        }
        printf("],\n \"candidates\": [");
        for (i = 0; i < nodeaff_placement_nr_candidates(p); i++) {
            const struct nodeaff_nodemap *m;
            const char *verdict;
            unsigned int dist, v;

            nodeaff_placement_candidate(p, (unsigned int)i, &m, &fr, &dist,
                                        &v, &verdict);
            printf("%s\n  {\"nodes\": ", i ? "," : "");
            print_json_nodes(m);
            printf(", \"free_mib\": %" PRIu64 ", \"max_distance\": %u, "
                   "\"vcpus\": %u, \"verdict\": ", fr / MIB, dist, v);
            output_json_string(stdout, verdict);
            printf("}");
        }
        printf("]");
    }
    printf("}\n");
}

int cmd_place(int argc, char **argv)
{
    struct nodeaff_topology *t = NULL;
    struct nodeaff_placement *p = NULL;
    const char *file = NULL;
    uint64_t memory = 0, fr;
    unsigned int vcpus = 0;
    int strict = 0, explain = 0, json = opt_json, have_memory = 0;
    int have_vcpus = 0, i, r, status;
    char *largest, s1[32], s2[32];

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--strict") == 0) {
            strict = 1;
        } else if (strcmp(a, "--explain") == 0) {
            explain = 1;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("Usage: nodeaff [--json] %s\n", synopsis);
            return EXIT_OK;
        } else if (strcmp(a, "--memory") == 0 || strcmp(a, "--vcpus") == 0 ||
                   strcmp(a, "--topology") == 0) {
            char msg[64];

            if (i + 1 >= argc) {
                snprintf(msg, sizeof(msg), "%s needs a value", a);
                return tool_usage(argv[0], msg, synopsis);
            }
            if (a[2] == 'm') {
                if (tool_parse_size(argv[++i], &memory) < 0) {
                    fprintf(stderr, "nodeaff: place: bad --memory '%s': want "
                            "a positive size like 512M, 2G or 1024 (MiB)\n",
                            argv[i]);
                    return EXIT_USAGE;
                }
                have_memory = 1;
            } else if (a[2] == 'v') {
                if (parse_vcpus(argv[++i], &vcpus) < 0) {
                    fprintf(stderr, "nodeaff: place: bad --vcpus '%s': want "
                            "a positive number\n", argv[i]);
                    return EXIT_USAGE;
                }
                have_vcpus = 1;
            } else {
                file = argv[++i];
            }
        } else {
            return tool_usage(argv[0], "unexpected argument", synopsis);
        }
    }
    if (!have_memory || !have_vcpus)
        return tool_usage(argv[0], "--memory and --vcpus are required",
                          synopsis);

    status = load_topology(file, &t);
    if (status != EXIT_OK)
        return status;

    r = nodeaff_place(t, memory, vcpus, strict ? NODEAFF_STRICT : 0, &p);
    if (r == -ENOSPC) {
        uint64_t total = largest_set(t, &largest);

        fprintf(stderr, "nodeaff: place: no set of nodes has %s %s "
                "(largest: %s, nodes %s)\n", tool_size_text(memory, s1, sizeof(s1)),
                free_word(t), tool_size_text(total, s2, sizeof(s2)),
                largest ? largest : "?");
        free(largest);
        nodeaff_topology_free(t);
        return EXIT_FAILED;
    }
    if (r < 0) {
        nodeaff_topology_free(t);
        return tool_fail(argv[0], "placement failed", r);
    }

    /* Preferred placement with no fit still answers; say so loudly. */
    nodeaff_placement_candidate(p, 0, NULL, &fr, NULL, NULL, NULL);
    if (fr < memory) {
        uint64_t total = largest_set(t, &largest);

        fprintf(stderr, "nodeaff: place: warning: no set of nodes has %s "
                "%s (largest: %s, nodes %s); preferred placement uses them "
                "all and the domain may not build unless memory is freed "
                "first\n", tool_size_text(memory, s1, sizeof(s1)),
                free_word(t), tool_size_text(total, s2, sizeof(s2)),
                largest ? largest : "?");
        free(largest);
    }

    if (json)
        print_json(t, p, memory, vcpus, strict, explain);
    else
        print_text(t, p, memory, vcpus, strict, explain);

    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
    return EXIT_OK;
}
