/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The carried series' stable domctls, through libxencall.  They are
 * checked against XEN_DOMCTL_NODEAFF_VERSION, not the release's domctl
 * interface version, so they work on every release that carries the
 * series; they use our own struct xen_domctl_nodeaff (from the header
 * extracted from the patch).
 *
 * The handle owns one hypercall buffer, allocated at open and sized for
 * the host: [struct xen_domctl_nodeaff][bitmap][usage or claim pages].  The
 * upstream domctls (upstream-ops.c) use its first two parts.  The caller
 * holds the lock, which makes the buffer ours for the call.
 */
#include <errno.h>
#include <string.h>

#include <stdint.h>

#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xencall.h>

#include "xen-public-nodeaff.h"
#include "xen/backend.h"

_Static_assert(sizeof(struct xen_domctl_nodeaff) <= sizeof(struct xen_domctl),
               "our domctl must fit where Xen copies a struct xen_domctl");
_Static_assert(XEN_NODEAFF_CLAIM_HOST == NODEAFF_CLAIM_HOST,
               "the hypervisor's short node is passed through unchanged");
_Static_assert(XEN_NODEAFF_F_STRICT == NODEAFF_STRICT &&
               XEN_NODEAFF_F_AUTO == NODEAFF_AUTO,
               "the hypervisor's flags are passed through unchanged");

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

static size_t bitmap_offset(void)
{
    /* Xen copies a whole struct xen_domctl from the buffer. */
    return ALIGN8(sizeof(struct xen_domctl));
}

static size_t pages_offset(void)
{
    return bitmap_offset() + NODEAFF_XEN_FULL_BITS / 8;
}

size_t nodeaff_stable_buf_size(unsigned int nr_nodes)
{
    return pages_offset() + (size_t)nr_nodes * sizeof(uint64_t);
}

static struct xen_domctl_nodeaff *prepare(struct nodeaff_handle *h,
                                          uint32_t cmd, uint32_t domid)
{
    struct xen_domctl_nodeaff *op = h->buf;

    memset(h->buf, 0, h->buf_size);
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_NODEAFF_VERSION;
    op->domain = (domid_t)domid;
    return op;
}

static int call(struct nodeaff_handle *h)
{
    int ret = xencall1(h->xcall, __HYPERVISOR_domctl,
                       (uint64_t)(uintptr_t)h->buf);

    return nodeaff_xen_errno(ret, errno);
}

NODEAFF_HOT
uint8_t *nodeaff_buf_bitmap(struct nodeaff_handle *h)
{
    return (uint8_t *)h->buf + bitmap_offset();
}

int nodeaff_stable_set_affinity(struct nodeaff_handle *h, uint32_t domid,
                                const uint8_t *bytes, unsigned int flags)
{
    struct xen_domctl_nodeaff *op =
        prepare(h, XEN_DOMCTL_nodeaff_set_affinity, domid);

    memcpy(nodeaff_buf_bitmap(h), bytes, (h->nr_nodes + 7) / 8);
    op->u.affinity.flags = flags & XEN_NODEAFF_F_STRICT;
    set_xen_guest_handle(op->u.affinity.nodemap.bitmap, nodeaff_buf_bitmap(h));
    op->u.affinity.nodemap.nr_bits = h->nr_nodes;
    return call(h);
}

int nodeaff_stable_get_affinity(struct nodeaff_handle *h, uint32_t domid,
                                uint8_t *bytes, unsigned int *ret_flags)
{
    struct xen_domctl_nodeaff *op =
        prepare(h, XEN_DOMCTL_nodeaff_get_affinity, domid);
    int ret;

    set_xen_guest_handle(op->u.affinity.nodemap.bitmap, nodeaff_buf_bitmap(h));
    op->u.affinity.nodemap.nr_bits = NODEAFF_XEN_FULL_BITS;
    ret = call(h);
    if (ret < 0)
        return ret;
    memcpy(bytes, nodeaff_buf_bitmap(h), (h->nr_nodes + 7) / 8);
    *ret_flags = op->u.affinity.flags &
                 (XEN_NODEAFF_F_STRICT | XEN_NODEAFF_F_AUTO);
    return 0;
}

int nodeaff_stable_reset_affinity(struct nodeaff_handle *h, uint32_t domid)
{
    prepare(h, XEN_DOMCTL_nodeaff_reset_affinity, domid);
    return call(h);
}

