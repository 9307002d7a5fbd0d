/* Toolstack-side helpers for the in-guest tests (see rig-guest.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rig-guest.h"
#include "tap.h"

#define CHUNK 2048

xc_interface *rig_xc_open(void)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);

    if (!xch)
        tap_bail("xc_interface_open: %s", strerror(errno));
    return xch;
}

int rig_domain_create_sid(xc_interface *xch, uint32_t ssidref)
{
    struct xen_domctl_createdomain cfg;
    /* Any free id.  Since Xen 4.21 a requested id of 0 means domain 0
     * itself (-EEXIST); its headers name "any" DOMID_ANY. */
#ifdef DOMID_ANY
    uint32_t domid = DOMID_ANY;
#else
    uint32_t domid = 0;
#endif

    memset(&cfg, 0, sizeof(cfg));
    cfg.ssidref = ssidref;
    cfg.max_vcpus = 1;
    cfg.max_evtchn_port = 1023;
    cfg.max_grant_frames = 1;
    cfg.max_maptrack_frames = 0;
    cfg.grant_opts = XEN_DOMCTL_GRANT_version(1);
    if (xc_domain_create(xch, &domid, &cfg))
        return -errno;
    /* vCPUs make the automatic node affinity follow the cpupool. */
    if (xc_domain_max_vcpus(xch, domid, 1) ||
        xc_domain_setmaxmem(xch, domid, ~0ULL >> 12)) {
        int e = -errno;

        xc_domain_destroy(xch, domid);
        return e;
    }
    return (int)domid;
}

int rig_domain_create(xc_interface *xch)
{
    int domid = rig_domain_create_sid(xch, 0);

    if (domid == -EACCES) {
        /* Under FLASK a domain needs a label, as xl's seclabel= gives. */
        char label[] = "system_u:system_r:domU_t";
        uint32_t sid = 0;

        if (xc_flask_context_to_sid(xch, label, sizeof(label), &sid))
            return -errno;
        domid = rig_domain_create_sid(xch, sid);
    }
    return domid;
}

int rig_domain_destroy(xc_interface *xch, uint32_t domid)
{
    return xc_domain_destroy(xch, domid) ? -errno : 0;
}

int rig_populate(xc_interface *xch, uint32_t domid, uint64_t nr,
                 uint64_t *ret_done)
{
    static xen_pfn_t next_gpfn = 0x1000;
    xen_pfn_t *pfns = malloc(CHUNK * sizeof(*pfns));
    uint64_t done = 0;
    int err = 0;

    if (!pfns)
        return -ENOMEM;
    while (done < nr) {
        unsigned long n = nr - done < CHUNK ? (unsigned long)(nr - done) : CHUNK;
        /* Threads populating their own domains at once (t-claims' race)
         * each take a block of frame numbers of their own. */
        xen_pfn_t first = __atomic_fetch_add(&next_gpfn, n + 1, __ATOMIC_RELAXED);
        int r;

        for (unsigned long i = 0; i < n; i++)
            pfns[i] = first + i;
        errno = 0;
        r = xc_domain_populate_physmap(xch, domid, n, 0, 0, pfns);
        if (r > 0)
            done += (uint64_t)r;
        if (r == (int)n)
            continue;
        /* Partial or failed: one more page tells why. */
        pfns[0] = first + n;
        errno = 0;
        r = xc_domain_populate_physmap(xch, domid, 1, 0, 0, pfns);
        if (r == 1) {
            done++;
            continue;
        }
        err = errno ? -errno : -ENOMEM;
        break;
    }
    free(pfns);
    *ret_done = done;
    return err;
}

int64_t rig_domain_tot_pages(xc_interface *xch, uint32_t domid)
{
    xc_domaininfo_t info;

    if (xc_domain_getinfolist(xch, domid, 1, &info) != 1)
        return -errno ? -errno : -ESRCH;
    if (info.domain != domid)
        return -ESRCH;
    return (int64_t)info.tot_pages;
}

