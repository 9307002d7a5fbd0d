/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public nodeaff_domain_* calls: argument checks first (nothing reaches
 * the hypervisor on bad input), then routing.  With the carried series
 * (NODEAFF_FEATURE_STATE) every affinity call goes through its stable ops,
 * so mode and mask change and read together; without it set, get and reset
 * go through the upstream domctls and strict, state and usage fail with
 * series_err (-EOPNOTSUPP, or -EPROTO for a series of another version).
 * On a Xen release this library does not know, the upstream ops fail with
 * -EPROTONOSUPPORT: a missing affinity feature says so rather than
 * -EOPNOTSUPP, which would blame the series.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xen/backend.h"

NODEAFF_HOT
NODEAFF_EXPORT int nodeaff_domain_set_affinity(struct nodeaff_handle *handle,
                                               uint32_t domid,
                                               const struct nodeaff_nodemap *nodes,
                                               unsigned int flags)
{
    uint8_t bytes[NODEAFF_XEN_FULL_BITS / 8];
    int ret;

    if (!handle)
        return -EINVAL;
    if ((ret = nodeaff_xen_check_domid(domid)) < 0 ||
        (ret = nodeaff_xen_check_flags(flags, NODEAFF_STRICT)) < 0)
        return ret;
    /* Without the node count (an unknown release without the series)
     * every node would be out of range: say why instead. */
    if (handle->nr_nodes == 0)
        return nodeaff_xen_missing(handle, NODEAFF_FEATURE_AFFINITY);
    if ((ret = nodeaff_xen_check_nodes(nodes, handle->nr_nodes)) < 0)
        return ret;
    if ((flags & NODEAFF_STRICT) && !nodeaff_xen_has(handle, NODEAFF_FEATURE_STRICT))
        return nodeaff_xen_missing(handle, NODEAFF_FEATURE_STRICT);
    if (!nodeaff_xen_has(handle, NODEAFF_FEATURE_AFFINITY))
        return nodeaff_xen_missing(handle, NODEAFF_FEATURE_AFFINITY);

    memset(bytes, 0, sizeof(bytes));
    ret = nodeaff_nodemap_export_raw(nodes, bytes, handle->nr_nodes);
    if (ret < 0)
        return ret;

    nodeaff_xen_lock(handle);
    if (nodeaff_xen_has(handle, NODEAFF_FEATURE_STATE))
        ret = nodeaff_stable_set_affinity(handle, domid, bytes, flags);
    else
        ret = nodeaff_up_set_affinity(handle, domid, bytes);
    nodeaff_xen_unlock(handle);
    return ret;
}

/* Reads mask and flags into a new map; flags are 0 without the series. */
NODEAFF_HOT
static int read_affinity(struct nodeaff_handle *h, uint32_t domid,
                         struct nodeaff_nodemap **ret_nodes,
                         unsigned int *ret_flags)
{
    uint8_t bytes[NODEAFF_XEN_FULL_BITS / 8] = { 0 };
    struct nodeaff_nodemap *map = NULL;
    unsigned int flags = 0;
    int ret;

    if (ret_nodes) {
        ret = nodeaff_nodemap_new(h->nr_nodes, &map);
        if (ret < 0)
            return ret;
    }

    nodeaff_xen_lock(h);
    if (nodeaff_xen_has(h, NODEAFF_FEATURE_STATE))
        ret = nodeaff_stable_get_affinity(h, domid, bytes, &flags);
    else
        ret = nodeaff_up_get_affinity(h, domid, bytes);
    nodeaff_xen_unlock(h);

    /* Bits beyond the host's nodes (an explicit mask may hold them on
     * stock Xen) are dropped by the import's nr_bits. */
    if (ret == 0 && map)
        ret = nodeaff_nodemap_import_raw(map, bytes, h->nr_nodes);
    if (ret < 0) {
        nodeaff_nodemap_free(map);
        return ret;
    }
    if (ret_nodes)
        *ret_nodes = map;
    if (ret_flags)
        *ret_flags = flags;
    return 0;
}

