/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-usage [SIZE_MIB]...: in-guest benchmark for the rig (issue 8).
 * Needs the patched hypervisor (the series' usage domctl) and root in the
 * control domain; the rig runs it as
 *     rig --preset bench-2node --run bench-usage
 *
 * For each domain size (default 16, 256, 1024, 2048, 4096 MiB, those that fit in
 * the host's free memory) it creates a PV domain with libxenctrl, populates
 * it, and times two ways of learning how many of its pages sit on each node:
 *
 *   query  nodeaff_domain_get_usage(): the series' counters, one domctl.
 *          Rounds of QUERY_CALLS calls, timed per round (two clock reads
 *          per round, so the clock's own cost does not flatten the
 *          figures); the figure is the median over rounds of ns per call.
 *   walk   what a toolstack without the series has: debug key 'u'
 *          (xc_send_debug_keys, whose handler walks every domain's page
 *          list under its lock and prints per-node counts), then reading
 *          the new part of Xen's console ring (xc_readconsolering,
 *          incremental) until that domain's node lines are there, then
 *          parsing them.  The figure is the median of WALKS walks.
 *
 * Query rounds and walks are interleaved, so drift hits both.  Before each
 * walk the query is made once more and its counts must equal the walk's
 * exactly (the domain never runs, so nothing moves): a mismatch fails the
 * run.  Sizes are measured smallest first and each domain is destroyed
 * before the next is made, so the walk sees only dom0 besides it.
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
#define WALKS 7
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
    snprintf(hdr, sizeof(hdr), "Domain %" PRIu32 " (total:", domid);
    p = strstr(last, hdr);
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
    int counters;
};

static int bench_size(xc_interface *xch, struct nodeaff_handle *h,
                      struct ring *r, unsigned int nr_nodes, unsigned int mib,
                      struct row *row)
{
    uint64_t nr = (uint64_t)mib << 8, done = 0, total;
    uint64_t q[QUERY_ROUNDS], w[WALKS];
    uint64_t usage[RIG_MAX_NODES], key[RIG_MAX_NODES];
    unsigned int i, k, walks = 0;
    int domid, ret, match = 0;

    domid = rig_domain_create(xch);
    if (domid < 0) {
        fprintf(stderr, "bench-usage: creating a domain: %s\n", strerror(-domid));
        return domid;
    }
    ret = rig_populate(xch, (uint32_t)domid, nr, &done);
    if (ret < 0) {
        fprintf(stderr, "bench-usage: %u MiB: populated %" PRIu64 " of %" PRIu64
                " pages: %s\n", mib, done, nr, strerror(-ret));
        goto out;
    }
    /* Warm up both paths (first-use allocations in the library, Xen's). */
    ret = nodeaff_domain_get_usage(h, (uint32_t)domid, usage, RIG_MAX_NODES);
    if (ret >= 0)
        ret = ring_drain(r);
    if (ret < 0) {
        fprintf(stderr, "bench-usage: warm-up: %s\n", strerror(-ret));
        goto out;
    }

    for (i = 0; i < QUERY_ROUNDS; i++) {
        uint64_t t0 = now_ns(), t1;

        for (k = 0; k < QUERY_CALLS; k++) {
            ret = nodeaff_domain_get_usage(h, (uint32_t)domid, usage,
                                           RIG_MAX_NODES);
            if (ret < 0) {
                fprintf(stderr, "bench-usage: get_usage: %s\n", strerror(-ret));
                goto out;
            }
        }
        t1 = now_ns();
        q[i] = (t1 - t0) / QUERY_CALLS;

        /* A walk after every third round, the query's counts beside it. */
        if (i % 3 != 0 || walks == WALKS)
            continue;
        ret = nodeaff_domain_get_usage(h, (uint32_t)domid, usage, RIG_MAX_NODES);
        if (ret >= 0)
            ret = walk(r, (uint32_t)domid, nr_nodes, key, &match, &w[walks]);
        if (ret < 0) {
            fprintf(stderr, "bench-usage: walk: %s\n", strerror(-ret));
            goto out;
        }
        walks++;
        total = 0;
        for (k = 0; k < nr_nodes; k++) {
            total += usage[k];
            if (usage[k] != key[k]) {
                fprintf(stderr, "bench-usage: %u MiB: node %u: query %" PRIu64
                        " pages, walk %" PRIu64 "\n", mib, k, usage[k], key[k]);
                ret = -EPROTO;
            }
        }
        if (ret < 0)
            goto out;
        row->pages = total;
        row->counters = match;
    }
    row->mib = mib;
    row->query_ns = median(q, QUERY_ROUNDS);
    row->walk_ns = median(w, walks);
    ret = 0;
out:
    rig_domain_destroy(xch, (uint32_t)domid);
    return ret;
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

int main(int argc, char **argv)
{
    static const unsigned int defaults[] = { 16, 256, 1024, 2048, 4096 };
    unsigned int sizes[16], nr_sizes = 0, nr_rows = 0, i, nr_nodes;
    struct row rows[16];
    struct nodeaff_handle *h;
    struct nodeaff_topology *topo;
    struct ring ring = { 0 };
    xc_interface *xch;
    uint64_t avail;
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

    avail = free_pages(xch);
    printf("bench-usage: %u node(s), %" PRIu64 " MiB free; query: median of %d "
           "rounds of %d calls; walk: median of %d\n", nr_nodes, avail >> 8,
           QUERY_ROUNDS, QUERY_CALLS, WALKS);
    for (i = 0; i < nr_sizes; i++) {
        /* Leave Xen and dom0 some room: 1/16 of what is free, 64 MiB at
         * least. */
        uint64_t want = (uint64_t)sizes[i] << 8, spare;

        avail = free_pages(xch);
        spare = avail / 16;
        if (want + (spare > 16384 ? spare : 16384) > avail) {
            printf("# %u MiB: does not fit (%" PRIu64 " MiB free), skipped\n",
                   sizes[i], avail >> 8);
            continue;
        }
        ret = bench_size(xch, h, &ring, nr_nodes, sizes[i], &rows[nr_rows]);
        if (ret < 0) {
            status = 1;
            break;
        }
        nr_rows++;
        /* Let the destroyed domain's pages come back before the next. */
        for (int tries = 0; tries < 50 && free_pages(xch) + 64 < avail; tries++)
            usleep(100000);
    }

    printf("%8s %9s %12s %12s %10s  %s\n", "size", "pages", "query ns",
           "walk ns", "walk/query", "counts");
    for (i = 0; i < nr_rows; i++) {
        struct row *w = &rows[i];

        printf("%5u MiB %9" PRIu64 " %12" PRIu64 " %12" PRIu64 " %9.1fx  %s\n",
               w->mib, w->pages, w->query_ns, w->walk_ns,
               (double)w->walk_ns / (double)(w->query_ns ? w->query_ns : 1),
               w->counters > 0 ? "equal; Xen: counters match"
                               : "equal");
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