int rig_numainfo(xc_interface *xch, uint64_t *ret_free, uint64_t *ret_size,
                 unsigned int *ret_nr)
{
    xc_meminfo_t mi[RIG_MAX_NODES];
    unsigned int nr = RIG_MAX_NODES;

    if (xc_numainfo(xch, &nr, mi, NULL))
        return -errno;
    for (unsigned int i = 0; i < nr; i++) {
        if (ret_free)
            ret_free[i] = mi[i].memfree == XEN_INVALID_MEM_SZ ? UINT64_MAX
                                                              : mi[i].memfree >> 12;
        if (ret_size)
            ret_size[i] = mi[i].memsize == XEN_INVALID_MEM_SZ ? UINT64_MAX
                                                              : mi[i].memsize >> 12;
    }
    *ret_nr = nr;
    return 0;
}

int rig_wait_free_equals(xc_interface *xch, const uint64_t *base,
                         unsigned int nr, uint64_t *ret_diff)
{
    uint64_t now[RIG_MAX_NODES], missing = 0;
    unsigned int n = 0;

    /* Pages still missing count; pages above the baseline do not: they are
     * earlier domains' last pages that Xen freed late (through RCU), seen
     * on an idle host as a few pages of node 0. */
    for (int tries = 0; tries < 30; tries++) {
        int r = rig_numainfo(xch, now, NULL, &n);

        if (r)
            return r;
        missing = 0;
        for (unsigned int i = 0; i < nr && i < n; i++)
            if (base[i] != UINT64_MAX && now[i] < base[i])
                missing += base[i] - now[i];
        if (!missing)
            break;
        usleep(100000);
    }
    if (missing)
        tap_diag("%llu pages missing after 3 s (Xen may keep up to %d)",
                 (unsigned long long)missing, RIG_XEN_KEEPS);
    missing = missing > RIG_XEN_KEEPS ? missing - RIG_XEN_KEEPS : 0;
    for (unsigned int i = 0; i < nr && i < n; i++)
        if (base[i] != UINT64_MAX && now[i] != base[i])
            tap_diag("node %u: %llu free pages, baseline %llu", i,
                     (unsigned long long)now[i], (unsigned long long)base[i]);
    *ret_diff = missing;
    return 0;
}

static int parse_u_dump(char *last, uint32_t domid, uint64_t *ret_pages,
                        unsigned int nr, int *ret_counters);

/* Reads Xen's console ring into buf (size + 1 bytes) and returns the
 * start of the last dump of debug key `key` in it ("'u' pressed -> dumping
 * numa info (now = T)": T makes each dump's first line unique), or NULL. */
static char *read_last_dump(xc_interface *xch, char key, char *buf,
                            unsigned int size, int *ret_err)
{
    char *p, *last = NULL, marker[16];

    *ret_err = 0;
    if (xc_readconsolering(xch, buf, &size, 0, 0, NULL)) {
        *ret_err = -errno;
        return NULL;
    }
    buf[size] = '\0';
    snprintf(marker, sizeof(marker), "'%c' pressed", key);
    for (p = buf; (p = strstr(p, marker)); p++)
        last = p;
    return last;
}

/* Presses debug key `key` and returns, in buf, the start of its dump: a
 * dump newer than the ring's last one before the press (Xen may run the
 * handler after the sysctl returns, as 4.20 does under TCG), once done(dump,
 * ctx) is true, waiting up to 20 s; else the last dump read, or NULL with
 * *ret_err set (-errno, or -ETIMEDOUT when no newer dump came). */
static char *press_and_read(xc_interface *xch, char key, char *buf,
                            unsigned int size,
                            int (*done)(char *dump, void *ctx), void *ctx,
                            int *ret_err)
{
    char *last, before[96] = "", keys[2] = { key, '\0' };

    last = read_last_dump(xch, key, buf, size, ret_err);
    if (last)
        snprintf(before, sizeof(before), "%.*s", (int)strcspn(last, "\n"), last);
    if (xc_send_debug_keys(xch, keys)) {
        *ret_err = -errno;
        return NULL;
    }
    for (int tries = 0;; tries++) {
        last = read_last_dump(xch, key, buf, size, ret_err);
        if (*ret_err)
            return NULL;
        if (last && strncmp(last, before, strcspn(last, "\n")) != 0 &&
            (done(last, ctx) || tries >= 200))
            return last;
        if (tries >= 200) {
            *ret_err = -ETIMEDOUT;
            return NULL;
        }
        usleep(100 * 1000);
    }
}

