/* Bad input, through the library and straight at the hypercall.
 *
 * Unknown domain, a node beyond the host, an empty set, an offline node,
 * an oversized bitmap, non-zero padding, unknown flags, a short usage
 * buffer, a wrong interface version: each gives its documented errno, and
 * the hypervisor is healthy afterwards.  The raw half builds the series'
 * struct xen_domctl_nodeaff itself (from the header extracted from the
 * patch) and sends it with libxencall, bypassing every check the library
 * makes, so it tests the hypervisor's own checks. */
#include <errno.h>
#include <string.h>

#include <xencall.h>
#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>

#include "xen-public-nodeaff.h"

#include "rig-guest.h"
#include "tap.h"

/* Below DOMID_FIRST_RESERVED, and no test creates this many domains. */
#define NO_SUCH_DOMAIN 0x7fe0u

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)
/* Xen copies a whole struct xen_domctl from the buffer; the bitmap and the
 * usage array follow it.  Room for an oversized bitmap (> 4096 bytes). */
#define BITMAP_OFF ALIGN8(sizeof(struct xen_domctl))
#define BITMAP_BYTES 8192
#define PAGES_OFF (BITMAP_OFF + BITMAP_BYTES)
#define BUF_SIZE (PAGES_OFF + RIG_MAX_NODES * 8)

struct raw {
    xencall_handle *call;
    unsigned char *buf;
};

static struct xen_domctl_nodeaff *raw_prep(struct raw *raw, uint32_t cmd,
                                           uint32_t domid)
{
    struct xen_domctl_nodeaff *op = (void *)raw->buf;

    memset(raw->buf, 0, BUF_SIZE);
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_NODEAFF_VERSION;
    op->domain = (domid_t)domid;
    return op;
}

/* An affinity op with nodemap {nodes...} of nr_bits bits. */
static struct xen_domctl_nodeaff *raw_aff(struct raw *raw, uint32_t cmd,
                                          uint32_t domid, uint32_t nr_bits,
                                          int n, const unsigned int *nodes)
{
    struct xen_domctl_nodeaff *op = raw_prep(raw, cmd, domid);
    uint8_t *bm = raw->buf + BITMAP_OFF;

    for (int i = 0; i < n; i++)
        bm[nodes[i] / 8] |= (uint8_t)(1u << (nodes[i] % 8));
    set_xen_guest_handle_raw(op->u.affinity.nodemap.bitmap, bm);
    op->u.affinity.nodemap.nr_bits = nr_bits;
    return op;
}

static int raw_call(struct raw *raw)
{
    int r = xencall1(raw->call, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)raw->buf);

    return r < 0 ? -errno : r;
}

static int healthy(struct rig_env *env)
{
    xc_physinfo_t pi;
    uint64_t done = 0;
    int domid, ok;

    memset(&pi, 0, sizeof(pi));
    if (xc_physinfo(env->xch, &pi) || !pi.nr_nodes)
        return 0;
    domid = rig_domain_create(env->xch);
    if (domid < 0)
        return 0;
    ok = rig_populate(env->xch, (uint32_t)domid, 64, &done) == 0 && done == 64;
    return rig_domain_destroy(env->xch, (uint32_t)domid) == 0 && ok;
}

