/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public node claim calls (LIBNODEAFF_1.2): argument checks first
 * (nothing reaches the hypervisor on bad input), then the series' claim
 * domctls (patch 0008).  There is no upstream fallback: Xen's own
 * XENMEM_claim_pages is host-wide and cannot say where the pages are, so
 * without NODEAFF_FEATURE_CLAIMS every call fails with series_err
 * (-EOPNOTSUPP, or -EPROTO for a series of another version).
 *
 * No call allocates: the counts travel in the handle's hypercall buffer,
 * so -ENOMEM always means "the hypervisor is short", never "malloc failed".
 */
#include <errno.h>

#include "xen/backend.h"

/* What every claim call checks after its own arguments. */
static int check_claims_feature(const struct nodeaff_handle *h)
{
    /* Without the node count (an unknown release without the series) the
     * feature cannot be there either: say why. */
    if (!nodeaff_xen_has(h, NODEAFF_FEATURE_CLAIMS) || h->nr_nodes == 0)
        return nodeaff_xen_missing(h, NODEAFF_FEATURE_CLAIMS);
    return 0;
}

NODEAFF_EXPORT int nodeaff_domain_claim(struct nodeaff_handle *handle,
                                        uint32_t domid,
                                        const uint64_t *pages,
                                        unsigned int nr_entries,
                                        uint32_t *ret_short_node,
                                        uint64_t *ret_short_avail)
{
    int ret;

    if (!handle)
        return -EINVAL;
    if ((ret = nodeaff_xen_check_domid(domid)) < 0 ||
        (ret = nodeaff_xen_check_claim(pages, nr_entries,
                                       handle->nr_nodes)) < 0 ||
        (ret = check_claims_feature(handle)) < 0)
        return ret;
    /* Entries past the host's nodes are zeros (checked above). */
    if (nr_entries > handle->nr_nodes)
        nr_entries = handle->nr_nodes;

    nodeaff_xen_lock(handle);
    ret = nodeaff_stable_set_claim(handle, domid, pages, nr_entries,
                                   ret_short_node, ret_short_avail);
    nodeaff_xen_unlock(handle);
    return ret;
}

NODEAFF_EXPORT int nodeaff_domain_cancel_claim(struct nodeaff_handle *handle,
                                               uint32_t domid)
{
    return nodeaff_domain_claim(handle, domid, NULL, 0, NULL, NULL);
}

NODEAFF_EXPORT int nodeaff_domain_get_claim(struct nodeaff_handle *handle,
                                            uint32_t domid,
                                            uint64_t *ret_pages,
                                            unsigned int nr_entries,
                                            uint64_t *ret_host_wide)
{
    int ret;

    if (!handle || !ret_pages)
        return -EINVAL;
    if ((ret = nodeaff_xen_check_domid(domid)) < 0)
        return ret;
    if (nr_entries < handle->nr_nodes)
        return -ENOBUFS;
    if ((ret = check_claims_feature(handle)) < 0)
        return ret;

    nodeaff_xen_lock(handle);
    ret = nodeaff_stable_get_claim(handle, domid, ret_pages, ret_host_wide);
    nodeaff_xen_unlock(handle);
    return ret < 0 ? ret : (int)handle->nr_nodes;
}

NODEAFF_EXPORT int nodeaff_host_claims(struct nodeaff_handle *handle,
                                       uint64_t *ret_pages,
                                       unsigned int nr_entries,
                                       uint64_t *ret_all_claims)
{
    int ret;

    if (!handle || !ret_pages)
        return -EINVAL;
    if (nr_entries < handle->nr_nodes)
        return -ENOBUFS;
    if ((ret = check_claims_feature(handle)) < 0)
        return ret;

    nodeaff_xen_lock(handle);
    ret = nodeaff_stable_get_host_claims(handle, ret_pages, ret_all_claims);
    nodeaff_xen_unlock(handle);
    return ret < 0 ? ret : (int)handle->nr_nodes;
}