struct usage_ctx {
    uint32_t domid;
    uint64_t *pages;
    unsigned int nr;
    int counters, found;
};

/* A 'u' dump is done for the domain once its node lines are there. */
static int usage_done(char *dump, void *ctx)
{
    struct usage_ctx *u = ctx;

    u->counters = 0;
    u->found = parse_u_dump(dump, u->domid, u->pages, u->nr, &u->counters);
    return u->found > 0;
}

int rig_debugkey_usage(xc_interface *xch, uint32_t domid, uint64_t *ret_pages,
                       unsigned int nr, int *ret_counters)
{
    struct usage_ctx u = { domid, ret_pages, nr, 0, -ENOENT };
    unsigned int size = 4u << 20;
    char *buf = malloc(size + 1);
    int err;

    if (!buf)
        return -ENOMEM;
    if (!press_and_read(xch, 'u', buf, size, usage_done, &u, &err) && err != -ETIMEDOUT) {
        free(buf);
        return err;
    }
    free(buf);
    if (ret_counters)
        *ret_counters = u.counters;
    return u.found;
}

struct line_ctx {
    const char *prefix;
};

static int line_done(char *dump, void *ctx)
{
    return strstr(dump, ((struct line_ctx *)ctx)->prefix) != NULL;
}

int rig_debugkey_line(xc_interface *xch, char key, const char *prefix,
                      char *out, size_t n)
{
    struct line_ctx l = { prefix };
    unsigned int size = 4u << 20;
    char *buf = malloc(size + 1), *dump, *p;
    int err, ret = -ENOENT;

    if (!buf)
        return -ENOMEM;
    dump = press_and_read(xch, key, buf, size, line_done, &l, &err);
    if (!dump && err != -ETIMEDOUT) {
        free(buf);
        return err;
    }
    if (dump && (p = strstr(dump, prefix))) {
        size_t len;

        p += strlen(prefix);
        len = strcspn(p, "\r\n");
        if (len >= n)
            len = n - 1;
        memcpy(out, p, len);
        out[len] = '\0';
        ret = 0;
    }
    free(buf);
    return ret;
}

/* "0:N 1:M ... (W1 X, W2 Y)" after a claims line's prefix: the node
 * counts, then the two figures in the parentheses. */
static void parse_claims_counts(const char *p, struct rig_claims_line *ret)
{
    unsigned int node;
    unsigned long long count, a = 0, b = 0;
    int used;

    memset(ret, 0, sizeof(*ret));
    while (sscanf(p, " %u:%llu%n", &node, &count, &used) == 2) {
        if (node < RIG_MAX_NODES)
            ret->pages[node] = count;
        p += used;
    }
    p = strchr(p, '(');
    if (p && sscanf(p, "(%*[^0-9]%llu, %*[^0-9]%llu", &a, &b) == 2) {
        ret->total = a;
        ret->other = b;
        ret->found = 1;
    }
}

static int claims_done(char *dump, void *ctx)
{
    (void)ctx;
    return strstr(dump, "nodeaff: claim counters") != NULL;
}

int rig_debugkey_claims(xc_interface *xch, const uint32_t *domids, unsigned int nd,
                        struct rig_claims_line *ret_doms,
                        struct rig_claims_line *ret_host, int *ret_match)
{
    static const char dom_prefix[] = "nodeaff: claims on nodes:";
    static const char host_prefix[] = "nodeaff: host claims on nodes:";
    unsigned int size = 4u << 20;
    char *buf = malloc(size + 1), *dump, *p, hdr[64];
    int err;

