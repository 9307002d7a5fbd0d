/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-usage [SIZE_MIB]...: in-guest benchmark for the rig (issue 8).
 * Needs the patched hypervisor (the series' usage domctl) and root in the
 * control domain; the rig runs it as
 *     rig --preset bench-2node --run bench-usage
 *
 * For each domain size (default 16, 256, 1024, 2048 MiB: those that fit in
 * the host's free memory all at once) it creates a PV domain with
 * libxenctrl, populates it, and times two ways of learning how many of its
 * pages sit on each node:
 *
 *   query  nodeaff_domain_get_usage(): the series' counters, one domctl.
 *          Rounds of QUERY_CALLS calls, timed per round (two clock reads
 *          per round, so the clock's own cost does not flatten the
 *          figures); the figure is the median over rounds of ns per call.
 *          All domains exist during this phase and the rounds go round
 *          robin over them, so load from outside the VM (this host is
 *          shared) falls on every size alike.
 *   walk   what a toolstack without the series has: debug key 'u'
 *          (xc_send_debug_keys, whose handler walks every domain's page
 *          list under its lock and prints per-node counts), then reading
 *          the new part of Xen's console ring (xc_readconsolering,
 *          incremental) until that domain's node lines are there, then
 *          parsing them.  The handler walks every domain, so this phase
 *          has one domain, grown and shrunk to each size in turn (never
 *          destroyed: Xen would scrub a dead domain's pages from its idle
 *          vCPU beside the benchmark); the walk sees only dom0 beside it.
 *          Three passes over the sizes (smallest first, largest first,
 *          smallest first) of seven walks each; the figure is the median
 *          of the 21 (a walk takes milliseconds, so on a loaded host some
 *          are preempted: every one is printed).
 *
 * Before each walk the query is made once more and its counts must equal
 * the walk's exactly (the domain never runs, so nothing moves): a mismatch
 * fails the run.
 *
 * Goal (issue 8): query time of the largest domain over the smallest at
 * most 1.2 (flat); the walk's ratio is expected to grow with size.  No
 * timing is asserted: the exit status is 0 unless an operation fails or
 * the counts differ.  Besides the table there are machine-readable lines:
 *   RESULT size_mib=N pages=N query_ns=N walk_ns=N ratio=R match=1
 *   RESULT flat smallest_mib=N largest_mib=N query_ratio=R walk_ratio=R goal=1.2 met=0|1
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>

#include "nodeaff.h"
#include "rig-guest.h"

#define QUERY_CALLS 500     /* calls per timed round */
#define QUERY_ROUNDS 21
#define WALKS_PER_PASS 7
#define WALK_PASSES 3
#define RING_CHUNK (64u << 10)
#define FLAT_GOAL 1.2

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, unsigned int n)
{
    qsort(v, n, sizeof(*v), cmp_u64);
    return v[n / 2];
}

/* The console ring read incrementally: only what Xen wrote since the last
 * read is copied, as `xl dmesg` would after a clear. */
struct ring {
    xc_interface *xch;
    uint32_t index;
    char *buf;          /* what this walk read so far */
    size_t len, cap;
};

/* Appends what is new in the ring; returns the bytes read or -errno. */
static int ring_read(struct ring *r)
{
    unsigned int size;
    int total = 0;

    for (;;) {
        if (r->cap - r->len < RING_CHUNK + 1) {
            size_t cap = r->cap * 2 + RING_CHUNK + 1;
            char *p = realloc(r->buf, cap);

            if (!p)
                return -ENOMEM;
            r->buf = p;
            r->cap = cap;
        }
        size = RING_CHUNK;
        if (xc_readconsolering(r->xch, r->buf + r->len, &size, 0, 1, &r->index))
            return -errno;
        r->len += size;
        r->buf[r->len] = '\0';
        total += (int)size;
        if (size < RING_CHUNK)
            return total;
    }
}

/* Skips what is in the ring now (boot messages, earlier walks). */
static int ring_drain(struct ring *r)
{
    int ret = ring_read(r);

    r->len = 0;
    return ret < 0 ? ret : 0;
}

