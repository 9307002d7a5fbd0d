/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff claim DOMID SIZE [--nodes NODESET | --per-node N:SIZE[,N:SIZE...]]
 * nodeaff claim DOMID --cancel
 * nodeaff claim DOMID
 *
 * Node claims (nodeaff(3), NODE CLAIMS): reserve a domain's memory on
 * given nodes before it is populated, all or nothing; cancel; show.
 * SIZE alone is split over the domain's node affinity, --nodes over a
 * set (nodeaff_claim_split(): evenly by free unclaimed memory),
 * --per-node gives each node its own size.  A new claim replaces the
 * domain's previous one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/common.h"
#include "tool/output.h"

#define PAGE UINT64_C(4096)

static const char synopsis[] =
    "claim DOMID [SIZE [--nodes NODESET | --per-node N:SIZE[,N:SIZE...]] | --cancel]";

/* Whole pages for bytes: a partial page is claimed whole. */
static uint64_t pages_of(uint64_t bytes)
{
    return bytes / PAGE + (bytes % PAGE != 0);
}

struct request {
    uint32_t domid;
    int cancel;
    uint64_t size;                  /* bytes; 0 if not given */
    const char *nodes;              /* --nodes text, or NULL */
    const char *per_node;           /* --per-node text, or NULL */
    /* --per-node, parsed: bytes per node id (0: not named). */
    uint64_t node_bytes[NODEAFF_TOPOLOGY_MAX_NODES];
    unsigned int nr_named;          /* highest node named + 1 */
};

/* "N:SIZE[,N:SIZE...]": node ids below 64, each once, sizes positive.
 * EXIT_OK or EXIT_USAGE after a message naming the bad item. */
static int parse_per_node(const char *cmd, struct request *r)
{
    char *copy = strdup(r->per_node), *item, *save = NULL, *colon, *end;
    unsigned long node;
    uint64_t bytes;
    int status = EXIT_OK;

    if (!copy)
        return tool_fail(cmd, "out of memory", -ENOMEM);
    for (item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        colon = strchr(item, ':');
        errno = 0;
        node = colon && item[0] >= '0' && item[0] <= '9'
               ? strtoul(item, &end, 10) : 0;
        if (!colon || item[0] < '0' || item[0] > '9' || errno ||
            end != colon || node >= NODEAFF_TOPOLOGY_MAX_NODES) {
            fprintf(stderr, "nodeaff: %s: bad --per-node item '%s': want "
                    "NODE:SIZE with NODE a node id from 0 to %d\n", cmd, item,
                    NODEAFF_TOPOLOGY_MAX_NODES - 1);
            status = EXIT_USAGE;
            break;
        }
        if (tool_parse_size(colon + 1, &bytes) < 0) {
            fprintf(stderr, "nodeaff: %s: bad size in --per-node item '%s': "
                    "want a positive size like 512M, 2G or 1024 (MiB)\n",
                    cmd, item);
            status = EXIT_USAGE;
            break;
        }
        if (r->node_bytes[node]) {
            fprintf(stderr, "nodeaff: %s: node %lu is named twice in "
                    "--per-node\n", cmd, node);
            status = EXIT_USAGE;
            break;
        }
        r->node_bytes[node] = bytes;
        if (node + 1 > r->nr_named)
            r->nr_named = (unsigned int)node + 1;
    }
    /* strtok_r skips empty items: "0:1G,,1:1G" or a trailing comma would
     * pass unnoticed. */
    if (status == EXIT_OK && (r->nr_named == 0 || strstr(r->per_node, ",,") ||
                              r->per_node[0] == ',' ||
                              r->per_node[strlen(r->per_node) - 1] == ',')) {
        fprintf(stderr, "nodeaff: %s: bad --per-node '%s': want "
                "N:SIZE[,N:SIZE...]\n", cmd, r->per_node);
        status = EXIT_USAGE;
    }
    free(copy);
    return status;
}