    if (!buf)
        return -ENOMEM;
    memset(ret_host, 0, sizeof(*ret_host));
    for (unsigned int i = 0; i < nd; i++)
        memset(&ret_doms[i], 0, sizeof(ret_doms[i]));
    *ret_match = 0;
    dump = press_and_read(xch, 'u', buf, size, claims_done, NULL, &err);
    if (!dump) {
        free(buf);
        return err;
    }
    for (unsigned int i = 0; i < nd; i++) {
        /* 4.17 prints "Domain N (total:", 4.19 and later "dN (total:". */
        snprintf(hdr, sizeof(hdr), "Domain %u (total:", domids[i]);
        p = strstr(dump, hdr);
        if (!p) {
            snprintf(hdr, sizeof(hdr), " d%u (total:", domids[i]);
            p = strstr(dump, hdr);
        }
        if (!p)
            continue;
        /* The first claims line after the domain's header is its own:
         * every domain block has one. */
        p = strstr(p, dom_prefix);
        if (p)
            parse_claims_counts(p + strlen(dom_prefix), &ret_doms[i]);
    }
    p = strstr(dump, host_prefix);
    if (p)
        parse_claims_counts(p + strlen(host_prefix), ret_host);
    if (strstr(dump, "nodeaff: claim counters match the domains' claims"))
        *ret_match = 1;
    else if (strstr(dump, "nodeaff: claim counters MISMATCH"))
        *ret_match = -1;
    free(buf);
    return ret_host->found ? 0 : -ENOENT;
}

/* Parses debug key 'u''s block for domid in the dump starting at last
 * (written to: lines are cut at their ends).  Returns the number of node
 * lines read into ret_pages, 0 if the block has no node line yet, or
 * -ENOENT if the dump has no block for domid. */
static int parse_u_dump(char *last, uint32_t domid, uint64_t *ret_pages,
                        unsigned int nr, int *ret_counters)
{
    char *p, hdr[64];
    int found = -ENOENT, counters = 0;

    for (unsigned int i = 0; i < nr; i++)
        ret_pages[i] = 0;
    /* 4.17 prints "Domain N (total: T):", 4.19 and later "dN (total: T):". */
    snprintf(hdr, sizeof(hdr), "Domain %u (total:", domid);
    p = strstr(last, hdr);
    if (!p) {
        snprintf(hdr, sizeof(hdr), " d%u (total:", domid);
        p = strstr(last, hdr);
    }
    if (p) {
        found = 0;
        p = strchr(p, '\n');
        while (p) {
            unsigned int node;
            unsigned long long count;
            char *line = p + 1, *q;

            p = strchr(line, '\n');
            if (p)
                *p = '\0';     /* confine the searches to this line */
            if (strstr(line, "nodeaff: counters match"))
                counters = 1;
            else if (strstr(line, "nodeaff: counters MISMATCH"))
                counters = -1;
            if (counters)
                continue;       /* MISMATCH lines may repeat, one per node */
            q = strstr(line, "Node ");
            if (!q || strstr(line, "Domain") ||
                sscanf(q, "Node %u: %llu", &node, &count) != 2)
                break;
            if (node < nr)
                ret_pages[node] = count;
            found++;
        }
    }
    *ret_counters = counters;
    return found;
}

struct nodeaff_nodemap *rig_nodemap(unsigned int size, unsigned int count,
                                    const unsigned int *nodes)
{
    struct nodeaff_nodemap *m = NULL;

    if (nodeaff_nodemap_new(size, &m))
        return NULL;
    for (unsigned int i = 0; i < count; i++) {
        if (nodeaff_nodemap_set(m, nodes[i])) {
            nodeaff_nodemap_free(m);
            return NULL;
        }
    }
    return m;
}

const char *rig_fmt(const struct nodeaff_nodemap *map)
{
    static char buf[4][256];
    static int which;
    char *b = buf[which++ % 4];

    if (!map)
        return "(null)";
    if (nodeaff_nodemap_format(map, NODEAFF_FORMAT_LIST, b, 256) < 0)
        snprintf(b, 256, "(unformattable)");
    return b;
}

int rig_usage(struct nodeaff_handle *h, uint32_t domid, uint64_t *ret_pages,
              unsigned int nr)
{
    return nodeaff_domain_get_usage(h, domid, ret_pages, nr);
}

/* QEMU's q35 layout: node memory in node order from address 0, RAM
 * below 4 GiB up to 2 GiB when there is 2.75 GiB or more (else all of
 * it), the rest from 4 GiB.  Xen's DMA zone (arch_get_dma_bitsize(), Xen
 * 4.17 x86): the first node in id order with memory below 4 GiB gives
 * min(flsl(start_pfn + spanned_pages / 4 - 1) + PAGE_SHIFT, 32) bits. */