/*
 * Parses the per-node lines under "Domain D (total: N):" in the last 'u'
 * dump in text.  Returns the node lines found (0 if the domain's block is
 * not complete yet: fewer than nr_nodes lines), or -ENOENT if there is no
 * dump or no such domain in it.  *ret_match: 1 if the series' cross-check
 * line says the counters match the walk, -1 if it says MISMATCH, 0 none.
 */
static int parse_walk(char *text, uint32_t domid, unsigned int nr_nodes,
                      uint64_t *ret_pages, int *ret_match)
{
    char hdr[48], *p, *last = NULL, *line;
    unsigned int found = 0;

    for (p = text; (p = strstr(p, "'u' pressed")); p++)
        last = p;
    if (!last)
        return -ENOENT;
    /* 4.17 prints "Domain D (total: N):", 4.19 and later "dD (total: N):". */
    snprintf(hdr, sizeof(hdr), "Domain %" PRIu32 " (total:", domid);
    p = strstr(last, hdr);
    if (!p) {
        snprintf(hdr, sizeof(hdr), " d%" PRIu32 " (total:", domid);
        p = strstr(last, hdr);
    }
    if (!p)
        return -ENOENT;
    *ret_match = 0;
    memset(ret_pages, 0, nr_nodes * sizeof(*ret_pages));
    for (line = strchr(p, '\n'); line && found < nr_nodes; ) {
        unsigned int node;
        unsigned long long count;
        char *next = strchr(++line, '\n'), *q;

        if (!next)
            return 0;           /* the line is not all there yet */
        *next = '\0';           /* confine the searches to this line */
        q = strstr(line, "Node ");
        if (!q || strstr(line, "Domain") ||
            sscanf(q, "Node %u: %llu", &node, &count) != 2 || node >= nr_nodes) {
            *next = '\n';
            break;
        }
        *next = '\n';
        ret_pages[node] = count;
        found++;
        line = next;
    }
    if (found < nr_nodes)
        return (int)found;
    /* The patched 'u' adds its cross-check line after the node lines
     * (each line in the ring starts with Xen's "(XEN) " prefix). */
    if (line && (p = strchr(line + 1, '\n'))) {
        *p = '\0';
        if (strstr(line + 1, "nodeaff: counters match"))
            *ret_match = 1;
        else if (strstr(line + 1, "nodeaff: counters MISMATCH"))
            *ret_match = -1;
        *p = '\n';
    }
    return (int)found;
}

/* One walk, timed: key, read until the domain's lines are there, parse.
 * Returns 0 or -errno; *ret_ns the time. */
static int walk(struct ring *r, uint32_t domid, unsigned int nr_nodes,
                uint64_t *ret_pages, int *ret_match, uint64_t *ret_ns)
{
    uint64_t t0, t1;
    int ret, tries = 0;

    r->len = 0;
    t0 = now_ns();
    if (xc_send_debug_keys(r->xch, "u"))
        return -errno;
    for (;;) {
        ret = ring_read(r);
        if (ret < 0)
            return ret;
        ret = parse_walk(r->buf, domid, nr_nodes, ret_pages, ret_match);
        if (ret == (int)nr_nodes)
            break;
        /* The handler runs inside the sysctl, so the dump is normally all
         * there at once; allow for a slow console all the same. */
        if (++tries > 1000)
            return ret < 0 ? ret : -EIO;
        usleep(1000);
    }
    t1 = now_ns();
    *ret_ns = t1 - t0;
    return 0;
}

struct row {
    unsigned int mib;
    uint64_t pages, query_ns, walk_ns;
    uint64_t q[QUERY_ROUNDS];
    uint64_t w[WALKS_PER_PASS * WALK_PASSES];
    unsigned int walks;
    int counters;
};

/*
 * A PV domain whose size changes by populating and releasing pages, never
 * by destroying it: Xen scrubs a dead domain's pages from its idle vCPU,
 * which under TCG would compete with the benchmark for the host's cores,
 * while pages a live domain gives back are freed as they are.
 */
struct dom {
    int domid;          /* -1: none */
    uint64_t nr;        /* pages populated: frames[0..nr-1] */
    uint64_t max;
    xen_pfn_t *frames;  /* PV: the machine frames populate gave back */
};

#define CHUNK 2048

