/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The RFC's config value: the right-hand side of an xl-style nodes= line,
 * turned into an explicit node set or an automatic placement.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nodeaff-private.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The value with surrounding blanks and one pair of quotes around the whole
 * of it removed ("0-3,^2" and 0-3 are the same value), in a new string;
 * *ret_skipped gets how many leading characters went, so columns still
 * count from the start of value. */
static char *unwrap(const char *value, unsigned int *ret_skipped)
{
    size_t start = 0, end = strlen(value), len;
    char *text;

    while (start < end && is_space(value[start]))
        start++;
    while (end > start && is_space(value[end - 1]))
        end--;
    if (end - start >= 2 && value[start] == '"' && value[end - 1] == '"' &&
        !memchr(value + start + 1, '"', end - start - 2)) {
        start++;
        end--;
    }
    len = end - start;
    text = malloc(len + 1);
    if (!text)
        return NULL;
    memcpy(text, value + start, len);
    text[len] = '\0';
    *ret_skipped = (unsigned int)start;
    return text;
}

static int place(const struct nodeaff_topology *topology,
                 uint64_t memory_bytes, unsigned int vcpus, unsigned int flags,
                 struct nodeaff_nodemap **ret_nodes)
{
    struct nodeaff_placement *p;
    const struct nodeaff_nodemap *chosen;
    int ret;

    ret = nodeaff_place(topology, memory_bytes, vcpus, flags, &p);
    if (ret < 0)
        return ret;
    chosen = nodeaff_placement_nodes(p);
    ret = chosen ? nodeaff_nodemap_copy(chosen, ret_nodes) : -EINVAL;
    nodeaff_placement_free(p);
    return ret < 0 ? ret : NODEAFF_CONFIG_AUTO;
}

/* Explicit sets must be non-empty and name online nodes only: Xen would
 * otherwise reject the set (no online node) or silently ignore part of it. */
static int check_online(const struct nodeaff_topology *topology,
                        const struct nodeaff_nodemap *nodes)
{
    struct nodeaff_nodemap *online;
    int ret;

    ret = nodeaff_nodemap_count(nodes);
    if (ret <= 0)
        return ret < 0 ? ret : -EINVAL;
    ret = nodeaff_topology_online_nodes(topology, &online);
    if (ret < 0)
        return ret;
    ret = nodeaff_nodemap_is_subset(nodes, online);
    nodeaff_nodemap_free(online);
    if (ret < 0)
        return ret;
    return ret ? 0 : -ENOENT;
}

NODEAFF_EXPORT int nodeaff_config_nodes(const char *value,
                                        const struct nodeaff_topology *topology,
                                        uint64_t memory_bytes,
                                        unsigned int vcpus, unsigned int flags,
                                        struct nodeaff_nodemap **ret_nodes,
                                        int *ret_reason,
                                        unsigned int *ret_column)
{
    struct nodeaff_nodemap *nodes = NULL;
    unsigned int skipped = 0, column = 0;
    int reason = NODEAFF_PARSE_OK;
    int nr_nodes, ret;
    char *text;

    if (!value || !topology || !ret_nodes || (flags & ~NODEAFF_STRICT))
        return -EINVAL;
    nr_nodes = nodeaff_topology_nr_nodes(topology);
    if (nr_nodes < 0)
        return nr_nodes;

    text = unwrap(value, &skipped);
    if (!text)
        return -ENOMEM;

    if (strcmp(text, "auto") == 0) {
        ret = place(topology, memory_bytes, vcpus, flags, ret_nodes);
        free(text);
        return ret;
    }

    ret = nodeaff_nodemap_new((unsigned int)nr_nodes, &nodes);
    if (ret < 0)
        goto out;
    ret = nodeaff_nodemap_parse(nodes, text, &reason, &column);
    if (ret < 0) {
        if (ret_reason)
            *ret_reason = reason;
        if (ret_column && column > 0)
            *ret_column = column + skipped;
        goto out;
    }
    ret = check_online(topology, nodes);
    if (ret < 0)
        goto out;

    *ret_nodes = nodes;
    nodes = NULL;
    ret = NODEAFF_CONFIG_EXPLICIT;
out:
    nodeaff_nodemap_free(nodes);
    free(text);
    return ret;
}