static void rig_layout(struct rig_env *env)
{
    uint64_t total = 0, low, off = 0;

    for (unsigned int x = 0; x < env->nr_nodes; x++)
        total += env->mem_bytes[x];
    low = total >= 0xb0000000ULL ? 0x80000000ULL : total;
    for (unsigned int p = 0; p < env->nr_nodes; p++) {
        unsigned int x = env->xen_of[p];
        uint64_t a = off, b = off + env->mem_bytes[x];

        env->start[x] = a < low ? a : a - low + 0x100000000ULL;
        env->end[x] = b <= low ? b : b - low + 0x100000000ULL;
        off = b;
    }
    env->dma_bits = 32;
    for (unsigned int x = 0; x < env->nr_nodes; x++) {
        uint64_t spfn, npfn, v;
        unsigned int bits = 0;

        if (!env->mem_bytes[x] || env->start[x] >= 0x100000000ULL)
            continue;
        spfn = env->start[x] >> 12;
        npfn = (env->end[x] - env->start[x]) >> 12;
        for (v = spfn + npfn / 4 - 1; v; v >>= 1)
            bits++;
        env->dma_bits = bits + 12 < 32 ? bits + 12 : 32;
        break;
    }
    for (unsigned int x = 0; x < env->nr_nodes; x++)
        env->dma_only[x] = env->mem_bytes[x] &&
                           env->end[x] <= (1ULL << env->dma_bits);
}

void rig_env_open(struct rig_env *env, int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/rig/topology.topo";
    unsigned int line = 0, next = 0;
    int r, nn, nc;

    memset(env, 0, sizeof(*env));
    env->xch = rig_xc_open();
    r = nodeaff_open(0, &env->h);
    if (r < 0)
        tap_bail("nodeaff_open: %s", strerror(-r));
    env->features = nodeaff_features(env->h);
    env->series = env->features >= 0 && (env->features & NODEAFF_FEATURE_STRICT);
    r = nodeaff_topology_from_file(path, &env->file, &line);
    if (r < 0)
        tap_bail("nodeaff_topology_from_file(%s): %s (line %u)", path, strerror(-r), line);
    r = nodeaff_topology_from_host(env->h, &env->host);
    if (r < 0)
        tap_bail("nodeaff_topology_from_host: %s", strerror(-r));
    nn = nodeaff_topology_nr_nodes(env->file);
    nc = nodeaff_topology_nr_cpus(env->file);
    if (nn <= 0 || nn > RIG_MAX_NODES || nc < 0)
        tap_bail("topology file has %d nodes, %d cpus", nn, nc);
    env->nr_nodes = (unsigned int)nn;
    env->nr_cpus = (unsigned int)nc;

    /* SRAT order as QEMU writes it: CPU entries by CPU id, then memory
     * ranges in address order, which is node order. */
    for (unsigned int p = 0; p < env->nr_nodes; p++)
        env->xen_of[p] = UINT32_MAX;
    for (unsigned int c = 0; c < env->nr_cpus; c++) {
        int p = nodeaff_topology_cpu_node(env->file, c);

        if (p >= 0 && env->xen_of[p] == UINT32_MAX)
            env->xen_of[p] = next++;
    }
    for (unsigned int p = 0; p < env->nr_nodes; p++) {
        uint64_t size = 0;

        nodeaff_topology_node_memory(env->file, p, &size, NULL);
        if (size && env->xen_of[p] == UINT32_MAX)
            env->xen_of[p] = next++;
    }
    for (unsigned int p = 0; p < env->nr_nodes; p++) {
        uint64_t size = 0;
        unsigned int x = env->xen_of[p];

        if (x == UINT32_MAX)
            tap_bail("file node %u has neither memory nor CPUs", p);
        env->file_of[x] = p;
        nodeaff_topology_node_memory(env->file, p, &size, NULL);
        env->mem_bytes[x] = size;
        env->first_cpu_of[x] = UINT32_MAX;
    }
    for (unsigned int c = 0; c < env->nr_cpus; c++) {
        int p = nodeaff_topology_cpu_node(env->file, c);

        if (p < 0)
            continue;
        if (!env->ncpus_of[env->xen_of[p]]++)
            env->first_cpu_of[env->xen_of[p]] = c;
    }
    rig_layout(env);
    tap_diag("features 0x%x (%s), %u nodes, %u cpus", (unsigned int)env->features,
             env->series ? "carried series" : "upstream only", env->nr_nodes,
             env->nr_cpus);
}

