/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A Linux PV guest built with libxenguest's xc_dom_* builder, its memory
 * placed by libnodeaff.  Read pv_guest_boot() top to bottom: it is the
 * order a toolstack follows.
 *
 * The guest's console: a PV guest writes it into its console page (a ring
 * shared with the backend) and kicks an event channel.  We are that
 * backend: we map the page, bind the channel, and read the ring ourselves.
 * No xenconsoled, no pty; the toolstack sees every byte the guest wrote
 * (xc_readconsolering() would be Xen's own console, not the guest's).
 *
 * Xenstore: Linux waits for xenstore at boot (xenbus probes its devices),
 * so the guest is introduced to a running xenstored with a home directory
 * holding its name, domid and memory target; nothing more (no devices).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenguest.h>
#include <xenstore.h>
#include <xen/io/console.h>

#include "pv-guest.h"

#define PAGE_KIB 4

static void say(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

static int readable(const char *what, const char *path, char *why, size_t len)
{
    FILE *f = path ? fopen(path, "rb") : NULL;

    if (!f) {
        int e = path ? errno : EINVAL;

        say(why, len, "cannot read the %s %s: %s", what, path ? path : "(none given)",
            strerror(e));
        return -ENOENT;
    }
    fclose(f);
    return 0;
}

/* Step 0, before anything exists: where the memory goes.  "auto" asks
 * nodeaff_place() for the best node set for this size; an explicit set
 * must name online nodes of this host. */
static int choose_nodes(struct nodeaff_handle *h, const struct pv_guest_config *cfg,
                        struct nodeaff_nodemap **ret, char *why, size_t len)
{
    struct nodeaff_topology *topo = NULL;
    int reason = 0, r;
    unsigned int column = 0;

    r = nodeaff_topology_from_host(h, &topo);
    if (r < 0) {
        say(why, len, "cannot read the host topology: %s", strerror(-r));
        return r;
    }
    r = nodeaff_config_nodes(cfg->nodes, topo, (uint64_t)cfg->memory_mib << 20,
                             cfg->vcpus, cfg->flags & NODEAFF_STRICT, ret,
                             &reason, &column);
    if (r == -ENOENT || r == -ERANGE)
        say(why, len, "node set \"%s\" names a node this host does not have%s "
            "(it has %d node(s), 0-%d)", cfg->nodes, r == -ENOENT ? " online" : "",
            nodeaff_topology_nr_nodes(topo), nodeaff_topology_nr_nodes(topo) - 1);
    else if (r == -ENOSPC)
        say(why, len, "no node set of this host has %u MiB free", cfg->memory_mib);
    else if (r < 0 && reason)
        say(why, len, "node set \"%s\", column %u: %s", cfg->nodes, column,
            nodeaff_parse_reason_str(reason));
    else if (r < 0)
        say(why, len, "node set \"%s\": %s", cfg->nodes, strerror(-r));
    nodeaff_topology_free(topo);
    /* The caller's configuration is wrong, whichever way. */
    return r < 0 ? (r == -ENOSPC || r == -ENOMEM ? r : -EINVAL) : 0;
}

/* Free memory of the nodes in set, in MiB, for messages. */
static uint64_t free_mib_in(xc_interface *xch, const struct nodeaff_nodemap *set)
{
    xc_meminfo_t mem[64];
    unsigned int n = 64, i;
    uint64_t sum = 0;

    if (xc_numainfo(xch, &n, mem, NULL))
        return 0;
    for (i = 0; i < n; i++)
        if (nodeaff_nodemap_test(set, i) == 1 && mem[i].memfree != XEN_INVALID_MEM_SZ)
            sum += mem[i].memfree;
    return sum >> 20;
}

/* Bytes of the nodes in set that are free and not claimed by any domain. */
static uint64_t unclaimed_in(const struct nodeaff_topology *topo,
                             const struct nodeaff_nodemap *set)
{
    int n = nodeaff_topology_nr_nodes(topo);
    uint64_t sum = 0;

    for (int i = 0; i < n; i++) {
        uint64_t free = 0, claimed = 0;

        if (nodeaff_nodemap_test(set, (unsigned int)i) != 1 ||
            nodeaff_topology_node_memory(topo, (unsigned int)i, NULL, &free) ||
            nodeaff_topology_node_claimed(topo, (unsigned int)i, &claimed))
            continue;
        sum += free > claimed ? free - claimed : 0;
    }
    return sum;
}

/* Step 4 (issue 16): claim the guest's memory on its nodes before the
 * first page is populated.  Guests started at the same time then either
 * get all of it there or are refused here, with nothing populated, rather
 * than racing for the same free pages and failing halfway (strict) or
 * spilling (preferred).  Strict: the whole size, split over the set by
 * nodeaff_claim_split(), or refused.  Preferred: what the set has free
 * and unclaimed, up to the size, less 4 MiB left to Xen's own allocations
 * between the look and the claim; the rest spills, unclaimed, as
 * preferred affinity allows.  Without per-node claims in the hypervisor
 * the build goes on without one (g->claim_rc says so). */
static int claim_memory(struct nodeaff_handle *h, const struct pv_guest_config *cfg,
                        struct pv_guest *g, char *why, size_t len)
{
    uint64_t bytes = (uint64_t)cfg->memory_mib << 20, pages[64], avail = 0;
    struct nodeaff_topology *topo = NULL;
    uint32_t short_node = 0;
    int features = nodeaff_features(h), n, r, host_short;

    if (features >= 0 && !(features & NODEAFF_FEATURE_CLAIMS)) {
        g->claim_rc = -EOPNOTSUPP;
        return 0;
    }
    r = nodeaff_topology_from_host(h, &topo);
    if (r < 0) {
        say(why, len, "cannot read the host topology for the claim: %s", strerror(-r));
        return r;
    }
    avail = unclaimed_in(topo, g->nodes);
    if (!(cfg->flags & NODEAFF_STRICT)) {
        uint64_t room = avail > (4u << 20) ? avail - (4u << 20) : 0;

        bytes = bytes < room ? bytes : room;
    }
    n = nodeaff_claim_split(topo, g->nodes, bytes & ~4095ULL, pages, 64);
    nodeaff_topology_free(topo);
    r = n < 0 ? n : nodeaff_domain_claim(h, g->domid, pages, (unsigned int)n,
                                         &short_node, NULL);
    /* The split refuses what the nodes cannot hold by the topology; the
     * hypervisor, what they cannot hold now, or what the host cannot. */
    host_short = n >= 0 && r == -ENOMEM && short_node == NODEAFF_CLAIM_HOST;
    if (r == -ENOMEM) {
        if (cfg->flags & NODEAFF_STRICT)
            say(why, len, "%u MiB do not fit strictly on node(s) %s: %llu MiB there "
                "are free and not claimed by other domains%s; refused at the claim, "
                "nothing was populated", cfg->memory_mib, cfg->nodes,
                (unsigned long long)(avail >> 20),
                host_short ? " (the host as a whole is short)" : "");
        else
            say(why, len, "claiming %llu MiB on node(s) %s: other domains claimed it "
                "meanwhile%s; refused at the claim, nothing was populated",
                (unsigned long long)(bytes >> 20), cfg->nodes,
                host_short ? " (the host as a whole is short)" : "");
        return r;
    }
    if (r < 0) {
        say(why, len, "claiming %u MiB on node(s) %s: %s", cfg->memory_mib, cfg->nodes,
            strerror(-r));
        return r;
    }
    g->claimed_pages = bytes >> 12;
    return 0;
}

/* Step 6's end: what the populate left of the claim goes back. */
static int claim_cancel(struct nodeaff_handle *h, struct pv_guest *g, char *why, size_t len)
{
    uint64_t left[64];
    int n, r;

    if (g->claim_rc)
        return 0;
    n = nodeaff_domain_get_claim(h, g->domid, left, 64, NULL);
    for (int i = 0; i < n; i++)
        g->claim_unused += left[i];
    r = nodeaff_domain_cancel_claim(h, g->domid);
    if (n < 0 || r < 0)
        say(why, len, "cancelling what is left of the claim: %s",
            strerror(-(n < 0 ? n : r)));
    return n < 0 ? n : r;
}

static int create_domain(xc_interface *xch, const struct pv_guest_config *cfg,
                         uint32_t *ret_domid, struct timespec *ret_created,
                         char *why, size_t len)
{
    struct xen_domctl_createdomain c = {
        .max_vcpus = cfg->vcpus,
        .max_evtchn_port = 1023,
        .max_grant_frames = 32,
        .max_maptrack_frames = 0,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
    };

    if (cfg->seclabel) {
        char *label = strdup(cfg->seclabel);

        if (!label || xc_flask_context_to_sid(xch, label, strlen(label) + 1, &c.ssidref)) {
            int e = label ? errno : ENOMEM;

            free(label);
            say(why, len, "FLASK label %s: %s", cfg->seclabel, strerror(e));
            return -e;
        }
        free(label);
    }
    /* Any free id: Xen 4.21 and later read 0 as domain 0 itself and name
     * "any" DOMID_ANY. */
#ifdef DOMID_ANY
    *ret_domid = DOMID_ANY;
#else
    *ret_domid = 0;
#endif
    clock_gettime(CLOCK_MONOTONIC, ret_created);
    if (xc_domain_create(xch, ret_domid, &c)) {
        int e = errno;

        say(why, len, "xc_domain_create: %s%s", strerror(e),
            e == EACCES ? " (under FLASK a domain needs a label: --seclabel)" : "");
        return -e;
    }
    return 0;
}

/* The xenstore entries a Linux guest reads, and the introduction that
 * lets it talk to xenstored through its store page. */
static int introduce(struct pv_guest *g, const struct pv_guest_config *cfg,
                     unsigned long store_mfn, unsigned int store_port,
                     char *why, size_t len)
{
    struct xs_permissions perms[2] = {
        { .id = g->domid, .perms = XS_PERM_NONE },   /* owner: the guest */
        { .id = 0, .perms = XS_PERM_READ },
    };
    char path[64], val[32];
    struct { const char *key, *val; } kv[4];
    unsigned int i;

    snprintf(path, sizeof(path), "/local/domain/%u", g->domid);
    if (!xs_mkdir(g->xsh, XBT_NULL, path) ||
        !xs_set_permissions(g->xsh, XBT_NULL, path, perms, 2))
        goto fail;
    kv[0].key = "name", kv[0].val = cfg->name;
    snprintf(val, sizeof(val), "%u", g->domid);
    kv[1].key = "domid", kv[1].val = val;
    kv[2].key = "memory/target", kv[2].val = NULL;
    kv[3].key = "memory/static-max", kv[3].val = NULL;
    for (i = 0; i < 4; i++) {
        char p[128], v[32];

        snprintf(p, sizeof(p), "%s/%s", path, kv[i].key);
        snprintf(v, sizeof(v), "%u", (i == 2 ? cfg->memory_mib : cfg->maxmem_mib) * 1024);
        if (!xs_write(g->xsh, XBT_NULL, p, kv[i].val ? kv[i].val : v,
                      strlen(kv[i].val ? kv[i].val : v)) ||
            !xs_set_permissions(g->xsh, XBT_NULL, p, perms, 2))
            goto fail;
    }
    if (!xs_introduce_domain(g->xsh, g->domid, store_mfn, store_port))
        goto fail;
    return 0;
fail:
    say(why, len, "xenstore: setting up %s: %s", path, strerror(errno));
    return -errno;
}

static int console_open(struct pv_guest *g, unsigned long mfn, unsigned int remote_port,
                        char *why, size_t len)
{
    int port;

    xen_pfn_t frame = mfn;

    g->fmem = xenforeignmemory_open(NULL, 0);
    g->cons = g->fmem ? xenforeignmemory_map(g->fmem, g->domid, PROT_READ | PROT_WRITE,
                                             1, &frame, NULL) : NULL;
    if (!g->cons) {
        say(why, len, "mapping the console page: %s", strerror(errno));
        return -errno;
    }
    g->xce = xenevtchn_open(NULL, 0);
    port = g->xce ? xenevtchn_bind_interdomain(g->xce, g->domid, remote_port) : -1;
    if (port < 0) {
        say(why, len, "binding the console event channel: %s", strerror(errno));
        return -errno;
    }
    g->port = port;
    return 0;
}

int pv_guest_boot(struct nodeaff_handle *h, xc_interface *xch,
                  const struct pv_guest_config *cfg, struct pv_guest *g,
                  char *why, size_t len)
{
    struct xc_dom_image *dom = NULL;
    unsigned int console_port, store_port;
    uint64_t maxmem_kib = (uint64_t)cfg->maxmem_mib * 1024, free_mib;
    int r, created = 0;

    memset(g, 0, sizeof(*g));
    g->xch = xch;
    g->port = -1;
    if (!cfg->memory_mib || cfg->maxmem_mib < cfg->memory_mib || !cfg->vcpus) {
        say(why, len, "memory %u MiB, maxmem %u MiB, %u vCPUs: memory and vCPUs "
            "must be above 0 and maxmem at least memory", cfg->memory_mib,
            cfg->maxmem_mib, cfg->vcpus);
        return -EINVAL;
    }
    /* Everything that can be checked before a domain exists is. */
    if ((r = readable("kernel", cfg->kernel, why, len)) ||
        (cfg->ramdisk && (r = readable("ramdisk", cfg->ramdisk, why, len))))
        return r;
    if ((r = choose_nodes(h, cfg, &g->nodes, why, len)))
        return r;
    g->xsh = xs_open(0);
    if (!g->xsh) {
        say(why, len, "cannot reach xenstored (%s): a Linux PV guest waits for "
            "xenstore at boot", strerror(errno));
        r = -ECONNREFUSED;
        goto out;
    }

    /* 1. create, 2. max_vcpus, 3. setmaxmem (+ the PV guest's e820 up to
     * maxmem, so it can balloon up to it). */
    if ((r = create_domain(xch, cfg, &g->domid, &g->created_at, why, len)))
        goto out;
    created = 1;
    if (xc_domain_max_vcpus(xch, g->domid, cfg->vcpus) ||
        xc_domain_setmaxmem(xch, g->domid, maxmem_kib) ||
        xc_domain_set_memmap_limit(xch, g->domid, maxmem_kib)) {
        r = -errno;
        say(why, len, "setting vCPUs and maxmem: %s", strerror(errno));
        goto out;
    }

    /* 4. the claim: the memory reserved on the nodes, or the guest refused
     * here with nothing populated (its domain destroyed below). */
    if ((r = claim_memory(h, cfg, g, why, len)))
        goto out;

    /* 5. node affinity, BEFORE the first page is populated: Xen allocates
     * each page by the affinity the domain has at that moment, and never
     * moves a page afterwards. */
    r = nodeaff_domain_set_affinity(h, g->domid, g->nodes, cfg->flags);
    if (r < 0) {
        if (r == -EOPNOTSUPP)
            say(why, len, "strict node affinity is not supported by this hypervisor "
                "(it lacks the libnodeaff Xen series); preferred affinity is");
        else
            say(why, len, "setting node affinity %s: %s", cfg->nodes, strerror(-r));
        goto out;
    }

    /* 6. the channels the guest's console and xenstore use (we are the
     * backend of both: remote domain 0). */
    r = xc_evtchn_alloc_unbound(xch, g->domid, 0);
    console_port = (unsigned int)r;
    if (r >= 0)
        r = xc_evtchn_alloc_unbound(xch, g->domid, 0);
    store_port = (unsigned int)r;
    if (r < 0) {
        r = -errno;
        say(why, len, "allocating event channels: %s", strerror(errno));
        goto out;
    }

    /* 7. the build: load and parse the kernel, populate the memory (the
     * first allocation, placed by the affinity above, taken from the
     * claim), cancel what is left of the claim, lay out the image, set up
     * the vCPU, seed the grant table for console and xenstore. */
    dom = xc_dom_allocate(xch, cfg->cmdline, NULL);
    if (!dom) {
        r = -ENOMEM;
        say(why, len, "xc_dom_allocate failed");
        goto out;
    }
    dom->console_evtchn = console_port;
    dom->xenstore_evtchn = store_port;
    dom->console_domid = 0;
    dom->xenstore_domid = 0;
#define STEP(call, what)                                                   \
    do {                                                                   \
        if ((call) != 0) {                                                 \
            r = errno ? -errno : -EINVAL;                                  \
            say(why, len, "%s: %s", what, strerror(-r));                   \
            goto out;                                                      \
        }                                                                  \
    } while (0)
    STEP(xc_dom_kernel_file(dom, cfg->kernel), "loading the kernel");
    if (cfg->ramdisk)
        STEP(xc_dom_module_file(dom, cfg->ramdisk, NULL), "loading the ramdisk");
    STEP(xc_dom_boot_xen_init(dom, xch, g->domid), "xc_dom_boot_xen_init");
    STEP(xc_dom_parse_image(dom), "parsing the kernel image");
    STEP(xc_dom_mem_init(dom, cfg->memory_mib), "xc_dom_mem_init");
    free_mib = free_mib_in(xch, g->nodes);
    if (xc_dom_boot_mem_init(dom) != 0) {
        /* libxenguest reports its own words, not the hypercall's errno:
         * the free memory before it says whether the set was too small. */
        if ((cfg->flags & NODEAFF_STRICT) && free_mib < cfg->memory_mib) {
            r = -ENOMEM;
            say(why, len, "%u MiB do not fit strictly on node(s) %s: %llu MiB were "
                "free there, and strict affinity never takes memory elsewhere",
                cfg->memory_mib, cfg->nodes, (unsigned long long)free_mib);
        } else {
            r = errno ? -errno : -ENOMEM;
            say(why, len, "populating %u MiB (xc_dom_boot_mem_init): %s",
                cfg->memory_mib, strerror(-r));
        }
        goto out;
    }
    if ((r = claim_cancel(h, g, why, len)))
        goto out;
    STEP(xc_dom_build_image(dom), "building the image");
    STEP(xc_dom_boot_image(dom), "xc_dom_boot_image");
    STEP(xc_dom_gnttab_init(dom), "xc_dom_gnttab_init");
#undef STEP

    /* 8. xenstore and console, then 9. unpause. */
    if ((r = introduce(g, cfg, xc_dom_p2m(dom, dom->xenstore_pfn), store_port, why, len)) ||
        (r = console_open(g, xc_dom_p2m(dom, dom->console_pfn), console_port, why, len)))
        goto out;
    if (xc_domain_unpause(xch, g->domid)) {
        r = -errno;
        say(why, len, "unpausing: %s", strerror(errno));
        goto out;
    }
    r = 0;
out:
    if (dom)
        xc_dom_release(dom);
    if (r < 0) {
        if (created)
            pv_guest_destroy(g);
        else {
            nodeaff_nodemap_free(g->nodes);
            g->nodes = NULL;
            if (g->xsh)
                xs_close(g->xsh);
            g->xsh = NULL;
        }
    }
    return r;
}

/* Moves what the guest wrote from the ring into g->out, and tells the
 * guest there is room again. */
static void console_drain(struct pv_guest *g)
{
    struct xencons_interface *c = g->cons;
    XENCONS_RING_IDX cons = c->out_cons, prod;
    size_t n;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    prod = c->out_prod;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    n = prod - cons;
    if (n == 0 || n > sizeof(c->out))
        return;
    if (g->out_len + n + 1 > g->out_cap) {
        size_t cap = g->out_cap ? g->out_cap * 2 : 65536;
        char *p;

        while (cap < g->out_len + n + 1)
            cap *= 2;
        p = realloc(g->out, cap);
        if (!p)
            return;
        g->out = p;
        g->out_cap = cap;
    }
    for (; cons != prod; cons++) {
        char ch = c->out[MASK_XENCONS_IDX(cons, c->out)];

        if (ch != '\r')
            g->out[g->out_len++] = ch;
    }
    g->out[g->out_len] = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    c->out_cons = cons;
    xenevtchn_notify(g->xce, g->port);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int domain_alive(struct pv_guest *g)
{
    xc_domaininfo_t info;

    if (xc_domain_getinfolist(g->xch, g->domid, 1, &info) != 1 ||
        info.domain != g->domid)
        return 0;
    return !(info.flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown));
}

int pv_guest_wait_line(struct pv_guest *g, const char *prefix,
                       unsigned int timeout_ms, char *line, size_t len)
{
    long long end = now_ms() + timeout_ms;
    size_t plen = strlen(prefix);

    for (;;) {
        struct pollfd p = { .fd = xenevtchn_fd(g->xce), .events = POLLIN };
        char *nl;

        console_drain(g);
        while (g->out && (nl = memchr(g->out + g->scan, '\n', g->out_len - g->scan))) {
            char *start = g->out + g->scan;
            size_t n = nl - start;

            g->scan += n + 1;
            if (n >= plen && memcmp(start, prefix, plen) == 0) {
                snprintf(line, len, "%.*s", (int)n, start);
                return 0;
            }
        }
        if (!domain_alive(g))
            return -ESRCH;
        if (now_ms() >= end)
            return -ETIMEDOUT;
        /* A kick, or every 100 ms anyway (the ring is the truth). */
        if (poll(&p, 1, 100) > 0) {
            xenevtchn_port_or_error_t port = xenevtchn_pending(g->xce);

            if (port >= 0)
                xenevtchn_unmask(g->xce, port);
        }
    }
}

int pv_guest_send(struct pv_guest *g, const char *text)
{
    struct xencons_interface *c = g->cons;
    size_t n = strlen(text), i;
    XENCONS_RING_IDX prod = c->in_prod;

    if (n > sizeof(c->in) - (prod - c->in_cons))
        return -EAGAIN;
    for (i = 0; i < n; i++, prod++)
        c->in[MASK_XENCONS_IDX(prod, c->in)] = text[i];
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    c->in_prod = prod;
    return xenevtchn_notify(g->xce, g->port) ? -errno : 0;
}

const char *pv_guest_console_tail(struct pv_guest *g, unsigned int nr_lines)
{
    size_t i;

    if (g->cons)
        console_drain(g);
    if (!g->out)
        return "(the guest printed nothing)";
    i = g->out_len;
    while (i > 0 && nr_lines > 0)
        if (g->out[--i] == '\n' && i + 1 < g->out_len)
            nr_lines--;
    return g->out + (i ? i + 1 : 0);
}

int pv_guest_destroy(struct pv_guest *g)
{
    char path[64];
    int r = 0;

    if (g->xce)
        xenevtchn_close(g->xce);
    if (g->cons)
        xenforeignmemory_unmap(g->fmem, g->cons, 1);
    if (g->fmem)
        xenforeignmemory_close(g->fmem);
    if (xc_domain_destroy(g->xch, g->domid))
        r = -errno;
    if (g->xsh) {
        xs_release_domain(g->xsh, g->domid);
        snprintf(path, sizeof(path), "/local/domain/%u", g->domid);
        xs_rm(g->xsh, XBT_NULL, path);
        xs_close(g->xsh);
    }
    nodeaff_nodemap_free(g->nodes);
    free(g->out);
    memset(g, 0, sizeof(*g));
    g->port = -1;
    return r;
}
