/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff get DOMID, set DOMID NODESET [--strict], reset DOMID: one
 * domain's node affinity.  Arguments are read before the hypervisor is
 * opened, so bad input is exit status 2 even where there is no Xen.
 */
#include <stdio.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/common.h"
#include "tool/output.h"

/* The host's node count, which NODESET is parsed against. */
static int host_nodes(const char *cmd, struct nodeaff_handle *handle,
                      unsigned int *ret_nr_nodes)
{
    struct nodeaff_topology *topology;
    int ret;

    ret = nodeaff_topology_from_host(handle, &topology);
    if (ret < 0)
        return tool_fail(cmd, "cannot read the host topology", ret);
    ret = nodeaff_topology_nr_nodes(topology);
    nodeaff_topology_free(topology);
    if (ret < 0)
        return tool_fail(cmd, "cannot read the host topology", ret);
    *ret_nr_nodes = (unsigned int)ret;
    return EXIT_OK;
}

/* "CMD DOMID": the domain id parsed, then the hypervisor opened. */
static int open_for_domid(int argc, char **argv, const char *synopsis,
                          uint32_t *ret_domid, struct nodeaff_handle **ret_handle)
{
    int status;

    if (argc != 2)
        return tool_usage(argv[0], argc < 2 ? "missing DOMID"
                                            : "too many arguments", synopsis);
    status = tool_parse_domid(argv[0], argv[1], ret_domid);
    if (status != EXIT_OK)
        return status;
    return tool_open(argv[0], ret_handle);
}

int cmd_get(int argc, char **argv)
{
    static const char synopsis[] = "get DOMID";
    struct nodeaff_handle *handle;
    struct nodeaff_nodemap *nodes = NULL;
    unsigned int flags = 0;
    int have_flags, status, ret;
    uint32_t domid;

    status = open_for_domid(argc, argv, synopsis, &domid, &handle);
    if (status != EXIT_OK)
        return status;

    /* Mode and strictness only where the hypervisor can report them. */
    have_flags = (nodeaff_features(handle) & NODEAFF_FEATURE_STATE) != 0;
    if (have_flags)
        ret = nodeaff_domain_get_state(handle, domid, &nodes, &flags);
    else
        ret = nodeaff_domain_get_affinity(handle, domid, &nodes);
    nodeaff_close(handle);
    if (ret < 0) {
        char what[64];

        snprintf(what, sizeof(what), "domain %u", (unsigned int)domid);
        return tool_fail(argv[0], what, ret);
    }
    ret = output_affinity(stdout, domid, nodes, have_flags, flags, opt_json);
    nodeaff_nodemap_free(nodes);
    if (ret < 0)
        return tool_fail(argv[0], "cannot show the affinity", ret);
    return EXIT_OK;
}

/* Does a nodeset (syntax already checked) name no node at all? */
static int nodeset_is_empty(const char *text)
{
    struct nodeaff_nodemap *map;
    int empty;

    if (nodeaff_nodemap_new(NODEAFF_NODEMAP_MAX_NODES, &map) < 0)
        return 0;   /* the host's check below still refuses it */
    empty = nodeaff_nodemap_parse(map, text, NULL, NULL) == 0 &&
            nodeaff_nodemap_count(map) == 0;
    nodeaff_nodemap_free(map);
    return empty;
}

int cmd_set(int argc, char **argv)
{
    static const char synopsis[] = "set DOMID NODESET [--strict]";
    const char *positional[2];
    struct nodeaff_handle *handle;
    struct nodeaff_nodemap *nodes;
    unsigned int flags = 0, nr_nodes = 0;
    int i, n = 0, opts_done = 0, status, ret;
    uint32_t domid;
    char what[64];

    for (i = 1; i < argc; i++) {
        if (!opts_done && strcmp(argv[i], "--") == 0)
            opts_done = 1;
        else if (!opts_done && strcmp(argv[i], "--strict") == 0)
            flags |= NODEAFF_STRICT;
        else if (!opts_done && strncmp(argv[i], "--", 2) == 0)
            return tool_usage(argv[0], "unknown option", synopsis);
        else if (n < 2)
            positional[n++] = argv[i];
        else
            return tool_usage(argv[0], "too many arguments", synopsis);
    }
    if (n < 2)
        return tool_usage(argv[0], n ? "missing NODESET" : "missing DOMID",
                          synopsis);
    status = tool_parse_domid(argv[0], positional[0], &domid);
    if (status == EXIT_OK)
        status = tool_check_nodeset(argv[0], positional[1]);
    if (status != EXIT_OK)
        return status;
    /* Empty for the largest map is empty for any host: bad input (exit 2),
     * known before there is any need for a hypervisor. */
    if (nodeset_is_empty(positional[1])) {
        fprintf(stderr, "nodeaff: set: bad NODESET '%s': the set is empty "
                "(use 'nodeaff reset' for automatic affinity)\n",
                positional[1]);
        return EXIT_USAGE;
    }

    status = tool_open(argv[0], &handle);
    if (status != EXIT_OK)
        return status;
    status = host_nodes(argv[0], handle, &nr_nodes);
    if (status == EXIT_OK)
        status = tool_parse_nodeset(argv[0], positional[1], nr_nodes, &nodes);
    if (status != EXIT_OK) {
        nodeaff_close(handle);
        return status;
    }
    if (nodeaff_nodemap_count(nodes) == 0) {
        nodeaff_nodemap_free(nodes);
        nodeaff_close(handle);
        fprintf(stderr, "nodeaff: set: bad NODESET '%s': the set is empty "
                "(use 'nodeaff reset' for automatic affinity)\n",
                positional[1]);
        return EXIT_USAGE;
    }

    ret = nodeaff_domain_set_affinity(handle, domid, nodes, flags);
    nodeaff_close(handle);
    if (ret < 0) {
        nodeaff_nodemap_free(nodes);
        snprintf(what, sizeof(what), "domain %u", (unsigned int)domid);
        return tool_fail(argv[0], what, ret);
    }
    ret = output_change(stdout, domid, nodes, flags, opt_json);
    nodeaff_nodemap_free(nodes);
    return ret < 0 ? tool_fail(argv[0], "cannot show the result", ret)
                   : EXIT_OK;
}

int cmd_reset(int argc, char **argv)
{
    static const char synopsis[] = "reset DOMID";
    struct nodeaff_handle *handle;
    int status, ret;
    uint32_t domid;
    char what[64];

    status = open_for_domid(argc, argv, synopsis, &domid, &handle);
    if (status != EXIT_OK)
        return status;
    ret = nodeaff_domain_reset_affinity(handle, domid);
    nodeaff_close(handle);
    if (ret < 0) {
        snprintf(what, sizeof(what), "domain %u", (unsigned int)domid);
        return tool_fail(argv[0], what, ret);
    }
    output_change(stdout, domid, NULL, 0, opt_json);
    return EXIT_OK;
}
