/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff_topology_from_file(): the plain-text topology format shared with
 * the QEMU rig (README "Topology files"):
 *
 *   node ID mem=SIZE [cpus=NODESET] [free=SIZE] [claimed=SIZE] [vcpus=N]
 *   distance A B D [oneway]
 *   dom0 ...        (the rig's; accepted and ignored here)
 *   xen ...         (the rig's; accepted and ignored here)
 *
 * '#' starts a comment; tokens are separated by blanks, so a value holds
 * none; a NUL byte is an error.  The whole file is read before anything is
 * checked across lines (ids 0..N-1, CPUs owned once, distances naming
 * existing nodes), so the nodes may come in any order and distances may
 * precede them.
 *
 * Memory stays bounded whatever the file's length: a node id is checked
 * (below NODEAFF_TOPOLOGY_MAX_NODES, not seen before) before its cpus= map
 * is allocated, and distances go straight into a fixed matrix, a later
 * line overriding an earlier one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology-private.h"

struct node_decl {
    unsigned int id;
    unsigned int line;
    uint64_t size;
    uint64_t free;
    uint64_t claimed;               /* of free; 0 if not given */
    unsigned int vcpus;
    struct nodeaff_nodemap *cpus;   /* NULL: CPU-less */
};

#define MAX_NODES NODEAFF_TOPOLOGY_MAX_NODES

struct parse {
    struct node_decl nodes[MAX_NODES];   /* by id; seen says which */
    uint64_t seen;                       /* ids declared so far */
    unsigned int order[MAX_NODES];       /* ids in file order */
    unsigned int nr_nodes;
    /* The last "distance" line for each (from, to), 0 if none. */
    uint8_t distance[MAX_NODES][MAX_NODES];
    unsigned int distance_line[MAX_NODES][MAX_NODES];
};

/* Decimal digits only (no sign, no 0x), at most max; returns 0 or -EINVAL. */
static int parse_uint(const char *s, uint64_t max, uint64_t *ret)
{
    uint64_t v = 0;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned int digit = (unsigned int)(*s - '0');

        if (v > (max - digit) / 10)
            return -EINVAL;
        v = v * 10 + digit;
    }
    if (*s)
        return -EINVAL;
    *ret = v;
    return 0;
}

/* SIZE: digits and an optional binary suffix K, M, G or T (either case); a
 * bare number is MiB, as in xl's memory=.  Returns bytes; -EINVAL. */
static int parse_size(const char *s, uint64_t *ret)
{
    char digits[32];
    size_t len = strlen(s);
    unsigned int shift = 20;
    uint64_t v;

    if (len == 0 || len >= sizeof(digits))
        return -EINVAL;
    memcpy(digits, s, len + 1);
    switch (digits[len - 1]) {
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    case 'T': case 't': shift = 40; break;
    default: shift = 20; len++; break;   /* no suffix */
    }
    digits[len - 1] = '\0';
    if (parse_uint(digits, UINT64_MAX >> shift, &v) < 0)
        return -EINVAL;
    *ret = v << shift;
    return 0;
}

/* "node ID key=value...": tokens after the keyword.  -EINVAL or -ENOMEM. */
static int parse_node(struct parse *p, char **tok, unsigned int nr_tok,
                      unsigned int line)
{
    struct node_decl d = { .line = line };
    int have_mem = 0, have_free = 0, have_cpus = 0, have_vcpus = 0;
    int have_claimed = 0;
    uint64_t v;
    unsigned int i;
    int r;

    /* The id first: a repeated one fails before anything is allocated. */
    if (nr_tok < 1 || parse_uint(tok[0], MAX_NODES - 1, &v) < 0 ||
        (p->seen >> v) & 1)
        return -EINVAL;
    d.id = (unsigned int)v;
    for (i = 1; i < nr_tok; i++) {
        char *value = strchr(tok[i], '=');

        if (!value)
            goto invalid;
        *value++ = '\0';
        if (strcmp(tok[i], "mem") == 0 && !have_mem++) {
            if (parse_size(value, &d.size) < 0)
                goto invalid;
        } else if (strcmp(tok[i], "free") == 0 && !have_free++) {
            if (parse_size(value, &d.free) < 0)
                goto invalid;
        } else if (strcmp(tok[i], "claimed") == 0 && !have_claimed++) {
            if (parse_size(value, &d.claimed) < 0)
                goto invalid;
        } else if (strcmp(tok[i], "vcpus") == 0 && !have_vcpus++) {
            if (parse_uint(value, INT32_MAX, &v) < 0)
                goto invalid;
            d.vcpus = (unsigned int)v;
        } else if (strcmp(tok[i], "cpus") == 0 && !have_cpus++) {
            /* "all" would be every possible CPU id: never what is meant. */
            if (strstr(value, "all"))
                goto invalid;
            r = nodeaff_nodemap_new(NODEAFF_NODEMAP_MAX_NODES, &d.cpus);
            if (r < 0)
                return r;
            r = nodeaff_nodemap_parse(d.cpus, value, NULL, NULL);
            if (r == -ENOMEM)
                goto fail;
            if (r < 0)
                goto invalid;
            if (nodeaff_nodemap_count(d.cpus) == 0) {
                nodeaff_nodemap_free(d.cpus);   /* "none": CPU-less */
                d.cpus = NULL;
            }
        } else {
            goto invalid;   /* unknown or repeated key */
        }
    }
    if (!have_mem)
        goto invalid;
    if (!have_free)
        d.free = d.size;
    if (d.free > d.size)
        goto invalid;
    /* Claimed memory is free memory set aside for a domain. */
    if (d.claimed > d.free)
        goto invalid;
    p->nodes[d.id] = d;
    p->seen |= UINT64_C(1) << d.id;
    p->order[p->nr_nodes++] = d.id;
    return 0;

invalid:
    r = -EINVAL;
fail:
    nodeaff_nodemap_free(d.cpus);
    return r;
}

/* "distance A B D [oneway]". */
static int parse_distance(struct parse *p, char **tok, unsigned int nr_tok,
                          unsigned int line)
{
    uint64_t a, b, dist;

    if (nr_tok < 3 || nr_tok > 4 ||
        parse_uint(tok[0], MAX_NODES - 1, &a) < 0 ||
        parse_uint(tok[1], MAX_NODES - 1, &b) < 0 ||
        parse_uint(tok[2], TOPOLOGY_DIST_MAX, &dist) < 0 ||
        a == b || dist < TOPOLOGY_DIST_LOCAL ||
        (nr_tok == 4 && strcmp(tok[3], "oneway") != 0))
        return -EINVAL;
    p->distance[a][b] = (uint8_t)dist;
    p->distance_line[a][b] = line;
    if (nr_tok == 3) {
        p->distance[b][a] = (uint8_t)dist;
        p->distance_line[b][a] = line;
    }
    return 0;
}

/* "dom0 key=value...": only its syntax is checked (the rig reads it). */
static int parse_dom0(char **tok, unsigned int nr_tok)
{
    unsigned int i;
    uint64_t size;

    for (i = 0; i < nr_tok; i++) {
        char *value = strchr(tok[i], '=');

        if (!value || value == tok[i])
            return -EINVAL;
        if (strncmp(tok[i], "mem=", 4) == 0 && parse_size(value + 1, &size) < 0)
            return -EINVAL;
    }
    return 0;
}

static int parse_line(struct parse *p, char *text, size_t len,
                      unsigned int line)
{
    char *tok[16], *save = NULL, *s;
    unsigned int nr_tok = 0;

    /* C string functions would silently stop at a NUL: refuse it. */
    if (memchr(text, '\0', len))
        return -EINVAL;
    s = strchr(text, '#');
    if (s)
        *s = '\0';
    for (s = strtok_r(text, " \t\r\n\v\f", &save); s;
         s = strtok_r(NULL, " \t\r\n\v\f", &save)) {
        if (nr_tok == NODEAFF_ARRAY_SIZE(tok)) {
            /* Only xen lines may be this long, and they are ignored. */
            if (strcmp(tok[0], "xen") == 0)
                return 0;
            return -EINVAL;
        }
        tok[nr_tok++] = s;
    }
    if (nr_tok == 0)
        return 0;
    if (strcmp(tok[0], "node") == 0)
        return parse_node(p, tok + 1, nr_tok - 1, line);
    if (strcmp(tok[0], "distance") == 0)
        return parse_distance(p, tok + 1, nr_tok - 1, line);
    if (strcmp(tok[0], "dom0") == 0)
        return parse_dom0(tok + 1, nr_tok - 1);
    if (strcmp(tok[0], "xen") == 0)
        return 0;
    return -EINVAL;
}

/* Checks across lines and builds the topology; *bad_line on -EINVAL. */
static int build(const struct parse *p, struct nodeaff_topology **ret,
                 unsigned int *bad_line)
{
    struct nodeaff_topology *t = NULL;
    unsigned int *owner = NULL;
    unsigned int i, a, b, nr_cpus = 0, bad = 0;
    int cpu, r;

    if (p->nr_nodes == 0) {
        *bad_line = 0;
        return -EINVAL;
    }
    /* Ids are 0..N-1 and distances name them: blame the first bad line. */
    for (i = 0; i < MAX_NODES; i++) {
        const struct node_decl *d = &p->nodes[i];

        if (((p->seen >> i) & 1) && i >= p->nr_nodes &&
            (!bad || d->line < bad))
            bad = d->line;
    }
    for (a = 0; a < MAX_NODES; a++)
        for (b = 0; b < MAX_NODES; b++)
            if (p->distance_line[a][b] && (a >= p->nr_nodes || b >= p->nr_nodes) &&
                (!bad || p->distance_line[a][b] < bad))
                bad = p->distance_line[a][b];
    if (bad) {
        *bad_line = bad;
        return -EINVAL;
    }
    for (i = 0; i < p->nr_nodes; i++) {
        const struct nodeaff_nodemap *cpus = p->nodes[i].cpus;

        if (cpus && (unsigned int)nodeaff_nodemap_last(cpus) + 1 > nr_cpus)
            nr_cpus = (unsigned int)nodeaff_nodemap_last(cpus) + 1;
    }

    /* Each CPU from 0 to the highest belongs to exactly one node; a CPU
     * claimed twice blames the later line. */
    if (nr_cpus) {
        owner = malloc(nr_cpus * sizeof(*owner));
        if (!owner)
            return -ENOMEM;
        memset(owner, 0xff, nr_cpus * sizeof(*owner));
    }
    for (i = 0; i < p->nr_nodes; i++) {
        const struct node_decl *d = &p->nodes[p->order[i]];

        if (!d->cpus)
            continue;
        for (cpu = nodeaff_nodemap_first(d->cpus); cpu >= 0;
             cpu = nodeaff_nodemap_next(d->cpus, (unsigned int)cpu)) {
            if (owner[cpu] != UINT32_MAX) {
                *bad_line = d->line;
                r = -EINVAL;
                goto out;
            }
            owner[cpu] = d->id;
        }
    }
    for (cpu = 0; cpu < (int)nr_cpus; cpu++) {
        if (owner[cpu] == UINT32_MAX) {
            /* Blame the node holding the first CPU above the gap. */
            while (owner[cpu] == UINT32_MAX)
                cpu++;
            *bad_line = p->nodes[owner[cpu]].line;
            r = -EINVAL;
            goto out;
        }
    }

    r = nodeaff_topology_new(p->nr_nodes, nr_cpus, &t);
    if (r < 0)
        goto out;
    for (i = 0; i < p->nr_nodes; i++) {
        const struct node_decl *d = &p->nodes[i];

        t->nodes[i].size = d->size;
        t->nodes[i].free = d->free;
        t->nodes[i].claimed = d->claimed;
        t->nodes[i].vcpus = d->vcpus;
    }
    for (cpu = 0; cpu < (int)nr_cpus; cpu++)
        nodeaff_topology_set_cpu_node(t, (unsigned int)cpu, owner[cpu]);
    for (a = 0; a < p->nr_nodes; a++)
        for (b = 0; b < p->nr_nodes; b++)
            if (p->distance_line[a][b])
                nodeaff_topology_set_distance(t, a, b, p->distance[a][b]);
    *ret = t;
    r = 0;
out:
    free(owner);
    return r;
}

NODEAFF_EXPORT int nodeaff_topology_from_file(const char *path,
                                              struct nodeaff_topology **ret_topology,
                                              unsigned int *ret_line)
{
    struct parse *p;
    struct nodeaff_topology *t = NULL;
    unsigned int line = 0, bad_line = 0, i;
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    FILE *f;
    int r = 0;

    if (!path || !ret_topology)
        return -EINVAL;
    p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    f = fopen(path, "re");
    if (!f) {
        r = -errno;
        free(p);
        return r;
    }

    for (;;) {
        errno = 0;
        len = getline(&text, &cap, f);
        if (len < 0) {
            if (!feof(f))
                r = errno ? -errno : -EIO;
            break;
        }
        line++;
        r = parse_line(p, text, (size_t)len, line);
        if (r < 0) {
            bad_line = line;
            break;
        }
    }
    if (r == 0)
        r = build(p, &t, &bad_line);

    if (r == 0)
        *ret_topology = t;
    else if (r == -EINVAL && ret_line)
        *ret_line = bad_line;

    free(text);
    fclose(f);
    for (i = 0; i < MAX_NODES; i++)
        nodeaff_nodemap_free(p->nodes[i].cpus);
    free(p);
    return r;
}