static void library_checks(struct rig_env *env, uint32_t domid)
{
    unsigned int zero = 0, offline = env->nr_nodes;
    struct nodeaff_nodemap *one = rig_nodemap(env->nr_nodes, 1, &zero);
    struct nodeaff_nodemap *empty = rig_nodemap(env->nr_nodes, 0, NULL);
    struct nodeaff_nodemap *beyond = NULL, *off = NULL, *got = NULL;
    uint64_t pages[RIG_MAX_NODES];
    unsigned int flags;
    int r;

    r = nodeaff_domain_set_affinity(env->h, NO_SUCH_DOMAIN, one, 0);
    tap_ok(r == -ESRCH, "lib: set on unknown domain: %d (-ESRCH)", r);
    r = nodeaff_domain_get_affinity(env->h, NO_SUCH_DOMAIN, &got);
    tap_ok(r == -ESRCH && !got, "lib: get on unknown domain: %d (-ESRCH), out untouched", r);
    r = nodeaff_domain_reset_affinity(env->h, NO_SUCH_DOMAIN);
    tap_ok(r == -ESRCH, "lib: reset on unknown domain: %d (-ESRCH)", r);
    if (env->series) {
        r = nodeaff_domain_get_usage(env->h, NO_SUCH_DOMAIN, pages, RIG_MAX_NODES);
        tap_ok(r == -ESRCH, "lib: usage of unknown domain: %d (-ESRCH)", r);
        r = nodeaff_domain_get_state(env->h, NO_SUCH_DOMAIN, NULL, &flags);
        tap_ok(r == -ESRCH, "lib: state of unknown domain: %d (-ESRCH)", r);
    }

    r = nodeaff_domain_set_affinity(env->h, domid, empty, 0);
    tap_ok(r == -EINVAL, "lib: empty set: %d (-EINVAL)", r);
    if (env->series) {
        r = nodeaff_domain_set_affinity(env->h, domid, empty, NODEAFF_STRICT);
        tap_ok(r == -EINVAL, "lib: empty strict set: %d (-EINVAL)", r);
    }
    r = nodeaff_domain_set_affinity(env->h, domid, one, 0x80);
    tap_ok(r == -EINVAL, "lib: unknown flag: %d (-EINVAL)", r);
    r = nodeaff_domain_set_affinity(env->h, domid, NULL, 0);
    tap_ok(r == -EINVAL, "lib: NULL set: %d (-EINVAL)", r);

    /* Beyond the host: a node id Xen cannot have (its MAX_NUMNODES is 64). */
    if (nodeaff_nodemap_new(RIG_MAX_NODES + 1, &beyond) == 0 &&
        nodeaff_nodemap_set(beyond, RIG_MAX_NODES) == 0) {
        r = nodeaff_domain_set_affinity(env->h, domid, beyond, 0);
        tap_ok(r == -ERANGE, "lib: node %u beyond the host: %d (-ERANGE)",
               RIG_MAX_NODES, r);
    } else {
        tap_ok(0, "lib: nodemap of %u bits", RIG_MAX_NODES + 1);
    }

    /* Offline: a node id the hypervisor could have but does not. */
    if (offline < RIG_MAX_NODES && nodeaff_nodemap_new(RIG_MAX_NODES, &off) == 0 &&
        nodeaff_nodemap_set(off, offline) == 0) {
        /* -ERANGE when the library knows the host has fewer nodes, else
         * the hypervisor's -EINVAL: both are documented. */
        r = nodeaff_domain_set_affinity(env->h, domid, off, 0);
        tap_ok(r == -EINVAL || r == -ERANGE,
               "lib: offline node %u alone: %d (-ERANGE or -EINVAL)", offline, r);
    } else {
        tap_skip("every node id below 64 is online: no offline node to try");
    }

    r = nodeaff_domain_get_usage(env->h, domid, pages, 0);
    if (env->series)
        tap_ok(r == -ENOBUFS, "lib: usage with no room: %d (-ENOBUFS)", r);
    else
        tap_ok(r == -EOPNOTSUPP || r == -ENOBUFS,
               "lib: usage with no room on stock Xen: %d", r);

    /* Nothing of the above changed the domain. */
    r = nodeaff_domain_get_affinity(env->h, domid, &got);
    tap_ok(r == 0 && nodeaff_nodemap_count(got) > 0,
           "lib: the domain's affinity is unchanged ({%s})", rig_fmt(got));
    nodeaff_nodemap_free(got);
    nodeaff_nodemap_free(one);
    nodeaff_nodemap_free(empty);
    nodeaff_nodemap_free(beyond);
    nodeaff_nodemap_free(off);
}

