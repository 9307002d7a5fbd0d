/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Upstream operations, through libxenctrl, which stamps the domctl and
 * sysctl interface versions of the Xen it was built for.  Every function
 * returns 0 (or a count) or a negative errno; the caller holds the lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#include "xen/backend.h"

/*
 * The host's node count: the highest online node id + 1, as numainfo and
 * the series' usage op count.  Not xc_get_max_nodes(): that is physinfo's
 * max_node_id + 1, which Xen sets to MAX_NUMNODES (64 on x86) whatever
 * the host has.
 */
int nodeaff_xc_nr_nodes(struct nodeaff_handle *h)
{
    unsigned int n = 0;
    int ret, size;

    /* libxenctrl's own node maps must fit the buffers we hand it. */
    size = xc_get_nodemap_size(h->xch);
    if (size < 0)
        return nodeaff_xen_errno(size, errno);
    if (size > (int)(NODEAFF_XEN_FULL_BITS / 8))
        return -EOVERFLOW;

    ret = xc_numainfo(h->xch, &n, NULL, NULL);
    if (ret < 0)
        return nodeaff_xen_errno(ret, errno);
    return n > 0 ? (int)n : -EIO;
}

NODEAFF_HOT
int nodeaff_xc_set_affinity(struct nodeaff_handle *h, uint32_t domid,
                            const uint8_t *bytes)
{
    /* libxenctrl copies xc_get_nodemap_size() bytes (MAX_NUMNODES bits):
     * the caller's buffer is NODEAFF_XEN_FULL_BITS / 8 bytes, zeroed past
     * the host's nodes. */
    int ret = xc_domain_node_setaffinity(h->xch, domid, (uint8_t *)bytes);

    return nodeaff_xen_errno(ret, errno);
}

NODEAFF_HOT
int nodeaff_xc_get_affinity(struct nodeaff_handle *h, uint32_t domid,
                            uint8_t *bytes)
{
    int ret = xc_domain_node_getaffinity(h->xch, domid, bytes);

    return nodeaff_xen_errno(ret, errno);
}

/*
 * Stock Xen resets to automatic affinity when it is given a *full* mask:
 * every one of MAX_NUMNODES bits.  xc_domain_node_setaffinity() sends only
 * (max_node_id + 8) / 8 bytes, which is full only on a 64-node host, so
 * the reset sends XEN_DOMCTL_setnodeaffinity itself with a map larger than
 * any MAX_NUMNODES (Xen copies the bits it has and ignores the rest).
 */
int nodeaff_xc_reset_affinity(struct nodeaff_handle *h, uint32_t domid)
{
    struct xen_domctl domctl;
    DECLARE_HYPERCALL_BUFFER(uint8_t, map);
    int ret, saved;

    map = xc_hypercall_buffer_alloc(h->xch, map, NODEAFF_XEN_FULL_BITS / 8);
    if (!map)
        return -ENOMEM;
    memset(map, 0xff, NODEAFF_XEN_FULL_BITS / 8);

    memset(&domctl, 0, sizeof(domctl));
    domctl.cmd = XEN_DOMCTL_setnodeaffinity;
    domctl.domain = (domid_t)domid;
    set_xen_guest_handle(domctl.u.nodeaffinity.nodemap.bitmap, map);
    domctl.u.nodeaffinity.nodemap.nr_bits = NODEAFF_XEN_FULL_BITS;

    ret = xc_domctl(h->xch, &domctl);
    saved = errno;
    xc_hypercall_buffer_free(h->xch, map);
    return nodeaff_xen_errno(ret, saved);
}

static int cmp_domid(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

int nodeaff_xc_for_each_domain(struct nodeaff_handle *h,
                               int (*fn)(const struct xen_domctl_getdomaininfo *info,
                                         void *ctx),
                               void *ctx)
{
    enum { BATCH = 256 };
    xc_domaininfo_t *info;
    uint32_t next = 0;
    unsigned int i;
    int got, ret = 0;

    info = calloc(BATCH, sizeof(*info));
    if (!info)
        return -ENOMEM;
    for (;;) {
        got = xc_domain_getinfolist(h->xch, next, BATCH, info);
        if (got < 0) {
            ret = nodeaff_xen_errno(got, errno);
            break;
        }
        for (i = 0; i < (unsigned int)got && ret == 0; i++)
            ret = fn(&info[i], ctx);
        if (ret < 0 || got < BATCH)
            break;
        next = info[got - 1].domain + 1;
        if (next >= DOMID_FIRST_RESERVED)
            break;
    }
    free(info);
    return ret;
}

struct domid_list {
    uint32_t *ids;
    unsigned int n, size;
};

static int append_domid(const xc_domaininfo_t *info, void *ctx)
{
    struct domid_list *l = ctx;

    if (l->n == l->size) {
        unsigned int size = l->size ? 2 * l->size : 64;
        uint32_t *grown = realloc(l->ids, size * sizeof(*grown));

        if (!grown)
            return -ENOMEM;
        l->ids = grown;
        l->size = size;
    }
    l->ids[l->n++] = info->domain;
    return 0;
}

/* The caller sees a sorted list and, on failure, nothing written. */
int nodeaff_xc_list_domains(struct nodeaff_handle *h, uint32_t *ret_domids,
                            unsigned int nr_entries)
{
    struct domid_list l = { NULL, 0, 0 };
    unsigned int i;
    int ret;

    ret = nodeaff_xc_for_each_domain(h, append_domid, &l);
    if (ret == 0) {
        if (l.n > 1)
            qsort(l.ids, l.n, sizeof(*l.ids), cmp_domid);
        for (i = 0; i < l.n && i < nr_entries; i++)
            ret_domids[i] = l.ids[i];
        ret = (int)l.n;
    }
    free(l.ids);
    return ret;
}