static int dom_create(xc_interface *xch, struct dom *d, uint64_t max)
{
    d->nr = 0;
    d->max = max;
    d->frames = calloc(max ? max : 1, sizeof(*d->frames));
    if (!d->frames)
        return -ENOMEM;
    d->domid = rig_domain_create(xch);
    return d->domid < 0 ? d->domid : 0;
}

/* Grows or shrinks d to pages.  0 or -errno. */
static int dom_resize(xc_interface *xch, struct dom *d, uint64_t pages)
{
    while (d->nr < pages) {
        unsigned long n = pages - d->nr < CHUNK ? (unsigned long)(pages - d->nr)
                                                : CHUNK;

        for (unsigned long i = 0; i < n; i++)
            d->frames[d->nr + i] = (xen_pfn_t)(0x1000 + d->nr + i);
        if (xc_domain_populate_physmap_exact(xch, (uint32_t)d->domid, n, 0, 0,
                                             d->frames + d->nr))
            return -errno;
        d->nr += n;
    }
    while (d->nr > pages) {
        unsigned long n = d->nr - pages < CHUNK ? (unsigned long)(d->nr - pages)
                                                : CHUNK;

        if (xc_domain_decrease_reservation_exact(xch, (uint32_t)d->domid, n, 0,
                                                 d->frames + d->nr - n))
            return -errno;
        d->nr -= n;
    }
    return 0;
}

/* Gives every page back, then destroys the (empty) domain. */
static void dom_destroy(xc_interface *xch, struct dom *d)
{
    if (d->domid >= 0) {
        dom_resize(xch, d, 0);
        rig_domain_destroy(xch, (uint32_t)d->domid);
    }
    d->domid = -1;
    free(d->frames);
    d->frames = NULL;
}

/* Free pages on every node together. */
static uint64_t free_pages(xc_interface *xch)
{
    uint64_t f[RIG_MAX_NODES], sum = 0;
    unsigned int n = 0;

    if (rig_numainfo(xch, f, NULL, &n) < 0)
        return 0;
    for (unsigned int i = 0; i < n; i++)
        if (f[i] != UINT64_MAX)
            sum += f[i];
    return sum;
}

/*
 * The query, every domain at once: round r times QUERY_CALLS calls on each
 * domain in turn, so load from outside (other QEMUs on the host) falls on
 * every size alike and the medians compare.  0 or -errno.
 */
static int bench_query(struct nodeaff_handle *h, struct row *rows,
                       const struct dom *doms, unsigned int nr_rows)
{
    uint64_t usage[RIG_MAX_NODES];
    unsigned int i, k, r;
    int ret;

    for (i = 0; i < nr_rows; i++) {
        /* Warm-up (first-use allocations), and the size in pages. */
        ret = nodeaff_domain_get_usage(h, (uint32_t)doms[i].domid, usage,
                                       RIG_MAX_NODES);
        if (ret < 0)
            return ret;
        rows[i].pages = 0;
        for (k = 0; k < (unsigned int)ret; k++)
            rows[i].pages += usage[k];
    }
    for (r = 0; r < QUERY_ROUNDS; r++)
        for (i = 0; i < nr_rows; i++) {
            uint32_t domid = (uint32_t)doms[i].domid;
            uint64_t t0 = now_ns();

            for (k = 0; k < QUERY_CALLS; k++) {
                ret = nodeaff_domain_get_usage(h, domid, usage, RIG_MAX_NODES);
                if (ret < 0)
                    return ret;
            }
            rows[i].q[r] = (now_ns() - t0) / QUERY_CALLS;
        }
    for (i = 0; i < nr_rows; i++)
        rows[i].query_ns = median(rows[i].q, QUERY_ROUNDS);
    return 0;
}

/*
 * The walk, for domid alone (debug key 'u' walks every domain, so the
 * others must be gone): WALKS_PER_PASS walks, each after a query
 * whose counts must equal the walk's.  0, -EPROTO on a mismatch, or -errno.
 */