static void raw_checks(struct rig_env *env, uint32_t domid)
{
    struct raw raw;
    struct xen_domctl_nodeaff *op;
    unsigned int zero = 0, sixty4 = 64, offline = env->nr_nodes;
    int r;

    raw.call = xencall_open(NULL, 0);
    if (!raw.call)
        tap_bail("xencall_open: %s", strerror(errno));
    raw.buf = xencall_alloc_buffer(raw.call, BUF_SIZE);
    if (!raw.buf)
        tap_bail("xencall_alloc_buffer: %s", strerror(errno));

    if (!env->series) {
        raw_aff(&raw, XEN_DOMCTL_nodeaff_get_affinity, 0, 64, 0, NULL);
        r = raw_call(&raw);
        tap_ok(r == -EACCES || r == -ENOSYS || r == -EOPNOTSUPP,
               "raw: the series' get on stock Xen: %d (-EACCES/-ENOSYS: feature absent)", r);
        goto out;
    }

    /* A well-formed call works, so the failures below are the checks. */
    raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 64, 1, &zero);
    r = raw_call(&raw);
    tap_ok(r == 0, "raw: well-formed set {0}: %d", r);

    raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, NO_SUCH_DOMAIN, 64, 1, &zero);
    r = raw_call(&raw);
    tap_ok(r == -ESRCH, "raw: unknown domain: %d (-ESRCH)", r);

    raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 128, 1, &sixty4);
    r = raw_call(&raw);
    tap_ok(r == -EINVAL,
           "raw: node 64, beyond MAX_NUMNODES: %d (-EINVAL)", r);

    raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 64, 0, NULL);
    r = raw_call(&raw);
    tap_ok(r == -EINVAL, "raw: empty set: %d (-EINVAL)", r);

    raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 0, 0, NULL);
    r = raw_call(&raw);
    tap_ok(r == -EINVAL, "raw: zero-bit bitmap: %d (-EINVAL)", r);

    if (offline < 64) {
        raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 64, 1, &offline);
        r = raw_call(&raw);
        tap_ok(r == -EINVAL, "raw: offline node %u: %d (-EINVAL)",
               offline, r);
        op = raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 64, 1, &offline);
        op->u.affinity.flags = XEN_NODEAFF_F_STRICT;
        r = raw_call(&raw);
        tap_ok(r == -EINVAL,
               "raw: strict on offline node %u: %d (-EINVAL)", offline, r);
    } else {
        tap_skip("raw: every node id below 64 is online");
    }

    raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 4096 * 8 + 8, 1, &zero);
    r = raw_call(&raw);
    tap_ok(r == -EINVAL,
           "raw: oversized bitmap (%u bits): %d (-EINVAL)", 4096 * 8 + 8, r);

    op = raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 64, 1, &zero);
    op->u.affinity.pad = 1;
    r = raw_call(&raw);
    tap_ok(r == -EINVAL, "raw: non-zero pad: %d (-EINVAL)", r);

    op = raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 64, 1, &zero);
    op->u.affinity.flags = 0x80;
    r = raw_call(&raw);
    tap_ok(r == -EINVAL, "raw: unknown flag: %d (-EINVAL)", r);

    op = raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 64, 1, &zero);
    op->u.affinity.flags = XEN_NODEAFF_F_AUTO;
    r = raw_call(&raw);
    tap_ok(r == -EINVAL, "raw: AUTO is not an input flag: %d (-EINVAL)", r);

    op = raw_aff(&raw, XEN_DOMCTL_nodeaff_set_affinity, domid, 64, 1, &zero);
    op->interface_version = XEN_DOMCTL_NODEAFF_VERSION + 1;
    r = raw_call(&raw);
    tap_ok(r == -EACCES, "raw: wrong interface version: %d (-EACCES)", r);

    op = raw_prep(&raw, XEN_DOMCTL_nodeaff_get_usage, domid);
    set_xen_guest_handle_raw(op->u.usage.pages, (uint64_t *)(raw.buf + PAGES_OFF));
    op->u.usage.nr_nodes = 0;
    r = raw_call(&raw);
    tap_ok(r == -ENOBUFS && op->u.usage.nr_nodes >= env->nr_nodes,
           "raw: usage with nr_nodes 0: %d (-ENOBUFS), needs %u", r, op->u.usage.nr_nodes);

    op = raw_prep(&raw, XEN_DOMCTL_nodeaff_get_usage, domid);
    set_xen_guest_handle_raw(op->u.usage.pages, (uint64_t *)(raw.buf + PAGES_OFF));
    op->u.usage.nr_nodes = RIG_MAX_NODES;
    op->u.usage.pad = 7;
    r = raw_call(&raw);
    tap_ok(r == -EINVAL, "raw: usage with non-zero pad: %d (-EINVAL)", r);

    op = raw_prep(&raw, 0x4e4100ffU, domid);
    r = raw_call(&raw);
    tap_ok(r == -EOPNOTSUPP || r == -ENOSYS || r == -EINVAL,
           "raw: unknown command in the series' range: %d", r);

out:
    xencall_free_buffer(raw.call, raw.buf);
    xencall_close(raw.call);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    int domid;

    rig_env_open(&env, argc, argv);
    domid = rig_domain_create(env.xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));

    library_checks(&env, (uint32_t)domid);
    raw_checks(&env, (uint32_t)domid);

    tap_ok(rig_domain_destroy(env.xch, (uint32_t)domid) == 0, "destroy the test domain");
    tap_ok(healthy(&env), "the hypervisor is healthy: physinfo, create, populate, destroy");
    rig_env_close(&env);
    return tap_done();
}