NODEAFF_HOT
NODEAFF_EXPORT int nodeaff_domain_get_affinity(struct nodeaff_handle *handle,
                                               uint32_t domid,
                                               struct nodeaff_nodemap **ret_nodes)
{
    int ret;

    if (!handle || !ret_nodes)
        return -EINVAL;
    if ((ret = nodeaff_xen_check_domid(domid)) < 0)
        return ret;
    if (!nodeaff_xen_has(handle, NODEAFF_FEATURE_AFFINITY))
        return nodeaff_xen_missing(handle, NODEAFF_FEATURE_AFFINITY);
    return read_affinity(handle, domid, ret_nodes, NULL);
}

NODEAFF_EXPORT int nodeaff_domain_get_state(struct nodeaff_handle *handle,
                                            uint32_t domid,
                                            struct nodeaff_nodemap **ret_nodes,
                                            unsigned int *ret_flags)
{
    int ret;

    if (!handle || !ret_flags)
        return -EINVAL;
    if ((ret = nodeaff_xen_check_domid(domid)) < 0)
        return ret;
    if (!nodeaff_xen_has(handle, NODEAFF_FEATURE_STATE))
        return nodeaff_xen_missing(handle, NODEAFF_FEATURE_STATE);
    return read_affinity(handle, domid, ret_nodes, ret_flags);
}

NODEAFF_EXPORT int nodeaff_domain_reset_affinity(struct nodeaff_handle *handle,
                                                 uint32_t domid)
{
    int ret;

    if (!handle)
        return -EINVAL;
    if ((ret = nodeaff_xen_check_domid(domid)) < 0)
        return ret;
    if (!nodeaff_xen_has(handle, NODEAFF_FEATURE_AFFINITY))
        return nodeaff_xen_missing(handle, NODEAFF_FEATURE_AFFINITY);

    nodeaff_xen_lock(handle);
    if (nodeaff_xen_has(handle, NODEAFF_FEATURE_STATE))
        ret = nodeaff_stable_reset_affinity(handle, domid);
    else
        ret = nodeaff_up_reset_affinity(handle, domid);
    nodeaff_xen_unlock(handle);
    return ret;
}

NODEAFF_EXPORT int nodeaff_domain_get_usage(struct nodeaff_handle *handle,
                                            uint32_t domid,
                                            uint64_t *ret_pages,
                                            unsigned int nr_entries)
{
    uint64_t *pages;
    unsigned int i;
    int ret;

    if (!handle || !ret_pages)
        return -EINVAL;
    if ((ret = nodeaff_xen_check_domid(domid)) < 0)
        return ret;
    if (nr_entries < handle->nr_nodes)
        return -ENOBUFS;
    if (!nodeaff_xen_has(handle, NODEAFF_FEATURE_USAGE))
        return nodeaff_xen_missing(handle, NODEAFF_FEATURE_USAGE);

    pages = calloc(handle->nr_nodes ? handle->nr_nodes : 1, sizeof(*pages));
    if (!pages)
        return -ENOMEM;
    nodeaff_xen_lock(handle);
    ret = nodeaff_stable_get_usage(handle, domid, pages, handle->nr_nodes);
    nodeaff_xen_unlock(handle);
    if (ret == 0) {
        for (i = 0; i < handle->nr_nodes; i++)
            ret_pages[i] = pages[i];
        ret = (int)handle->nr_nodes;
    }
    free(pages);
    return ret;
}

NODEAFF_EXPORT int nodeaff_domain_list(struct nodeaff_handle *handle,
                                       uint32_t *ret_domids,
                                       unsigned int nr_entries)
{
    int ret;

    if (!handle || (!ret_domids && nr_entries > 0))
        return -EINVAL;
    nodeaff_xen_lock(handle);
    ret = nodeaff_up_list_domains(handle, ret_domids, nr_entries);
    nodeaff_xen_unlock(handle);
    return ret;
}