void rig_env_close(struct rig_env *env)
{
    nodeaff_topology_free(env->file);
    nodeaff_topology_free(env->host);
    nodeaff_close(env->h);
    xc_interface_close(env->xch);
}

unsigned int rig_mem_nodes(const struct rig_env *env, unsigned int *ret_nodes)
{
    unsigned int n = 0;

    for (unsigned int x = 0; x < env->nr_nodes; x++)
        if (env->mem_bytes[x])
            ret_nodes[n++] = x;
    return n;
}

uint64_t rig_free_pages(const struct rig_env *env, unsigned int node)
{
    uint64_t f[RIG_MAX_NODES];
    unsigned int n = 0;

    if (rig_numainfo(env->xch, f, NULL, &n) || node >= n || f[node] == UINT64_MAX)
        return 0;
    return f[node];
}

int rig_read_pages(const struct rig_env *env, uint32_t domid,
                   struct rig_pages *ret)
{
    memset(ret, 0, sizeof(*ret));
    ret->usage_rc = nodeaff_domain_get_usage(env->h, domid, ret->usage,
                                             RIG_MAX_NODES);
    ret->key_rc = rig_debugkey_usage(env->xch, domid, ret->key, RIG_MAX_NODES,
                                     &ret->key_counters);
    ret->tot = rig_domain_tot_pages(env->xch, domid);
    return ret->key_rc < 0 ? ret->key_rc : 0;
}

uint64_t rig_sum(const uint64_t *v, unsigned int nr,
                 const struct nodeaff_nodemap *set, int inside)
{
    uint64_t s = 0;

    for (unsigned int i = 0; i < nr; i++) {
        int in = set ? nodeaff_nodemap_test(set, i) == 1 : 1;

        if (in == !!inside && v[i] != UINT64_MAX)
            s += v[i];
    }
    return s;
}

void rig_free_now(const struct rig_env *env, uint64_t *ret_free)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < RIG_MAX_NODES; i++)
        ret_free[i] = UINT64_MAX;
    rig_numainfo(env->xch, ret_free, NULL, &n);
}

const char *rig_fmt_pages(const uint64_t *v, unsigned int nr)
{
    static char buf[2][512];
    static int which;
    char *b = buf[which++ % 2];
    size_t len = 0;

    b[0] = '\0';
    for (unsigned int i = 0; i < nr && len < 400; i++) {
        if (nr > 8 && !v[i])
            continue;               /* big hosts: only the nodes in use */
        len += (size_t)snprintf(b + len, 512 - len, "%sn%u=%llu", len ? " " : "",
                                i, (unsigned long long)v[i]);
    }
    if (!len)
        snprintf(b, 512, "(none)");
    return b;
}

unsigned int rig_node_sets(const struct rig_env *env,
                           struct nodeaff_nodemap **ret_sets, unsigned int max)
{
    unsigned int mem[RIG_MAX_NODES], nm = rig_mem_nodes(env, mem), n = 0;
    unsigned int pick[4], np = 0;

    /* Singles: the first three memory nodes and the last. */
    for (unsigned int i = 0; i < nm && np < 3; i++)
        pick[np++] = mem[i];
    if (nm > 3)
        pick[np++] = mem[nm - 1];
    for (unsigned int i = 0; i < np && n < max; i++)
        ret_sets[n++] = rig_nodemap(env->nr_nodes, 1, &pick[i]);
    /* Pairs: neighbours, and the first with the last. */
    if (nm >= 2 && n < max) {
        unsigned int p[2] = { mem[0], mem[1] };
        ret_sets[n++] = rig_nodemap(env->nr_nodes, 2, p);
    }
    if (nm >= 3 && n < max) {
        unsigned int p[2] = { mem[1], mem[nm - 1] };
        ret_sets[n++] = rig_nodemap(env->nr_nodes, 2, p);
    }
    if (nm >= 3 && n < max)
        ret_sets[n++] = rig_nodemap(env->nr_nodes, nm, mem);
    return n;
}