int nodeaff_stable_get_usage(struct nodeaff_handle *h, uint32_t domid,
                             uint64_t *pages, unsigned int nr_nodes)
{
    struct xen_domctl_nodeaff *op =
        prepare(h, XEN_DOMCTL_nodeaff_get_usage, domid);
    uint64_t *out = (uint64_t *)((uint8_t *)h->buf + pages_offset());
    unsigned int i, reported;
    int ret;

    op->u.usage.nr_nodes = h->nr_nodes;
    set_xen_guest_handle(op->u.usage.pages, out);
    ret = call(h);
    if (ret < 0)
        return ret;
    /* Nodes the hypervisor did not report own no pages. */
    reported = op->u.usage.nr_nodes;
    for (i = 0; i < nr_nodes; i++)
        pages[i] = (i < reported && i < h->nr_nodes) ? out[i] : 0;
    return 0;
}

static uint64_t *buf_pages(struct nodeaff_handle *h)
{
    return (uint64_t *)((uint8_t *)h->buf + pages_offset());
}

int nodeaff_stable_set_claim(struct nodeaff_handle *h, uint32_t domid,
                             const uint64_t *pages, unsigned int nr_entries,
                             uint32_t *ret_short_node,
                             uint64_t *ret_short_avail)
{
    struct xen_domctl_nodeaff *op =
        prepare(h, XEN_DOMCTL_nodeaff_set_claim, domid);
    uint64_t *in = buf_pages(h);
    int ret;

    /* prepare() zeroed the pages: entries past nr_entries claim 0.  The
     * hypervisor wants exactly its node count (last online id + 1). */
    if (nr_entries > 0)
        memcpy(in, pages, (size_t)nr_entries * sizeof(*in));
    op->u.claim.nr_nodes = h->nr_nodes;
    set_xen_guest_handle(op->u.claim.pages, in);
    ret = call(h);
    if (ret == -ENOMEM) {
        if (ret_short_node)
            *ret_short_node = op->u.claim.node;
        if (ret_short_avail)
            *ret_short_avail = op->u.claim.avail;
    }
    return ret;
}

/* get_claim and get_host_claims: same structure, same answer.  Nodes the
 * hypervisor did not report hold no claim. */
static int read_claims(struct nodeaff_handle *h, uint32_t cmd, uint32_t domid,
                       uint64_t *pages, uint64_t *ret_global)
{
    struct xen_domctl_nodeaff *op = prepare(h, cmd, domid);
    uint64_t *out = buf_pages(h);
    unsigned int i, reported;
    int ret;

    op->u.claim.nr_nodes = h->nr_nodes;
    set_xen_guest_handle(op->u.claim.pages, out);
    ret = call(h);
    if (ret < 0)
        return ret;
    reported = op->u.claim.nr_nodes;
    for (i = 0; i < h->nr_nodes; i++)
        pages[i] = i < reported ? out[i] : 0;
    if (ret_global)
        *ret_global = op->u.claim.global;
    return 0;
}

int nodeaff_stable_get_claim(struct nodeaff_handle *h, uint32_t domid,
                             uint64_t *pages, uint64_t *ret_host_wide)
{
    return read_claims(h, XEN_DOMCTL_nodeaff_get_claim, domid, pages,
                       ret_host_wide);
}

int nodeaff_stable_get_host_claims(struct nodeaff_handle *h, uint64_t *pages,
                                   uint64_t *ret_all_claims)
{
    return read_claims(h, XEN_DOMCTL_nodeaff_get_host_claims, DOMID_INVALID,
                       pages, ret_all_claims);
}

int nodeaff_stable_probe_version(struct nodeaff_handle *h, uint32_t version)
{
    struct xen_domctl_nodeaff *op =
        prepare(h, XEN_DOMCTL_nodeaff_get_affinity, 0);

    op->interface_version = version;
    set_xen_guest_handle(op->u.affinity.nodemap.bitmap, nodeaff_buf_bitmap(h));
    op->u.affinity.nodemap.nr_bits = NODEAFF_XEN_FULL_BITS;
    return call(h);
}

int nodeaff_stable_nr_nodes(struct nodeaff_handle *h)
{
    struct xen_domctl_nodeaff *op =
        prepare(h, XEN_DOMCTL_nodeaff_get_usage, 0);
    int ret;

    op->u.usage.nr_nodes = 0;
    ret = call(h);
    if (ret == 0 || ret == -ENOBUFS)
        return op->u.usage.nr_nodes > 0 ? (int)op->u.usage.nr_nodes : -EIO;
    return ret;
}