static int bench_walk(struct nodeaff_handle *h, struct ring *r,
                      unsigned int nr_nodes, uint32_t domid, struct row *row)
{
    uint64_t usage[RIG_MAX_NODES], key[RIG_MAX_NODES];
    unsigned int i, k;
    int ret, match = 0;

    ret = ring_drain(r);
    for (i = 0; i < WALKS_PER_PASS && ret >= 0; i++) {
        ret = nodeaff_domain_get_usage(h, domid, usage, RIG_MAX_NODES);
        if (ret >= 0)
            ret = walk(r, domid, nr_nodes, key, &match, &row->w[row->walks]);
        if (ret < 0)
            break;
        for (k = 0; k < nr_nodes; k++)
            if (usage[k] != key[k]) {
                fprintf(stderr, "bench-usage: %u MiB: node %u: query %" PRIu64
                        " pages, walk %" PRIu64 "\n", row->mib, k, usage[k], key[k]);
                ret = -EPROTO;
            }
        if (row->walks++ == 0 || match < row->counters)
            row->counters = match;
    }
    return ret < 0 ? ret : 0;
}

int main(int argc, char **argv)
{
    static const unsigned int defaults[] = { 16, 256, 1024, 2048 };
    unsigned int sizes[16], nr_sizes = 0, nr_rows = 0, i, k, p, nr_nodes;
    struct row rows[16];
    struct dom doms[16];
    struct nodeaff_handle *h;
    struct nodeaff_topology *topo;
    struct ring ring = { 0 };
    xc_interface *xch;
    uint64_t avail, base, want = 0;
    int ret, status = 0;

    for (i = 1; i < (unsigned int)argc && nr_sizes < 16; i++)
        sizes[nr_sizes++] = (unsigned int)strtoul(argv[i], NULL, 10);
    if (!nr_sizes)
        for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
            sizes[nr_sizes++] = defaults[i];

    ret = nodeaff_open(0, &h);
    if (ret < 0) {
        fprintf(stderr, "bench-usage: nodeaff_open: %s\n", strerror(-ret));
        return 1;
    }
    if (!(nodeaff_features(h) & NODEAFF_FEATURE_USAGE)) {
        fprintf(stderr, "bench-usage: this hypervisor has no usage query "
                "(stock Xen?): nothing to compare\n");
        return 1;
    }
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "bench-usage: xc_interface_open: %s\n", strerror(errno));
        return 1;
    }
    ret = nodeaff_topology_from_host(h, &topo);
    if (ret < 0) {
        fprintf(stderr, "bench-usage: topology: %s\n", strerror(-ret));
        return 1;
    }
    nr_nodes = (unsigned int)nodeaff_topology_nr_nodes(topo);
    nodeaff_topology_free(topo);
    if (nr_nodes > RIG_MAX_NODES)
        return 1;
    ring.xch = xch;

    /* Every size at once must fit (the query phase holds them all),
     * leaving Xen and dom0 1/16 of what is free, 64 MiB at least. */
    base = avail = free_pages(xch);
    avail -= avail / 16 > 16384 ? avail / 16 : 16384;
    printf("bench-usage: %u node(s), %" PRIu64 " MiB free; query: median of %d "
           "rounds of %d calls, sizes interleaved; walk: median of %d, one "
           "domain at a time, in %d passes\n", nr_nodes, base >> 8, QUERY_ROUNDS,
           QUERY_CALLS, WALKS_PER_PASS * WALK_PASSES, WALK_PASSES);
    for (i = 0; i < nr_sizes && nr_rows < 16; i++) {
        if (want + ((uint64_t)sizes[i] << 8) > avail) {
            printf("# %u MiB: does not fit beside the others (%" PRIu64
                   " MiB free), skipped\n", sizes[i], base >> 8);
            continue;
        }
        want += (uint64_t)sizes[i] << 8;
        memset(&rows[nr_rows], 0, sizeof(rows[nr_rows]));
        rows[nr_rows].mib = sizes[i];
        nr_rows++;
    }

    if (nr_rows == 0) {
        fprintf(stderr, "bench-usage: no size fits\n");
        return 1;
    }

    /* Phase 1: the query, all domains present. */
    for (i = 0; i < nr_rows; i++)
        doms[i].domid = -1;
    for (i = 0; i < nr_rows && status == 0; i++) {
        uint64_t pages = (uint64_t)rows[i].mib << 8;

        ret = dom_create(xch, &doms[i], pages);
        if (ret == 0)
            ret = dom_resize(xch, &doms[i], pages);
        if (ret < 0) {
            fprintf(stderr, "bench-usage: a %u MiB domain: %s\n", rows[i].mib,
                    strerror(-ret));
            status = 1;
        }
    }
    if (status == 0 && (ret = bench_query(h, rows, doms, nr_rows)) < 0) {
        fprintf(stderr, "bench-usage: get_usage: %s\n", strerror(-ret));
        status = 1;
    }
    for (i = 0; i < nr_rows; i++)
        dom_destroy(xch, &doms[i]);

    /* Phase 2: the walk, one domain resized to each size in turn, in
     * WALK_PASSES passes (smallest first, then largest first, ...), so
     * that load from outside the VM does not fall on one size only. */
    if (status == 0 &&
        (ret = dom_create(xch, &doms[0], (uint64_t)rows[nr_rows - 1].mib << 8)) < 0) {
        fprintf(stderr, "bench-usage: creating a domain: %s\n", strerror(-ret));
        status = 1;
    }
    for (p = 0; p < WALK_PASSES && status == 0; p++)
        for (k = 0; k < nr_rows && status == 0; k++) {
            struct row *row = &rows[p % 2 ? nr_rows - 1 - k : k];

            ret = dom_resize(xch, &doms[0], (uint64_t)row->mib << 8);
            if (ret == 0)
                ret = bench_walk(h, &ring, nr_nodes, (uint32_t)doms[0].domid, row);
            if (ret < 0) {
                fprintf(stderr, "bench-usage: %u MiB: walk: %s\n", row->mib,
                        strerror(-ret));
                status = 1;
            }
        }
    dom_destroy(xch, &doms[0]);
    for (i = 0; i < nr_rows && status == 0; i++) {
        /* Every walk, in the order taken, to show the spread. */
        printf("# walks of %u MiB, us:", rows[i].mib);
        for (k = 0; k < rows[i].walks; k++)
            printf(" %" PRIu64, rows[i].w[k] / 1000);
        printf("\n");
        rows[i].walk_ns = median(rows[i].w, rows[i].walks);
    }
    if (status) {
        fprintf(stderr, "bench-usage: failed, no table\n");
        return status;
    }

    printf("%8s %9s %12s %12s %10s  %s\n", "size", "pages", "query ns",
           "walk ns", "walk/query", "counts");
    for (i = 0; i < nr_rows; i++) {
        struct row *w = &rows[i];

        printf("%5u MiB %9" PRIu64 " %12" PRIu64 " %12" PRIu64 " %9.1fx  %s\n",
               w->mib, w->pages, w->query_ns, w->walk_ns,
               (double)w->walk_ns / (double)(w->query_ns ? w->query_ns : 1),
               w->counters > 0 ? "equal; Xen: counters match" : "equal");
        printf("RESULT size_mib=%u pages=%" PRIu64 " query_ns=%" PRIu64
               " walk_ns=%" PRIu64 " ratio=%.1f match=1\n", w->mib, w->pages,
               w->query_ns, w->walk_ns,
               (double)w->walk_ns / (double)(w->query_ns ? w->query_ns : 1));
    }
    if (nr_rows >= 2) {
        struct row *s = &rows[0], *l = &rows[nr_rows - 1];
        double qr = (double)l->query_ns / (double)(s->query_ns ? s->query_ns : 1);
        double wr = (double)l->walk_ns / (double)(s->walk_ns ? s->walk_ns : 1);

        printf("flatness, %u MiB over %u MiB: query %.2fx (goal <= %.1f: %s), "
               "walk %.2fx\n", l->mib, s->mib, qr, FLAT_GOAL,
               qr <= FLAT_GOAL ? "goal met" : "goal MISSED", wr);
        printf("RESULT flat smallest_mib=%u largest_mib=%u query_ratio=%.3f "
               "walk_ratio=%.3f goal=%.1f met=%d\n", s->mib, l->mib, qr, wr,
               FLAT_GOAL, qr <= FLAT_GOAL);
    } else {
        printf("flatness: fewer than two sizes measured\n");
        status = 1;
    }

    free(ring.buf);
    xc_interface_close(xch);
    nodeaff_close(h);
    return status;
}