/* Everything that can be checked without a hypervisor. */
static int parse_args(int argc, char **argv, struct request *r)
{
    int i, positional = 0, status;
    char msg[64];

    memset(r, 0, sizeof(*r));
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (strcmp(a, "--cancel") == 0) {
            r->cancel = 1;
        } else if (strcmp(a, "--nodes") == 0 || strcmp(a, "--per-node") == 0) {
            if (i + 1 >= argc) {
                snprintf(msg, sizeof(msg), "%s needs a value", a);
                return tool_usage(argv[0], msg, synopsis);
            }
            if (a[2] == 'n')
                r->nodes = argv[++i];
            else
                r->per_node = argv[++i];
        } else if (strcmp(a, "--") != 0 && strncmp(a, "--", 2) == 0) {
            snprintf(msg, sizeof(msg), "unknown option '%.40s'", a);
            return tool_usage(argv[0], msg, synopsis);
        } else if (strcmp(a, "--") == 0) {
            continue;
        } else if (positional == 0) {
            status = tool_parse_domid(argv[0], a, &r->domid);
            if (status != EXIT_OK)
                return status;
            positional++;
        } else if (positional == 1) {
            if (tool_parse_size(a, &r->size) < 0) {
                fprintf(stderr, "nodeaff: %s: bad SIZE '%s': want a positive "
                        "size like 512M, 2G or 1024 (MiB); --cancel cancels\n",
                        argv[0], a);
                return EXIT_USAGE;
            }
            positional++;
        } else {
            return tool_usage(argv[0], "unexpected argument", synopsis);
        }
    }
    if (positional == 0)
        return tool_usage(argv[0], "DOMID is required", synopsis);
    if (r->nodes && r->per_node)
        return tool_usage(argv[0], "--nodes and --per-node exclude each "
                          "other", synopsis);
    if (r->cancel && (r->size || r->nodes || r->per_node))
        return tool_usage(argv[0], "--cancel takes no SIZE, --nodes or "
                          "--per-node", synopsis);
    if (r->nodes && !r->size)
        return tool_usage(argv[0], "--nodes needs a SIZE to split over them",
                          synopsis);
    if (r->nodes && (status = tool_check_nodeset(argv[0], r->nodes)) != EXIT_OK)
        return status;
    if (r->per_node) {
        uint64_t total = 0;
        unsigned int n;

        status = parse_per_node(argv[0], r);
        if (status != EXIT_OK)
            return status;
        for (n = 0; n < r->nr_named; n++)
            total += pages_of(r->node_bytes[n]);
        if (r->size && pages_of(r->size) != total) {
            char s1[32], s2[32];

            fprintf(stderr, "nodeaff: %s: SIZE %s is not the --per-node "
                    "total %s: give either, or both equal\n", argv[0],
                    tool_size_text(r->size, s1, sizeof(s1)),
                    tool_size_text(total * PAGE, s2, sizeof(s2)));
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

/* The host as claims see it: the node count, and a topology whose claimed
 * memory leaves out the domain's own claim (it replaces it, so those pages
 * are the domain's to claim again). */
static int host_for(const char *cmd, struct nodeaff_handle *h, uint32_t domid,
                    struct nodeaff_topology **ret_t, unsigned int *ret_nr)
{
    struct nodeaff_topology *t;
    uint64_t own[NODEAFF_TOPOLOGY_MAX_NODES], claimed;
    unsigned int n;
    int ret;

    ret = nodeaff_topology_from_host(h, &t);
    if (ret < 0)
        return tool_fail(cmd, "cannot read the host topology", ret);
    *ret_nr = (unsigned int)nodeaff_topology_nr_nodes(t);
    ret = nodeaff_domain_get_claim(h, domid, own, NODEAFF_TOPOLOGY_MAX_NODES,
                                   NULL);
    if (ret < 0) {
        char what[48];

        nodeaff_topology_free(t);
        snprintf(what, sizeof(what), "domain %" PRIu32, domid);
        return tool_fail(cmd, what, ret);
    }
    for (n = 0; n < *ret_nr && n < (unsigned int)ret; n++)
        if (nodeaff_topology_node_claimed(t, n, &claimed) == 0)
            nodeaff_topology_set_node_claimed(t, n, claimed > own[n]
                                                    ? claimed - own[n] : 0);
    *ret_t = t;
    return EXIT_OK;
}

/* Free unclaimed bytes on the nodes of map. */
static uint64_t room_on(const struct nodeaff_topology *t,
                        const struct nodeaff_nodemap *map)
{
    uint64_t fr, claimed, sum = 0;
    int n;

    for (n = nodeaff_nodemap_first(map); n >= 0;
         n = nodeaff_nodemap_next(map, (unsigned int)n))
        if (nodeaff_topology_node_memory(t, (unsigned int)n, NULL, &fr) == 0 &&
            nodeaff_topology_node_claimed(t, (unsigned int)n, &claimed) == 0)
            sum += fr > claimed ? fr - claimed : 0;
    return sum;
}

/* The nodes to split SIZE over: --nodes, else the domain's affinity. */
static int split_nodes(const char *cmd, struct nodeaff_handle *h,
                       const struct request *r, unsigned int nr_nodes,
                       struct nodeaff_nodemap **ret_map)
{
    char what[48];
    int ret;

    if (r->nodes)
        return tool_parse_nodeset(cmd, r->nodes, nr_nodes, ret_map);
    ret = nodeaff_domain_get_affinity(h, r->domid, ret_map);
    if (ret < 0) {
        snprintf(what, sizeof(what), "domain %" PRIu32, r->domid);
        return tool_fail(cmd, what, ret);
    }
    return EXIT_OK;
}

/* pages[] for the request; EXIT_OK or a message and its status. */
static int build_pages(const char *cmd, struct nodeaff_handle *h,
                       const struct request *r,
                       const struct nodeaff_topology *t, unsigned int nr_nodes,
                       uint64_t *pages)
{
    struct nodeaff_nodemap *map = NULL;
    char s1[32], s2[32], *set;
    unsigned int n;
    int ret, status;

    if (r->per_node) {
        for (n = 0; n < r->nr_named; n++) {
            if (!r->node_bytes[n])
                continue;
            if (n >= nr_nodes) {
                fprintf(stderr, "nodeaff: %s: bad --per-node: node %u: the "
                        "host has nodes 0-%u only\n", cmd, n, nr_nodes - 1);
                return EXIT_USAGE;
            }
            if (nodeaff_topology_node_memory(t, n, NULL, NULL) == -ENOENT) {
                fprintf(stderr, "nodeaff: %s: bad --per-node: node %u is "
                        "offline\n", cmd, n);
                return EXIT_USAGE;
            }
            pages[n] = pages_of(r->node_bytes[n]);
        }
        return EXIT_OK;
    }

    status = split_nodes(cmd, h, r, nr_nodes, &map);
    if (status != EXIT_OK)
        return status;
    ret = nodeaff_claim_split(t, map, r->size, pages, nr_nodes);
    if (ret == -ENOMEM || ret == -EINVAL) {
        int len = nodeaff_nodemap_format(map, NODEAFF_FORMAT_LIST, NULL, 0);

        set = len > 0 ? malloc((size_t)len + 1) : NULL;
        if (set)
            nodeaff_nodemap_format(map, NODEAFF_FORMAT_LIST, set,
                                   (size_t)len + 1);
        if (ret == -ENOMEM)
            fprintf(stderr, "nodeaff: %s: %s %s %s only %s free and "
                    "unclaimed for domain %" PRIu32 " (asked %s); nothing "
                    "was claimed\n", cmd,
                    nodeaff_nodemap_count(map) == 1 ? "node" : "nodes",
                    set ? set : "?",
                    nodeaff_nodemap_count(map) == 1 ? "has" : "have",
                    tool_size_text(room_on(t, map), s1, sizeof(s1)), r->domid,
                    tool_size_text(r->size, s2, sizeof(s2)));
        else
            fprintf(stderr, "nodeaff: %s: nodes %s include an offline node; "
                    "nothing was claimed\n", cmd, set ? set : "?");
        free(set);
        nodeaff_nodemap_free(map);
        return ret == -ENOMEM ? EXIT_FAILED : EXIT_USAGE;
    }
    nodeaff_nodemap_free(map);
    if (ret < 0)
        return tool_fail(cmd, "cannot split SIZE over the nodes", ret);
    return EXIT_OK;
}

/* Why the hypervisor refused the claim, in the operator's terms. */
static int claim_failed(const char *cmd, struct nodeaff_handle *h,
                        const struct request *r, const uint64_t *pages,
                        unsigned int nr_nodes, int err, uint32_t short_node,
                        uint64_t short_avail)
{
    char s1[32], s2[32], what[48];
    uint64_t total = 0;
    unsigned int n;

    for (n = 0; n < nr_nodes; n++)
        total += pages[n];
    snprintf(what, sizeof(what), "domain %" PRIu32, r->domid);
    switch (-err) {
    case ENOMEM:
        if (short_node == NODEAFF_CLAIM_HOST || short_node >= nr_nodes)
            fprintf(stderr, "nodeaff: %s: the host has only %s free and "
                    "unclaimed for domain %" PRIu32 " (asked %s in all); "
                    "nothing was claimed\n", cmd,
                    tool_size_text(short_avail * PAGE, s1, sizeof(s1)),
                    r->domid, tool_size_text(total * PAGE, s2, sizeof(s2)));
        else
            fprintf(stderr, "nodeaff: %s: node %" PRIu32 " has only %s free "
                    "and unclaimed for domain %" PRIu32 " (asked %s); "
                    "nothing was claimed\n", cmd, short_node,
                    tool_size_text(short_avail * PAGE, s1, sizeof(s1)),
                    r->domid,
                    tool_size_text(pages[short_node] * PAGE, s2, sizeof(s2)));
        return EXIT_FAILED;
    case EBUSY:
        fprintf(stderr, "nodeaff: %s: domain %" PRIu32 " holds a host-wide "
                "claim (XENMEM_claim_pages, as xl's claim_mode makes): a "
                "domain holds node claims or a host-wide claim, not both; "
                "nothing was claimed\n", cmd, r->domid);
        return EXIT_FAILED;
    case EINVAL:
        fprintf(stderr, "nodeaff: %s: the hypervisor refused %s for domain %"
                PRIu32 ": more than the domain may still own (its maxmem "
                "less what it has), or a node went offline; nothing was "
                "claimed\n", cmd, tool_size_text(total * PAGE, s1, sizeof(s1)),
                r->domid);
        return EXIT_FAILED;
    case EOPNOTSUPP:
        if (nodeaff_features(h) & NODEAFF_FEATURE_STATE) {
            fprintf(stderr, "nodeaff: %s: %s: %s; this hypervisor's series "
                    "has no node claims (patch 0008)\n", cmd, what,
                    strerror(-err));
            return EXIT_FAILED;
        }
        return tool_fail(cmd, what, err);
    default:
        return tool_fail(cmd, what, err);
    }
}

static int show(const char *cmd, struct nodeaff_handle *h, uint32_t domid)
{
    uint64_t pages[NODEAFF_TOPOLOGY_MAX_NODES], host_wide = 0;
    int ret;

    ret = nodeaff_domain_get_claim(h, domid, pages, NODEAFF_TOPOLOGY_MAX_NODES,
                                   &host_wide);
    if (ret < 0)
        return claim_failed(cmd, h, &(struct request){ .domid = domid },
                            pages, 0, ret, 0, 0);
    ret = output_claim(stdout, domid, pages, (unsigned int)ret, host_wide,
                       opt_json);
    return ret < 0 ? tool_fail(cmd, "cannot show the claim", ret) : EXIT_OK;
}

int cmd_claim(int argc, char **argv)
{
    struct nodeaff_handle *h = NULL;
    struct nodeaff_topology *t = NULL;
    uint64_t pages[NODEAFF_TOPOLOGY_MAX_NODES] = { 0 }, avail = 0;
    uint32_t short_node = 0;
    struct request r;
    unsigned int nr_nodes = 0;
    int status, ret;

    status = parse_args(argc, argv, &r);
    if (status != EXIT_OK)
        return status;
    status = tool_open(argv[0], &h);
    if (status != EXIT_OK)
        return status;
    if (!(nodeaff_features(h) & NODEAFF_FEATURE_CLAIMS)) {
        status = claim_failed(argv[0], h, &r, pages, 0,
                              -EOPNOTSUPP, 0, 0);
        goto out;
    }

    if (r.cancel) {
        ret = nodeaff_domain_cancel_claim(h, r.domid);
        if (ret < 0) {
            status = claim_failed(argv[0], h, &r, pages, 0, ret, 0, 0);
            goto out;
        }
        if (!opt_json)
            printf("domain %" PRIu32 ": node claims cancelled\n", r.domid);
        status = opt_json ? show(argv[0], h, r.domid) : EXIT_OK;
        goto out;
    }
    if (!r.size && !r.per_node) {
        status = show(argv[0], h, r.domid);
        goto out;
    }

    status = host_for(argv[0], h, r.domid, &t, &nr_nodes);
    if (status != EXIT_OK)
        goto out;
    status = build_pages(argv[0], h, &r, t, nr_nodes, pages);
    if (status != EXIT_OK)
        goto out;
    ret = nodeaff_domain_claim(h, r.domid, pages, nr_nodes, &short_node,
                               &avail);
    if (ret < 0) {
        status = claim_failed(argv[0], h, &r, pages, nr_nodes, ret,
                              short_node, avail);
        goto out;
    }
    /* What the hypervisor holds now, read back. */
    status = show(argv[0], h, r.domid);
out:
    nodeaff_topology_free(t);
    nodeaff_close(h);
    return status;
}