void rig_free_settled(const struct rig_env *env, uint64_t *ret_free)
{
    uint64_t prev[RIG_MAX_NODES];

    rig_free_now(env, prev);
    for (int tries = 0; tries < 20; tries++) {
        usleep(150000);
        rig_free_now(env, ret_free);
        if (!memcmp(prev, ret_free, sizeof(prev)))
            return;
        memcpy(prev, ret_free, sizeof(prev));
    }
}

int rig_free_missing(xc_interface *xch, const uint64_t *base, unsigned int nr,
                     uint64_t *ret_missing, uint64_t *ret_excess)
{
    uint64_t now[RIG_MAX_NODES], missing = 0, excess = 0;
    unsigned int n = 0;

    /* As rig_wait_free_equals(), without a line per call: the fault
     * suite checks after every one of a hundred rounds. */
    for (int tries = 0; tries < 150; tries++) {
        int r = rig_numainfo(xch, now, NULL, &n);

        if (r)
            return r;
        missing = excess = 0;
        for (unsigned int i = 0; i < nr && i < n; i++) {
            if (base[i] == UINT64_MAX)
                continue;
            if (now[i] < base[i])
                missing += base[i] - now[i];
            else
                excess += now[i] - base[i];
        }
        if (!missing)
            break;
        usleep(20000);
    }
    *ret_missing = missing;
    if (ret_excess)
        *ret_excess = excess;
    return 0;
}

int rig_fresh_domain_works(struct rig_env *env, const char **ret_step)
{
    unsigned int mem[RIG_MAX_NODES], nm = rig_mem_nodes(env, mem);
    struct nodeaff_nodemap *set = NULL, *got = NULL;
    uint64_t pages[RIG_MAX_NODES], done = 0;
    const char *step = "create";
    int domid, r;

    domid = rig_domain_create(env->xch);
    if (domid < 0) {
        r = domid;
        goto out;
    }
    step = "set preferred";
    set = rig_nodemap(env->nr_nodes, nm ? 1 : 0, mem);
    r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, set, 0);
    if (r < 0)
        goto destroy;
    step = "get";
    r = nodeaff_domain_get_affinity(env->h, (uint32_t)domid, &got);
    if (r == 0 && nodeaff_nodemap_equal(got, set) != 1)
        r = -EIO;
    if (r < 0)
        goto destroy;
    step = "populate 64";
    r = rig_populate(env->xch, (uint32_t)domid, 64, &done);
    if (r == 0 && done != 64)
        r = -EIO;
    if (r < 0)
        goto destroy;
    if (env->series) {
        step = "usage";
        r = nodeaff_domain_get_usage(env->h, (uint32_t)domid, pages, RIG_MAX_NODES);
        if (r >= 0)
            r = rig_sum(pages, (unsigned int)r, NULL, 1) == 64 ? 0 : -EIO;
        if (r < 0)
            goto destroy;
    }
destroy:
    {
        int d = rig_domain_destroy(env->xch, (uint32_t)domid);

        if (!r && d) {
            step = "destroy";
            r = d;
        }
    }
out:
    nodeaff_nodemap_free(set);
    nodeaff_nodemap_free(got);
    if (ret_step)
        *ret_step = r ? step : "every step";
    return r;
}

int rig_flask_enforcing(xc_interface *xch)
{
    int r;

    errno = 0;
    r = xc_flask_getenforce(xch);
    if (r >= 0)
        return r;
    return errno ? -errno : -EIO;
}

int rig_sh(char *out, size_t len, const char *fmt, ...)
{
    char cmd[1024], sink[256];
    va_list ap;
    size_t n = 0, got;
    FILE *p;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
    p = popen(cmd, "r");
    if (!p)
        return -1;
    /* Read to the end either way: the command must not block on a pipe. */
    while ((got = fread(sink, 1, sizeof(sink), p)) > 0) {
        if (out && n + 1 < len) {
            size_t k = got < len - 1 - n ? got : len - 1 - n;

            memcpy(out + n, sink, k);
            n += k;
        }
    }
    if (out && len)
        out[n] = 0;
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
