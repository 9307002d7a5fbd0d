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

#define MIB (UINT64_C(1) << 20)

static const char synopsis[] =
    "place --memory SIZE --vcpus N [--strict] [--explain] [--topology FILE] [--json]";

/* SIZE as in topology files and xl: digits and an optional binary suffix
 * K, M, G or T; a bare number is MiB.  0 on success, -1 if malformed or 0. */
static int parse_size(const char *s, uint64_t *ret)
{
    unsigned int shift = 20;
    uint64_t v = 0;
    const char *p = s;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    switch (*p) {
    case '\0': break;
    case 'K': case 'k': shift = 10; p++; break;
    case 'M': case 'm': shift = 20; p++; break;
    case 'G': case 'g': shift = 30; p++; break;
    case 'T': case 't': shift = 40; p++; break;
    default: return -1;
    }
    if (*p || v == 0 || v > (UINT64_MAX >> shift))
        return -1;
    *ret = v << shift;
    return 0;
}

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

/* Prints the offending line of a malformed topology file. */
static void report_bad_line(const char *file, unsigned int line)
{
    char *text = NULL;
    size_t cap = 0;
    unsigned int n = 0;
    FILE *f;

    if (line == 0) {
        fprintf(stderr, "nodeaff: place: %s: no 'node' line: not a topology "
                "file\n", file);
        return;
    }
    f = fopen(file, "re");
    while (f && getline(&text, &cap, f) >= 0) {
        if (++n == line) {
            text[strcspn(text, "\r\n")] = '\0';
            break;
        }
    }
    if (n == line && text)
        fprintf(stderr, "nodeaff: place: %s:%u: malformed topology line: %s\n"
                "  (see nodeaff(1), TOPOLOGY FILES)\n", file, line, text);
    else
        fprintf(stderr, "nodeaff: place: %s:%u: malformed topology line\n",
                file, line);
    free(text);
    if (f)
        fclose(f);
}

static int load_topology(const char *file, struct nodeaff_topology **ret)
{
    struct nodeaff_handle *handle;
    unsigned int line = 0;
    int r, status;

    if (file) {
        r = nodeaff_topology_from_file(file, ret, &line);
        if (r == -EINVAL) {
            report_bad_line(file, line);
            return EXIT_USAGE;
        }
        if (r == -ENOMEM)
            return tool_fail("place", file, r);
        if (r < 0) {
            fprintf(stderr, "nodeaff: place: cannot read %s: %s\n", file,
                    strerror(-r));
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    status = tool_open("place", &handle);
    if (status != EXIT_OK)
        return status;
    r = nodeaff_topology_from_host(handle, ret);
    nodeaff_close(handle);
    if (r < 0)
        return tool_fail("place", "cannot read the host topology", r);
    return EXIT_OK;
}

/* Free memory of every online node with some, and those nodes as text:
 * the largest set any placement could use. */
static uint64_t largest_set(const struct nodeaff_topology *t, char *buf,
                            size_t size)
{
    struct nodeaff_nodemap *map = NULL;
    uint64_t total = 0, fr;
    int n, nr = nodeaff_topology_nr_nodes(t);

    if (nodeaff_nodemap_new((unsigned int)nr, &map) < 0) {
        snprintf(buf, size, "?");
        return 0;
    }
    for (n = 0; n < nr; n++) {
        if (nodeaff_topology_node_memory(t, (unsigned int)n, NULL, &fr) == 0 &&
            fr > 0) {
            total += fr;
            nodeaff_nodemap_set(map, (unsigned int)n);
        }
    }
    nodeaff_nodemap_format(map, NODEAFF_FORMAT_LIST, buf, size);
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
    char nodes[4096];
    int i, n, nr_nodes = nodeaff_topology_nr_nodes(t);

    if (explain) {
        int any = 0;

        printf("domain: %" PRIu64 " MiB, %u vCPU%s, %s affinity\n",
               memory / MIB, vcpus, vcpus == 1 ? "" : "s",
               strict ? "strict" : "preferred");
        printf("host: %d node%s\n", nr_nodes, nr_nodes == 1 ? "" : "s");
        for (n = 0; n < nr_nodes; n++) {
            const char *why = skip_reason(t, (unsigned int)n);

            if (why)
                printf("%s node %d (%s)", any++ ? "," : "skipped:", n, why);
        }
        if (any)
            printf("\n");
        any = 0;
        for (n = 0; n < nr_nodes; n++) {
            if (!skip_reason(t, (unsigned int)n) &&
                !node_has_cpus(t, (unsigned int)n))
                printf("%s %d", any++ ? "," : "memory only (no CPUs, never "
                       "alone in a set):", n);
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
            nodeaff_nodemap_format(m, NODEAFF_FORMAT_LIST, nodes,
                                   sizeof(nodes));
            printf("  %-16s %10" PRIu64 " %8u %6u  %s\n", nodes, fr / MIB,
                   dist, v, verdict);
        }
        printf("placement: ");
    }
    nodeaff_nodemap_format(nodeaff_placement_nodes(p), NODEAFF_FORMAT_LIST,
                           nodes, sizeof(nodes));
    printf("%s\n", nodes);
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
    char largest[4096];

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--strict") == 0) {
            strict = 1;
        } else if (strcmp(a, "--explain") == 0) {
            explain = 1;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("Usage: nodeaff %s\n", synopsis);
            return EXIT_OK;
        } else if (strcmp(a, "--memory") == 0 || strcmp(a, "--vcpus") == 0 ||
                   strcmp(a, "--topology") == 0) {
            char msg[64];

            if (i + 1 >= argc) {
                snprintf(msg, sizeof(msg), "%s needs a value", a);
                return tool_usage(argv[0], msg, synopsis);
            }
            if (a[2] == 'm') {
                if (parse_size(argv[++i], &memory) < 0) {
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
        uint64_t total = largest_set(t, largest, sizeof(largest));

        fprintf(stderr, "nodeaff: place: no set of nodes has %" PRIu64
                " MiB free (largest: %" PRIu64 " MiB, nodes %s)\n",
                memory / MIB, total / MIB, largest);
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
        uint64_t total = largest_set(t, largest, sizeof(largest));

        fprintf(stderr, "nodeaff: place: warning: no set of nodes has %"
                PRIu64 " MiB free (largest: %" PRIu64 " MiB, nodes %s); "
                "preferred placement uses them all and the domain may not "
                "build unless memory is freed first\n",
                memory / MIB, total / MIB, largest);
    }

    if (json)
        print_json(t, p, memory, vcpus, strict, explain);
    else
        print_text(t, p, memory, vcpus, strict, explain);

    nodeaff_placement_free(p);
    nodeaff_topology_free(t);
    return EXIT_OK;
}
