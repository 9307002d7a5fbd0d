/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tables and JSON for the subcommands.  Nothing here talks to the
 * hypervisor or decides an exit status: it renders what it is given.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tool/output.h"

#define MIB (1024U * 1024U)

void output_json_string(FILE *out, const char *s)
{
    const unsigned char *p;

    fputc('"', out);
    for (p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* A map in a format, as a new string. */
static char *format_map(const struct nodeaff_nodemap *map,
                        enum nodeaff_format format)
{
    char *buf;
    int len;

    len = nodeaff_nodemap_format(map, format, NULL, 0);
    if (len < 0)
        return NULL;
    buf = malloc((size_t)len + 1);
    if (!buf)
        return NULL;
    if (nodeaff_nodemap_format(map, format, buf, (size_t)len + 1) != len) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int put_map(FILE *out, const struct nodeaff_nodemap *map, int json)
{
    char *s = format_map(map, json ? NODEAFF_FORMAT_JSON : NODEAFF_FORMAT_LIST);

    if (!s)
        return -ENOMEM;
    fputs(s, out);
    free(s);
    return 0;
}

/* ---- topology ---------------------------------------------------------- */

static const struct {
    unsigned int bit;
    const char *name;
} feature_names[] = {
    { NODEAFF_FEATURE_AFFINITY, "affinity" },
    { NODEAFF_FEATURE_STRICT, "strict" },
    { NODEAFF_FEATURE_STATE, "state" },
    { NODEAFF_FEATURE_USAGE, "usage" },
    { NODEAFF_FEATURE_CLAIMS, "claims" },
};

/* "affinity, strict" or ["affinity","strict"]; "none" or [] for none. */
static void put_features(FILE *out, unsigned int features, int json)
{
    size_t i;
    int n = 0;

    fputs(json ? "[" : "", out);
    for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
        if (!(features & feature_names[i].bit))
            continue;
        if (json)
            fprintf(out, "%s\"%s\"", n ? "," : "", feature_names[i].name);
        else
            fprintf(out, "%s%s", n ? ", " : "", feature_names[i].name);
        n++;
    }
    fputs(json ? "]" : (n ? "" : "none"), out);
}

struct node_view {
    int online;
    uint64_t size, free_bytes, claimed;
    int vcpus;
    struct nodeaff_nodemap *cpus;
};

static int read_node(const struct nodeaff_topology *t, unsigned int node,
                     struct node_view *v)
{
    int ret;

    memset(v, 0, sizeof(*v));
    ret = nodeaff_topology_node_memory(t, node, &v->size, &v->free_bytes);
    if (ret < 0 && ret != -ENOENT)
        return ret;
    v->online = ret == 0;
    if (v->online) {
        ret = nodeaff_topology_node_claimed(t, node, &v->claimed);
        if (ret < 0)
            return ret;
    }
    v->vcpus = nodeaff_topology_node_vcpus(t, node);
    if (v->vcpus < 0)
        return v->vcpus;
    return nodeaff_topology_node_cpus(t, node, &v->cpus);
}

static int topology_json(FILE *out, const struct nodeaff_topology *t,
                         int nr_nodes, int nr_cpus, int features)
{
    struct node_view v;
    int a, b, d, ret;

    fprintf(out, "{\"nr_nodes\":%d,\"nr_cpus\":%d,", nr_nodes, nr_cpus);
    if (features >= 0) {
        fputs("\"features\":", out);
        put_features(out, (unsigned int)features, 1);
        fputc(',', out);
    }
    fputs("\"nodes\":[", out);
    for (a = 0; a < nr_nodes; a++) {
        ret = read_node(t, (unsigned int)a, &v);
        if (ret < 0)
            return ret;
        fprintf(out, "%s{\"node\":%d,\"online\":%s,", a ? "," : "", a,
                v.online ? "true" : "false");
        if (v.online)
            fprintf(out, "\"memory_bytes\":%" PRIu64 ",\"free_bytes\":%"
                    PRIu64 ",\"claimed_bytes\":%" PRIu64 ",", v.size,
                    v.free_bytes, v.claimed);
        else
            fputs("\"memory_bytes\":null,\"free_bytes\":null,"
                  "\"claimed_bytes\":null,", out);
        fprintf(out, "\"vcpus\":%d,\"cpus\":", v.vcpus);
        ret = put_map(out, v.cpus, 1);
        nodeaff_nodemap_free(v.cpus);
        if (ret < 0)
            return ret;
        fputc('}', out);
    }
    fputs("],\"distances\":[", out);
    for (a = 0; a < nr_nodes; a++) {
        fprintf(out, "%s[", a ? "," : "");
        for (b = 0; b < nr_nodes; b++) {
            d = nodeaff_topology_distance(t, (unsigned int)a, (unsigned int)b);
            if (d < 0 && d != -ENOENT)
                return d;
            if (d < 0)
                fprintf(out, "%snull", b ? "," : "");
            else
                fprintf(out, "%s%d", b ? "," : "", d);
        }
        fputc(']', out);
    }
    fputs("]}\n", out);
    return 0;
}

/* The widest distance matrix the table shows: 16 columns fit 80. */
#define OUTPUT_MATRIX_MAX_NODES 16

static int topology_table(FILE *out, const struct nodeaff_topology *t,
                          int nr_nodes, int nr_cpus, int features)
{
    struct node_view v;
    int a, b, d, ret;

    fprintf(out, "%d node%s, %d CPU%s\n", nr_nodes, nr_nodes == 1 ? "" : "s",
            nr_cpus, nr_cpus == 1 ? "" : "s");
    if (features >= 0) {
        fputs("hypervisor features: ", out);
        put_features(out, (unsigned int)features, 0);
        fputc('\n', out);
    }
    fputc('\n', out);
    fprintf(out, "%-6s %-8s %12s %12s %12s %6s  %s\n", "node", "state",
            "memory-MiB", "free-MiB", "claimed-MiB", "vcpus", "cpus");
    for (a = 0; a < nr_nodes; a++) {
        ret = read_node(t, (unsigned int)a, &v);
        if (ret < 0)
            return ret;
        if (v.online)
            fprintf(out, "%-6d %-8s %12" PRIu64 " %12" PRIu64 " %12" PRIu64
                    " %6d  ", a, "online", v.size / MIB, v.free_bytes / MIB,
                    v.claimed / MIB, v.vcpus);
        else
            fprintf(out, "%-6d %-8s %12s %12s %12s %6d  ", a, "offline", "-",
                    "-", "-", v.vcpus);
        ret = put_map(out, v.cpus, 0);
        nodeaff_nodemap_free(v.cpus);
        if (ret < 0)
            return ret;
        fputc('\n', out);
    }

    /* Wider than a terminal, the matrix is noise; --json has it whole. */
    if (nr_nodes > OUTPUT_MATRIX_MAX_NODES) {
        fprintf(out, "\ndistance: %dx%d matrix not shown above %d nodes; "
                "'nodeaff --json topology' has it\n", nr_nodes, nr_nodes,
                OUTPUT_MATRIX_MAX_NODES);
        return 0;
    }
    fprintf(out, "\n%-8s", "distance");
    for (b = 0; b < nr_nodes; b++)
        fprintf(out, " %5d", b);
    fputc('\n', out);
    for (a = 0; a < nr_nodes; a++) {
        fprintf(out, "%-8d", a);
        for (b = 0; b < nr_nodes; b++) {
            d = nodeaff_topology_distance(t, (unsigned int)a, (unsigned int)b);
            if (d < 0 && d != -ENOENT)
                return d;
            if (d < 0)
                fprintf(out, " %5s", "-");
            else
                fprintf(out, " %5d", d);
        }
        fputc('\n', out);
    }
    return 0;
}

int output_topology(FILE *out, const struct nodeaff_topology *topology,
                    int features, int json)
{
    int nr_nodes, nr_cpus;

    nr_nodes = nodeaff_topology_nr_nodes(topology);
    if (nr_nodes < 0)
        return nr_nodes;
    nr_cpus = nodeaff_topology_nr_cpus(topology);
    if (nr_cpus < 0)
        return nr_cpus;
    return json ? topology_json(out, topology, nr_nodes, nr_cpus, features)
                : topology_table(out, topology, nr_nodes, nr_cpus, features);
}

/* ---- get / set / reset ------------------------------------------------- */

int output_affinity(FILE *out, uint32_t domid,
                    const struct nodeaff_nodemap *nodes,
                    int have_flags, unsigned int flags, int json)
{
    int ret;

    if (json) {
        fprintf(out, "{\"domid\":%" PRIu32 ",\"nodes\":", domid);
        ret = put_map(out, nodes, 1);
        if (ret < 0)
            return ret;
        if (have_flags)
            fprintf(out, ",\"mode\":\"%s\",\"strict\":%s}\n",
                    (flags & NODEAFF_AUTO) ? "automatic" : "explicit",
                    (flags & NODEAFF_STRICT) ? "true" : "false");
        else
            fputs(",\"mode\":null,\"strict\":null}\n", out);
        return 0;
    }

    fprintf(out, "domain %" PRIu32 ": nodes ", domid);
    ret = put_map(out, nodes, 0);
    if (ret < 0)
        return ret;
    if (have_flags)
        fprintf(out, " (%s, %s)", (flags & NODEAFF_AUTO) ? "automatic"
                                                         : "explicit",
                (flags & NODEAFF_STRICT) ? "strict" : "preferred");
    fputc('\n', out);
    return 0;
}

int output_change(FILE *out, uint32_t domid,
                  const struct nodeaff_nodemap *nodes, unsigned int flags,
                  int json)
{
    int ret;

    if (!nodes) {
        if (json)
            fprintf(out, "{\"domid\":%" PRIu32 ",\"mode\":\"automatic\","
                    "\"strict\":false}\n", domid);
        else
            fprintf(out, "domain %" PRIu32 ": node affinity reset to "
                    "automatic\n", domid);
        return 0;
    }
    if (json) {
        fprintf(out, "{\"domid\":%" PRIu32 ",\"nodes\":", domid);
        ret = put_map(out, nodes, 1);
        if (ret < 0)
            return ret;
        fprintf(out, ",\"mode\":\"explicit\",\"strict\":%s}\n",
                (flags & NODEAFF_STRICT) ? "true" : "false");
        return 0;
    }
    fprintf(out, "domain %" PRIu32 ": nodes ", domid);
    ret = put_map(out, nodes, 0);
    if (ret < 0)
        return ret;
    fprintf(out, " (explicit, %s)\n",
            (flags & NODEAFF_STRICT) ? "strict" : "preferred");
    return 0;
}

/* ---- usage ------------------------------------------------------------- */

/* One count, in pages or MiB with two decimals (as numastat -m does). */
static int put_count(FILE *out, uint64_t pages, int mib, int width)
{
    if (mib)
        return fprintf(out, "%*.2f", width,
                       (double)pages * OUTPUT_PAGE_SIZE / MIB);
    return fprintf(out, "%*" PRIu64, width, pages);
}

int output_usage(FILE *out, const uint32_t *domids, unsigned int nr_domains,
                 const uint64_t *pages, unsigned int nr_nodes, int mib,
                 int json)
{
    uint64_t *col, row, all = 0;
    unsigned int d, n;
    char label[32];
    int width;

    col = calloc(nr_nodes ? nr_nodes : 1, sizeof(*col));
    if (!col)
        return -ENOMEM;
    for (d = 0; d < nr_domains; d++)
        for (n = 0; n < nr_nodes; n++) {
            col[n] += pages[(size_t)d * nr_nodes + n];
            all += pages[(size_t)d * nr_nodes + n];
        }

    if (json) {
        fprintf(out, "{\"unit\":\"%s\",\"page_size\":%u,\"nodes\":[",
                mib ? "MiB" : "pages", OUTPUT_PAGE_SIZE);
        for (n = 0; n < nr_nodes; n++)
            fprintf(out, "%s%u", n ? "," : "", n);
        fputs("],\"domains\":[", out);
        for (d = 0; d < nr_domains; d++) {
            fprintf(out, "%s{\"domid\":%" PRIu32 ",\"per_node\":[",
                    d ? "," : "", domids[d]);
            row = 0;
            for (n = 0; n < nr_nodes; n++) {
                if (n)
                    fputc(',', out);
                put_count(out, pages[(size_t)d * nr_nodes + n], mib, 0);
                row += pages[(size_t)d * nr_nodes + n];
            }
            fputs("],\"total\":", out);
            put_count(out, row, mib, 0);
            fputc('}', out);
        }
        fputs("],\"totals\":{\"per_node\":[", out);
        for (n = 0; n < nr_nodes; n++) {
            if (n)
                fputc(',', out);
            put_count(out, col[n], mib, 0);
        }
        fputs("],\"total\":", out);
        put_count(out, all, mib, 0);
        fputs("}}\n", out);
        free(col);
        return 0;
    }

    /* The grand total is the widest number. */
    {
        char buf[48];

        if (mib)
            width = snprintf(buf, sizeof(buf), "%.2f",
                             (double)all * OUTPUT_PAGE_SIZE / MIB);
        else
            width = snprintf(buf, sizeof(buf), "%" PRIu64, all);
        snprintf(buf, sizeof(buf), "node%u", nr_nodes ? nr_nodes - 1 : 0);
        if ((int)strlen(buf) > width)
            width = (int)strlen(buf);
        width += 2;
        if (width < 8)
            width = 8;
    }

    fprintf(out, "%s, %s\n", "per-node memory of domains",
            mib ? "MiB" : "pages of 4 KiB");
    fprintf(out, "%-8s", "domain");
    for (n = 0; n < nr_nodes; n++) {
        snprintf(label, sizeof(label), "node%u", n);
        fprintf(out, "%*s", width, label);
    }
    fprintf(out, "%*s\n", width, "total");
    for (d = 0; d < nr_domains; d++) {
        fprintf(out, "%-8" PRIu32, domids[d]);
        row = 0;
        for (n = 0; n < nr_nodes; n++) {
            put_count(out, pages[(size_t)d * nr_nodes + n], mib, width);
            row += pages[(size_t)d * nr_nodes + n];
        }
        put_count(out, row, mib, width);
        fputc('\n', out);
    }
    fprintf(out, "%-8s", "total");
    for (n = 0; n < nr_nodes; n++)
        put_count(out, col[n], mib, width);
    put_count(out, all, mib, width);
    fputc('\n', out);
    free(col);
    return 0;
}

/* ---- claim ------------------------------------------------------------- */

int output_claim(FILE *out, uint32_t domid, const uint64_t *pages,
                 unsigned int nr_nodes, uint64_t host_wide, int json)
{
    uint64_t total = 0;
    unsigned int n;

    for (n = 0; n < nr_nodes; n++)
        total += pages[n];
    if (json) {
        fprintf(out, "{\"domid\":%" PRIu32 ",\"page_size\":%u,\"pages\":[",
                domid, OUTPUT_PAGE_SIZE);
        for (n = 0; n < nr_nodes; n++)
            fprintf(out, "%s%" PRIu64, n ? "," : "", pages[n]);
        fprintf(out, "],\"total_pages\":%" PRIu64 ",\"host_wide_pages\":%"
                PRIu64 "}\n", total, host_wide);
        return 0;
    }
    fprintf(out, "domain %" PRIu32 ": node claims\n", domid);
    fprintf(out, "%-8s %12s %12s\n", "node", "pages", "MiB");
    for (n = 0; n < nr_nodes; n++) {
        fprintf(out, "%-8u %12" PRIu64, n, pages[n]);
        put_count(out, pages[n], 1, 13);
        fputc('\n', out);
    }
    fprintf(out, "%-8s %12" PRIu64, "total", total);
    put_count(out, total, 1, 13);
    fputc('\n', out);
    /* Xen's own claim, which excludes node claims: worth a line only when
     * there is one. */
    if (host_wide)
        fprintf(out, "host-wide claim (XENMEM_claim_pages): %" PRIu64
                " pages\n", host_wide);
    return 0;
}
