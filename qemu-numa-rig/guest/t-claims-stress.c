/* Node claims under stress (issue 16), on the real patched hypervisor.
 *
 * Part 1, threads: THREADS threads each own DOMS domains and make OPS
 * seeded random calls on them: claim (vectors that fit, vectors beyond a
 * node's free unclaimed memory, vectors too short or too long, counts
 * that overflow, more than the domain's max_pages allows), populate,
 * cancel, get_claim, a host-wide XENMEM_claim_pages claim, destroy, calls
 * on the thread's destroyed domains, and create to refill.  Every call's
 * result is predicted by a model and must be exactly that:
 *
 *  - A thread is the only one that touches its domains, so everything
 *    about a domain's own claim is exact: get_claim returns the model's
 *    vector, cancel is 0, a destroyed domain is -ESRCH, the library's
 *    argument checks (-ERANGE, -EOVERFLOW) and the hypervisor's -EBUSY and
 *    max_pages -EINVAL depend on the input and the domain alone, and a
 *    populate of p pages consumes exactly min(claim[n], pages added on n)
 *    on every node n (read back by usage), a host-wide claim min(p, claim).
 *    One documented exception (0008's header, "Limits"): a populate that
 *    stops at max_pages allocated one more extent, which consumed claim on
 *    its node before assign_pages() refused it, and Xen does not give that
 *    back: then one node may read exactly one page less than the model.
 *    Such populates are counted and reported apart, never passed silently.
 *  - Whether a claim fits (0 or -ENOMEM) depends on every domain: free
 *    pages on the node and the other domains' claims.  So every claim (node
 *    or host-wide) is made under one model lock, held from reading the host
 *    (numainfo's free pages, the library's host claims) to the claim's
 *    answer: no other claim can be staked meanwhile.  What other threads
 *    may still change without the lock (a populate of p pages, a create, a
 *    cancel, a destroy) they announce under the lock beforehand with the
 *    most pages it can move ("pending"); late RCU frees of destroyed
 *    domains add LATE_FREE.  A node's room for the domain,
 *    free - (claimed - own), is then known to lie in [read - pending,
 *    read + pending + LATE_FREE]: a claim within the low bound must be 0,
 *    one beyond the high bound -ENOMEM naming that node (or the host as a
 *    whole), anything in between may be either ("ambiguous": counted and
 *    printed; the vectors are drawn so that it stays rare).
 *  - A populate that the domain's own claims cover, or that the host's
 *    unclaimed memory covers by the same low bound, must populate every
 *    page up to max_pages.
 *
 * Every CHECK_EVERY calls the threads meet at a barrier and one of them
 * checks, with nothing moving: the library's host claims per node equal
 * the sum of the live domains' claims (each read by get_claim and equal
 * to the model), all claims (physinfo's outstanding_pages) equal that
 * plus the host-wide claims, no counter exceeds the host's memory (so
 * none went negative as an unsigned wrap), and debug key 'u' prints the
 * same figures for every domain and the host and says its counters match.
 *
 * Part 1b, a claim racing destroy: one thread claims (and cancels) on a
 * domain while the main thread destroys it, RACE_ROUNDS times: every
 * call answers 0 or -ESRCH, and once the destroy has returned no claim is
 * left on the host, whichever of the two came first (the hypervisor
 * serialises set_claim with domain_kill() under the domctl lock).
 *
 * Part 2, fuzz: random raw XEN_DOMCTL_nodeaff_set_claim structures (and
 * some get_claim / get_host_claims) sent with libxencall, bypassing the
 * library: random nr_nodes (0, short, exact, long, huge), counts (0,
 * small, just below / above the room, beyond free, huge, sums that wrap),
 * nonzero _pad / node fields, a wrong version, bad buffer handles, unknown,
 * destroyed and reserved domain ids, a domain with a host-wide claim, one
 * whose max_pages is small.  Each answer must be the errno public/nodeaff.h
 * documents, checked in the hypervisor's order, with the short node and
 * the room copied back on -ENOMEM; the claims (domain and host) must not
 * change unless the answer is 0.  Then the exact boundary: a claim of
 * exactly a node's room succeeds, one page more is -ENOMEM.
 *
 * At the end everything is destroyed: host claims and outstanding claims
 * 0, free memory back at the baseline, and the hypervisor still works.
 *
 * NODEAFF_CLAIMS_SEED (printed either way) repeats each thread's choices
 * (operations, vector kinds) and the whole fuzz; the interleaving of the
 * threads is the scheduler's, and sizes drawn relative to a node's room
 * depend on what the others hold at that moment, so the per-errno counts
 * of the threads vary a little from run to run (never the verdicts).  NODEAFF_CLAIMS_OPS sets the calls per thread, NODEAFF_CLAIMS_FUZZ
 * the fuzz calls. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xencall.h>
#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>

#include "xen-public-nodeaff.h"

#include "rig-guest.h"
#include "tap.h"

#define THREADS 4
#define DOMS 2                  /* domains per thread */
#define DEFAULT_OPS 2500        /* calls per thread */
#define CHECK_EVERY 250         /* calls per thread between checkpoints */
#define DEFAULT_FUZZ 3000
#define DEFAULT_SEED 20261201u
#define POP_MAX 1024            /* pages per populate */
#define LIMITED_MAX 4096        /* max_pages of a "limited" domain */
#define CREATE_BOUND 512        /* pages a create or a destroy's late frees may move */
#define LATE_FREE 512
#define NO_SUCH_DOMAIN 0x7fe0u
#define NR_VEC (RIG_MAX_NODES + 8)

enum op { OP_CLAIM, OP_POPULATE, OP_CANCEL, OP_GET, OP_HOSTWIDE, OP_DESTROY,
          OP_DEAD, OP_CREATE, OP_MAX };
static const char *op_name[OP_MAX] = { "claim", "populate", "cancel", "get_claim",
                                       "host-wide", "destroy", "on-dead", "create" };
static const int errs[] = { 0, EINVAL, ERANGE, ESRCH, ENOMEM, EBUSY, EOVERFLOW, ENOBUFS,
                            EFAULT, EACCES };
static const char *err_name[] = { "0", "EINVAL", "ERANGE", "ESRCH", "ENOMEM", "EBUSY",
                                  "EOVERFLOW", "ENOBUFS", "EFAULT", "EACCES", "other" };
#define NERR (sizeof(errs) / sizeof(errs[0]))

static unsigned int err_index(int r)
{
    for (unsigned int i = 0; i < NERR; i++)
        if (r == -errs[i] || (i == 0 && r >= 0))
            return i;
    return NERR;
}

static uint32_t rnd(uint64_t *s)
{
    /* xorshift64*, as t-stress: the same sequence everywhere. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (uint32_t)((*s * 2685821657736338717ULL) >> 32);
}

static uint64_t rnd64(uint64_t *s)
{
    return (uint64_t)rnd(s) << 32 | rnd(s);
}

static struct rig_env env;
static unsigned int nr;                 /* node ids (= get_usage's count) */
static uint64_t node_size[RIG_MAX_NODES], host_pages;

/* "n0=12 n1=0" for v[0..n-1]: fv() has one static buffer,
 * and the threads print several vectors in one message. */
static const char *fv(const uint64_t *v, unsigned int n)
{
    static __thread char bufs[4][300];
    static __thread unsigned int next;
    char *b = bufs[next++ % 4];
    int len = 0;

    b[0] = '\0';
    for (unsigned int x = 0; x < n && len < 260; x++)
        len += snprintf(b + len, 300 - (size_t)len, "%sn%u=%" PRIu64, x ? " " : "", x, v[x]);
    return b;
}

/* --- the model ----------------------------------------------------------- */

struct dom {
    uint32_t id;                        /* 0: slot empty */
    uint64_t max_pages, tot;
    uint64_t claim[RIG_MAX_NODES], claim_total, hostwide;
};

struct thr {
    int idx;
    pthread_t tid;
    uint64_t rng;
    xc_interface *xch;
    xen_pfn_t next_gpfn;
    struct dom dom[DOMS];
    uint32_t dead[512];
    unsigned int ndead;
    unsigned int counts[OP_MAX][NERR + 1];
    unsigned int wrong, ambiguous, consume_bad, pop_bad, ops, refused_extent;
    char first_wrong[360];
};

static struct thr thr[THREADS];
static pthread_mutex_t model_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t pending[THREADS];       /* under model_lock */
static pthread_barrier_t barrier;
static unsigned int ops_per_thread = DEFAULT_OPS;

/* Checkpoint results (written by thread 0 at the barrier). */
static unsigned int checkpoints, cp_lib_bad, cp_u_bad, cp_range_bad, cp_u_seen;
static char cp_first_bad[360];

static void wrong(struct thr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wrong(struct thr *t, const char *fmt, ...)
{
    va_list ap;

    if (t->wrong++)
        return;
    va_start(ap, fmt);
    vsnprintf(t->first_wrong, sizeof(t->first_wrong), fmt, ap);
    va_end(ap);
}

/* Announces the most pages the thread's next unlocked call may move. */
static void announce(struct thr *t, uint64_t pages)
{
    pthread_mutex_lock(&model_lock);
    pending[t->idx] = pages;
    pthread_mutex_unlock(&model_lock);
}

/* Under model_lock: what the other threads' calls in flight may move. */
static uint64_t others_pending(const struct thr *t)
{
    uint64_t sum = LATE_FREE;

    for (int i = 0; i < THREADS; i++)
        if (i != t->idx)
            sum += pending[i];
    return sum;
}

struct room {
    uint64_t lo[RIG_MAX_NODES], hi[RIG_MAX_NODES];  /* per node, for the domain */
    uint64_t host_lo, host_hi;                      /* the host as a whole */
};

static uint64_t sub0(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

/* Under model_lock: the domain's room on every node and on the host. */
static int read_room(struct thr *t, const struct dom *d, struct room *ret)
{
    uint64_t free_p[RIG_MAX_NODES], hc[RIG_MAX_NODES], all = 0, pend = others_pending(t),
             free_total = 0, others;
    unsigned int n = 0;
    int r;

    if ((r = rig_numainfo(t->xch, free_p, NULL, &n)) ||
        (r = nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all)) < 0)
        return r < 0 ? r : -EIO;
    for (unsigned int x = 0; x < nr; x++) {
        uint64_t f = free_p[x] == UINT64_MAX ? 0 : free_p[x];
        uint64_t room = sub0(f, sub0(hc[x], d->claim[x]));

        free_total += f;
        ret->lo[x] = sub0(room, pend);
        ret->hi[x] = room + pend;
    }
    others = sub0(all, d->claim_total + d->hostwide);
    ret->host_lo = sub0(sub0(free_total, others), pend * nr);
    ret->host_hi = sub0(free_total, others) + pend * nr;
    return 0;
}

/* --- part 1: the threads ------------------------------------------------- */

/* What a node claim of v[0..k-1] on live d must return, by the documented
 * rules in the order they are checked (library, then hypervisor).  *amb
 * is set when the room decides and lies between the bounds; *short_node
 * gets the node -ENOMEM must name. */
static int predict_claim(const struct dom *d, const uint64_t *v, unsigned int k,
                         const struct room *room, int *amb, uint32_t *short_node)
{
    uint64_t total = 0;
    int maybe = 0;

    *amb = 0;
    for (unsigned int x = nr; x < k; x++)
        if (v[x])
            return -ERANGE;
    for (unsigned int x = 0; x < k; x++) {
        if (v[x] > UINT64_MAX - total)
            return -EOVERFLOW;
        total += v[x];
    }
    if (!total)
        return 0;               /* all zeros cancels */
    if (d->hostwide)
        return -EBUSY;
    if (total > d->max_pages || d->tot > d->max_pages - total)
        return -EINVAL;
    for (unsigned int x = 0; x < k && x < nr; x++) {
        if (!v[x])
            continue;
        if (v[x] > room->hi[x]) {
            if (maybe) {
                *amb = 1;
                return -ENOMEM;
            }
            *short_node = x;
            return -ENOMEM;
        }
        if (v[x] > room->lo[x])
            maybe = 1;
    }
    if (total > room->host_hi && !maybe) {
        *short_node = NODEAFF_CLAIM_HOST;
        return -ENOMEM;
    }
    if (total > room->host_lo)
        maybe = 1;
    *amb = maybe;
    return 0;
}

/* A claim vector: *ret_k entries.  Kinds: fits (most), beyond one node's
 * room, too short (the rest 0), too long (zeros or a nonzero beyond the
 * host), a sum that wraps, all zeros, more than a limited domain's max. */
static void draw_vector(struct thr *t, const struct dom *d, const struct room *room,
                        uint64_t *v, unsigned int *ret_k)
{
    unsigned int c = rnd(&t->rng) % 100, k = nr;

    memset(v, 0, NR_VEC * sizeof(*v));
    if (c < 55 || (c >= 90 && c < 95)) {
        for (unsigned int x = 0; x < nr; x++) {
            unsigned int w = rnd(&t->rng) % 10;

            if (w < 3)
                v[x] = 0;
            else if (w < 7)
                v[x] = 1 + rnd(&t->rng) % 1024;
            else    /* a share of the room small enough for all domains */
                v[x] = rnd(&t->rng) % (room->lo[x] / (4 * THREADS * DOMS) + 1);
        }
        if (c >= 90)            /* limited domains: beyond max_pages */
            v[rnd(&t->rng) % nr] += d->max_pages <= LIMITED_MAX ? d->max_pages : 0;
    } else if (c < 70) {
        unsigned int x = rnd(&t->rng) % nr;

        v[x] = room->hi[x] + 1 + rnd(&t->rng) % (room->hi[x] + 1);
    } else if (c < 75) {
        k = 1 + rnd(&t->rng) % nr;
        if (k == nr)
            k = 1;
        v[0] = 1 + rnd(&t->rng) % 512;
    } else if (c < 83) {
        k = nr + 1 + rnd(&t->rng) % 8;
        if (rnd(&t->rng) & 1)
            v[nr + rnd(&t->rng) % (k - nr)] = 1 + rnd(&t->rng) % 64;
        else
            v[0] = 1 + rnd(&t->rng) % 64;
    } else if (c < 88) {
        v[0] = UINT64_MAX - rnd(&t->rng) % 16;
        v[nr - 1 ? 1 : 0] += 17 + rnd(&t->rng) % 1000;
        if (nr == 1)
            v[0] = UINT64_MAX;      /* alone it cannot wrap: beyond instead */
    } else {
        /* all zeros */
    }
    *ret_k = k;
}

static void count(struct thr *t, enum op op, int r)
{
    t->counts[op][err_index(r)]++;
    t->ops++;
}

/* Reads d's claim back and compares it with the model. */
static int claim_matches(const struct dom *d, uint64_t *got, uint64_t *got_hw)
{
    int r = nodeaff_domain_get_claim(env.h, d->id, got, RIG_MAX_NODES, got_hw);

    if (r != (int)nr)
        return 0;
    return !memcmp(got, d->claim, nr * sizeof(*got)) && *got_hw == d->hostwide;
}

static void op_claim(struct thr *t, struct dom *d)
{
    uint64_t v[NR_VEC], got[RIG_MAX_NODES], hw = 0, avail = 0, total = 0;
    uint32_t short_node = 0, want_node = UINT32_MAX;
    unsigned int k;
    struct room room;
    int r, want, amb;

    pthread_mutex_lock(&model_lock);
    if ((r = read_room(t, d, &room))) {
        pthread_mutex_unlock(&model_lock);
        wrong(t, "reading the host's claims: %d", r);
        return;
    }
    draw_vector(t, d, &room, v, &k);
    want = predict_claim(d, v, k, &room, &amb, &want_node);
    r = nodeaff_domain_claim(env.h, d->id, v, k, &short_node, &avail);
    pthread_mutex_unlock(&model_lock);
    count(t, OP_CLAIM, r);

    if (amb && (r == 0 || r == -ENOMEM))
        t->ambiguous++;
    else if (r != want)
        wrong(t, "claim d%u %s (%u entries): %d, expected %d", d->id,
              fv(v, k < nr ? k : nr), k, r, want);
    else if (r == -ENOMEM && short_node != want_node)
        wrong(t, "claim d%u %s: -ENOMEM named node %d, expected %d", d->id,
              fv(v, nr), (int)short_node, (int)want_node);
    if (r == 0) {
        memset(d->claim, 0, sizeof(d->claim));
        for (unsigned int x = 0; x < k && x < nr; x++)
            total += d->claim[x] = v[x];
        d->claim_total = total;
    }
    /* Half the time the toolstack flow's next step: preferred affinity to
     * the claimed nodes, so populates draw on the claim (with automatic
     * affinity Xen alternates nodes, and pages taken elsewhere leave the
     * claim as it is: the model follows either way). */
    if (r == 0 && total && rnd(&t->rng) % 2) {
        struct nodeaff_nodemap *m = NULL;

        if (nodeaff_nodemap_new(nr, &m) == 0) {
            for (unsigned int x = 0; x < nr; x++)
                if (d->claim[x])
                    nodeaff_nodemap_set(m, x);
            if ((r = nodeaff_domain_set_affinity(env.h, d->id, m, 0)) != 0)
                wrong(t, "preferred affinity for d%u's claim: %d", d->id, r);
            nodeaff_nodemap_free(m);
        }
        r = 0;
    }
    /* Changed as the answer says, and only then. */
    if (!claim_matches(d, got, &hw))
        wrong(t, "claim d%u answered %d, its claim reads %s (host-wide %" PRIu64
              "), the model %s", d->id, r, fv(got, nr), hw,
              fv(d->claim, nr));
}

/*
 * After a populate stopped by max_pages: got is the model's claim with
 * exactly one page less on exactly one node (the extent assign_pages()
 * refused had consumed it), and the same host-wide claim.
 */
static int refused_extent_consumed(const struct dom *d, const uint64_t *got, uint64_t hw)
{
    unsigned int x, off = 0;

    if (hw != d->hostwide)
        return 0;
    for (x = 0; x < nr; x++) {
        if (got[x] == d->claim[x])
            continue;
        if (d->claim[x] == 0 || got[x] != d->claim[x] - 1)
            return 0;
        off++;
    }
    return off == 1;
}

static void op_populate(struct thr *t, struct dom *d)
{
    uint64_t p = 1 + rnd(&t->rng) % POP_MAX, before[RIG_MAX_NODES], after[RIG_MAX_NODES];
    uint64_t done = 0, got[RIG_MAX_NODES], hw = 0, want, room_free = 0;
    xen_pfn_t pfns[POP_MAX];
    struct room room;
    int r, must;

    /* Half the time, exactly what the claim still covers. */
    if (d->claim_total && d->claim_total <= POP_MAX && rnd(&t->rng) % 2)
        p = d->claim_total;
    /* The covering rule: own claims, or the host's room by its low bound. */
    pthread_mutex_lock(&model_lock);
    r = read_room(t, d, &room);
    pending[t->idx] = p;
    pthread_mutex_unlock(&model_lock);
    for (unsigned int x = 0; x < nr; x++)
        room_free += room.lo[x];
    want = d->max_pages > d->tot ? d->max_pages - d->tot : 0;
    if (want > p)
        want = p;
    must = !r && (p <= d->claim_total || (p + POP_MAX <= room_free && p + POP_MAX <=
                                            room.host_lo));

    if (rig_usage(env.h, d->id, before, RIG_MAX_NODES) != (int)nr)
        wrong(t, "usage of d%u before populate", d->id);
    for (uint64_t i = 0; i < p; i++)
        pfns[i] = t->next_gpfn++;
    errno = 0;
    r = xc_domain_populate_physmap(t->xch, d->id, (unsigned long)p, 0, 0, pfns);
    done = r > 0 ? (uint64_t)r : 0;
    r = done == p ? 0 : errno ? -errno : -ENOMEM;
    announce(t, 0);
    count(t, OP_POPULATE, r);
    if (done != want && must)
        wrong(t, "populate d%u %" PRIu64 " pages (claim %" PRIu64 ", max %" PRIu64
              ", tot %" PRIu64 "): %" PRIu64 " done, expected %" PRIu64 " (%d)",
              d->id, p, d->claim_total, d->max_pages, d->tot, done, want, r);
    else if (done > want)
        wrong(t, "populate d%u: %" PRIu64 " pages beyond max_pages", d->id, done - want);
    if (!must && done != want)
        t->ambiguous++;
    if (rig_usage(env.h, d->id, after, RIG_MAX_NODES) != (int)nr ||
        rig_sum(after, nr, NULL, 1) - rig_sum(before, nr, NULL, 1) != done) {
        t->pop_bad++;
        return;
    }
    d->tot += done;
    /* The claim on n is consumed by the pages that came from n. */
    for (unsigned int x = 0; x < nr; x++) {
        uint64_t added = after[x] - before[x], used = added < d->claim[x] ? added : d->claim[x];

        d->claim[x] -= used;
        d->claim_total -= used;
    }
    d->hostwide = sub0(d->hostwide, done);
    if (!claim_matches(d, got, &hw) &&
        !(done < p && d->tot >= d->max_pages && refused_extent_consumed(d, got, hw))) {
        t->consume_bad++;
        wrong(t, "populate d%u: %" PRIu64 " pages (%s added), claim reads %s host-wide %"
              PRIu64 ", the model %s host-wide %" PRIu64, d->id, done,
              fv(after, nr), fv(got, nr), hw,
              fv(d->claim, nr), d->hostwide);
        memcpy(d->claim, got, sizeof(d->claim));
        d->claim_total = rig_sum(got, nr, NULL, 1);
        d->hostwide = hw;
    } else if (memcmp(got, d->claim, nr * sizeof(*got))) {
        /* The documented exception: take Xen's figure and count it. */
        t->refused_extent++;
        memcpy(d->claim, got, sizeof(d->claim));
        d->claim_total = rig_sum(got, nr, NULL, 1);
    }
}

static void op_cancel(struct thr *t, struct dom *d)
{
    uint64_t got[RIG_MAX_NODES], hw = 0;
    int r;

    announce(t, d->claim_total);
    r = nodeaff_domain_cancel_claim(env.h, d->id);
    announce(t, 0);
    count(t, OP_CANCEL, r);
    if (r != 0)
        wrong(t, "cancel d%u: %d, expected 0", d->id, r);
    else {
        memset(d->claim, 0, sizeof(d->claim));
        d->claim_total = 0;
    }
    if (!claim_matches(d, got, &hw))
        wrong(t, "cancel d%u: claim reads %s, the model %s", d->id, fv(got, nr),
              fv(d->claim, nr));
}

static void op_get(struct thr *t, struct dom *d)
{
    uint64_t got[RIG_MAX_NODES], hw = 0;
    unsigned int room = rnd(&t->rng) % 4 ? nr + rnd(&t->rng) % 4 : rnd(&t->rng) % nr;
    int r = nodeaff_domain_get_claim(env.h, d->id, got, room, &hw);
    int want = room < nr ? -ENOBUFS : (int)nr;

    count(t, OP_GET, r);
    if (r != want)
        wrong(t, "get_claim d%u with room %u: %d, expected %d", d->id, room, r, want);
    else if (r > 0 && (memcmp(got, d->claim, nr * sizeof(*got)) || hw != d->hostwide))
        wrong(t, "get_claim d%u: %s host-wide %" PRIu64 ", the model %s host-wide %" PRIu64,
              d->id, fv(got, nr), hw, fv(d->claim, nr), d->hostwide);
}

/* Xen's host-wide XENMEM_claim_pages (what libxl's claim_mode uses):
 * pages is the domain's target total, so the claim is pages - tot. */
static void op_hostwide(struct thr *t, struct dom *d)
{
    uint64_t got[RIG_MAX_NODES], hw = 0, pages;
    struct room room;
    int r, want;

    pthread_mutex_lock(&model_lock);
    r = read_room(t, d, &room);
    if (r) {
        pthread_mutex_unlock(&model_lock);
        wrong(t, "reading the host's claims: %d", r);
        return;
    }
    switch (rnd(&t->rng) % 5) {
    case 0:
        pages = 0;                                      /* release */
        break;
    case 1:
        pages = d->tot + room.host_hi + 1 + rnd(&t->rng) % 1024;  /* too much */
        break;
    default:
        pages = d->tot + 1 + rnd(&t->rng) % 2048;
        break;
    }
    if (!pages)
        want = 0;
    else if (d->hostwide)
        want = -EINVAL;                                 /* one claim at a time */
    else if (d->claim_total)
        want = -EBUSY;                                  /* node claims held */
    else if (pages <= d->tot || pages > d->max_pages)
        want = -EINVAL;
    else if (pages - d->tot > room.host_hi)
        want = -ENOMEM;
    else if (pages - d->tot > room.host_lo)
        want = 1;                                       /* either */
    else
        want = 0;
    r = xc_domain_claim_pages(t->xch, d->id, (unsigned long)pages) ? -errno : 0;
    pthread_mutex_unlock(&model_lock);
    count(t, OP_HOSTWIDE, r);
    if (want == 1 && (r == 0 || r == -ENOMEM))
        t->ambiguous++;
    else if (r != want)
        wrong(t, "XENMEM_claim_pages d%u %" PRIu64 " (tot %" PRIu64 ", node claims %" PRIu64
              ", host-wide %" PRIu64 "): %d, expected %d", d->id, pages, d->tot,
              d->claim_total, d->hostwide, r, want);
    if (r == 0)
        d->hostwide = pages ? pages - d->tot : 0;
    /* A claim of 0 leaves node claims alone. */
    if (!claim_matches(d, got, &hw))
        wrong(t, "XENMEM_claim_pages d%u answered %d: claim %s host-wide %" PRIu64
              ", the model %s host-wide %" PRIu64, d->id, r, fv(got, nr), hw,
              fv(d->claim, nr), d->hostwide);
}

static void op_destroy(struct thr *t, struct dom *d)
{
    int r;

    announce(t, d->tot + d->claim_total + d->hostwide + CREATE_BOUND);
    r = rig_domain_destroy(t->xch, d->id);
    announce(t, 0);
    count(t, OP_DESTROY, r);
    if (r)
        wrong(t, "destroy d%u: %d", d->id, r);
    if (t->ndead < sizeof(t->dead) / sizeof(t->dead[0]))
        t->dead[t->ndead++] = d->id;
    memset(d, 0, sizeof(*d));
}

/* A destroyed domain: every claim call is -ESRCH. */
static void op_dead(struct thr *t)
{
    uint32_t id = t->dead[rnd(&t->rng) % t->ndead];
    uint64_t v[RIG_MAX_NODES], hw = 0;
    int r;

    for (unsigned int x = 0; x < nr; x++)
        v[x] = rnd(&t->rng) % 64;
    switch (rnd(&t->rng) % 3) {
    case 0:
        v[0] |= 1;
        r = nodeaff_domain_claim(env.h, id, v, nr, NULL, NULL);
        break;
    case 1:
        r = nodeaff_domain_cancel_claim(env.h, id);
        break;
    default:
        r = nodeaff_domain_get_claim(env.h, id, v, RIG_MAX_NODES, &hw);
        break;
    }
    count(t, OP_DEAD, r);
    if (r != -ESRCH)
        wrong(t, "claim call on destroyed d%u: %d, expected -ESRCH", id, r);
}

static void op_create(struct thr *t, struct dom *d)
{
    int id;

    announce(t, CREATE_BOUND);
    id = rig_domain_create(t->xch);
    count(t, OP_CREATE, id < 0 ? id : 0);
    if (id < 0) {
        announce(t, 0);
        wrong(t, "create: %d", id);
        return;
    }
    memset(d, 0, sizeof(*d));
    d->id = (uint32_t)id;
    d->max_pages = UINT32_MAX;
    {
        xc_domaininfo_t info;

        if (rnd(&t->rng) % 3 == 0 &&
            xc_domain_setmaxmem(t->xch, d->id, (uint64_t)LIMITED_MAX << 2) != 0)
            wrong(t, "setmaxmem d%u: %d", d->id, -errno);
        if (xc_domain_getinfolist(t->xch, d->id, 1, &info) == 1 && info.domain == d->id)
            d->max_pages = info.max_pages;
        else
            wrong(t, "getinfo d%u", d->id);
    }
    announce(t, 0);
}

/* One checkpoint, everything quiet: library, model and debug key 'u'. */
static void checkpoint(void)
{
    uint64_t hc[RIG_MAX_NODES], all = 0, sum[RIG_MAX_NODES] = { 0 }, sum_total = 0, hw = 0;
    uint32_t ids[THREADS * DOMS];
    const struct dom *doms[THREADS * DOMS];
    struct rig_claims_line lines[THREADS * DOMS], host;
    unsigned int nd = 0;
    int r, match = 0, bad = 0, ubad = 0;

    checkpoints++;
    for (int i = 0; i < THREADS; i++)
        for (int j = 0; j < DOMS; j++) {
            const struct dom *d = &thr[i].dom[j];
            uint64_t got[RIG_MAX_NODES], ghw = 0;

            if (!d->id)
                continue;
            doms[nd] = d;
            ids[nd++] = d->id;
            r = nodeaff_domain_get_claim(env.h, d->id, got, RIG_MAX_NODES, &ghw);
            if (r != (int)nr || memcmp(got, d->claim, nr * sizeof(*got)) || ghw != d->hostwide) {
                if (!bad++)
                    snprintf(cp_first_bad, sizeof(cp_first_bad), "checkpoint %u: d%u reads "
                             "%s host-wide %" PRIu64 " (%d), the model %s", checkpoints,
                             d->id, fv(got, nr), ghw, r,
                             fv(d->claim, nr));
            }
            for (unsigned int x = 0; x < nr; x++)
                sum[x] += d->claim[x];
            sum_total += d->claim_total;
            hw += d->hostwide;
        }
    r = nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all);
    if (r != (int)nr || memcmp(hc, sum, nr * sizeof(*hc)) || all != sum_total + hw) {
        if (!bad++)
            snprintf(cp_first_bad, sizeof(cp_first_bad), "checkpoint %u: host claims %s, all "
                     "%" PRIu64 " (%d); the domains' sum %s, all %" PRIu64, checkpoints,
                     fv(hc, nr), all, r, fv(sum, nr), sum_total + hw);
    }
    for (unsigned int x = 0; x < nr; x++)
        if (hc[x] > node_size[x])
            cp_range_bad++;
    if (all > host_pages)
        cp_range_bad++;
    cp_lib_bad += bad != 0;

    r = rig_debugkey_claims(env.xch, ids, nd, lines, &host, &match);
    if (r || match != 1 || memcmp(host.pages, hc, nr * sizeof(*hc)) ||
        host.total != rig_sum(hc, nr, NULL, 1) || host.other != all)
        ubad++;
    for (unsigned int i = 0; i < nd; i++)
        if (!lines[i].found || memcmp(lines[i].pages, doms[i]->claim, nr * sizeof(uint64_t)) ||
            lines[i].total != doms[i]->claim_total || lines[i].other != doms[i]->hostwide)
            ubad++;
    if (ubad && !cp_u_bad)
        tap_diag("checkpoint %u: debug key 'u' (%d, verdict %d): host %s (node claims %"
                 PRIu64 ", all %" PRIu64 "), the library %s (all %" PRIu64 ")", checkpoints,
                 r, match, fv(host.pages, nr), host.total, host.other,
                 fv(hc, nr), all);
    cp_u_bad += ubad != 0;
    cp_u_seen += nd;
    tap_diag("checkpoint %u: %u live domains, host claims %s, all claims %" PRIu64
             "; debug key 'u' %s", checkpoints, nd, fv(hc, nr), all,
             ubad ? "DISAGREES" : "agrees, counters match");
}

static void *thread_main(void *arg)
{
    struct thr *t = arg;

    for (unsigned int i = 0; i < ops_per_thread; i++) {
        struct dom *d = NULL;
        unsigned int c;

        for (int j = 0; j < DOMS; j++)
            if (!t->dom[j].id) {
                op_create(t, &t->dom[j]);
                goto next;
            }
        d = &t->dom[rnd(&t->rng) % DOMS];
        c = rnd(&t->rng) % 100;
        if (c < 38)
            op_claim(t, d);
        else if (c < 60)
            op_populate(t, d);
        else if (c < 70)
            op_cancel(t, d);
        else if (c < 78)
            op_get(t, d);
        else if (c < 86)
            op_hostwide(t, d);
        else if (c < 92 && t->ndead)
            op_dead(t);
        else
            op_destroy(t, d);
next:
        if (i % CHECK_EVERY == CHECK_EVERY - 1 || i == ops_per_thread - 1) {
            if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
                checkpoint();
            pthread_barrier_wait(&barrier);
        }
    }
    return NULL;
}

static void print_counts(const char *who, unsigned int c[OP_MAX][NERR + 1])
{
    char line[400];

    for (int op = 0; op < OP_MAX; op++) {
        int len = snprintf(line, sizeof(line), "%s %-9s", who, op_name[op]);

        for (unsigned int e = 0; e <= NERR; e++)
            if (c[op][e])
                len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%u",
                                err_name[e], c[op][e]);
        tap_diag("%s", line);
    }
}

static void run_threads(uint64_t seed)
{
    static unsigned int c[OP_MAX][NERR + 1];
    unsigned int total = 0, wrongs = 0, amb = 0, consume_bad = 0, pop_bad = 0, created = 0;
    unsigned int refused_extent = 0;
    const char *first = NULL;
    struct timespec t0, t1;

    pthread_barrier_init(&barrier, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        thr[i].idx = i;
        thr[i].rng = seed * 0x9e3779b97f4a7c15ULL + (uint64_t)i + 1;
        thr[i].xch = rig_xc_open();
        thr[i].next_gpfn = 0x100000;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&thr[i].tid, NULL, thread_main, &thr[i]);
    for (int i = 0; i < THREADS; i++)
        pthread_join(thr[i].tid, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (int i = 0; i < THREADS; i++) {
        struct thr *t = &thr[i];

        for (int op = 0; op < OP_MAX; op++)
            for (unsigned int e = 0; e <= NERR; e++)
                c[op][e] += t->counts[op][e];
        total += t->ops;
        wrongs += t->wrong;
        amb += t->ambiguous;
        consume_bad += t->consume_bad;
        refused_extent += t->refused_extent;
        pop_bad += t->pop_bad;
        created += t->counts[OP_CREATE][0];
        if (t->wrong && !first)
            first = t->first_wrong;
    }
    print_counts("threads", c);
    tap_diag("%u calls by %d threads in %.1f s, %u domains created, %u calls where "
             "concurrency allowed 0 or -ENOMEM", total, THREADS,
             (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, created, amb);
    tap_ok(total == THREADS * ops_per_thread && wrongs == 0,
           "threads: %u calls, each returned what the model predicts (%u did not%s%s)",
           total, wrongs, first ? "; first: " : "", first ? first : "");
    tap_ok(c[OP_CLAIM][0] && c[OP_CLAIM][err_index(-ENOMEM)] &&
           c[OP_CLAIM][err_index(-EINVAL)] && c[OP_CLAIM][err_index(-ERANGE)] &&
           c[OP_CLAIM][err_index(-EOVERFLOW)] && c[OP_CLAIM][err_index(-EBUSY)] &&
           c[OP_DEAD][err_index(-ESRCH)] && c[OP_HOSTWIDE][err_index(-EBUSY)],
           "threads: claims covered 0, -ENOMEM, -EINVAL, -ERANGE, -EOVERFLOW, -EBUSY; "
           "destroyed domains -ESRCH; XENMEM_claim_pages -EBUSY");
    tap_diag("%u populates stopped at max_pages consumed one claimed page for the extent "
             "Xen then refused (0008's documented limit; exactly one page, one node)",
             refused_extent);
    tap_ok(pop_bad == 0 && consume_bad == 0,
           "threads: every populate consumed min(claim, pages added) per node, by usage "
           "(%u usage reads off, %u consumptions off)", pop_bad, consume_bad);
    tap_ok(checkpoints > 0 && cp_lib_bad == 0,
           "threads: at %u checkpoints host claims per node = the live domains' sum = the "
           "model, all claims = node + host-wide (%u off%s%s)", checkpoints, cp_lib_bad,
           cp_lib_bad ? "; first: " : "", cp_lib_bad ? cp_first_bad : "");
    tap_ok(cp_range_bad == 0, "threads: no claim counter above the host's memory (none "
           "negative or wrapped) at any checkpoint (%u off)", cp_range_bad);
    tap_ok(checkpoints > 0 && cp_u_bad == 0,
           "threads: debug key 'u' agreed at %u of %u checkpoints (%u domain lines, the "
           "host's line and \"claim counters match\")", checkpoints - cp_u_bad, checkpoints,
           cp_u_seen);
}

/* --- part 1b: claims racing destroy ---------------------------------------- */

#define RACE_ROUNDS 40

struct racer {
    uint32_t id;
    uint64_t rng;
    unsigned int ok, srch, other;
    int other_rc;
};

/* Claims (and now and then cancels) on one domain until it is gone. */
static void *claim_until_gone(void *arg)
{
    struct racer *rc = arg;
    uint64_t v[RIG_MAX_NODES];

    for (;;) {
        int r;

        memset(v, 0, sizeof(v));
        v[rnd(&rc->rng) % nr] = 1 + rnd(&rc->rng) % 256;
        r = rnd(&rc->rng) % 4 ? nodeaff_domain_claim(env.h, rc->id, v, nr, NULL, NULL)
                              : nodeaff_domain_cancel_claim(env.h, rc->id);
        if (r == 0) {
            rc->ok++;
        } else if (r == -ESRCH) {
            rc->srch++;
            return NULL;
        } else {
            rc->other++;
            rc->other_rc = r;
            return NULL;
        }
    }
}

/* A domain destroyed while another thread claims on it: every claim is
 * 0 or -ESRCH (documented: unknown or dying domain), and once the
 * destroy returns no claim of it is left, whichever came last. */
static void race_destroy(uint64_t seed)
{
    unsigned int ok = 0, srch = 0, other = 0, leaks = 0, rounds = 0;
    int other_rc = 0;

    for (int i = 0; i < RACE_ROUNDS; i++) {
        struct racer rc = { 0 };
        pthread_t tid;
        uint64_t hc[RIG_MAX_NODES], all = 0, r64 = seed + (uint64_t)i;
        int id = rig_domain_create(env.xch);

        if (id < 0)
            tap_bail("race: create: %d", id);
        rc.id = (uint32_t)id;
        rc.rng = seed * 31 + (uint64_t)i + 1;
        pthread_create(&tid, NULL, claim_until_gone, &rc);
        usleep(rnd(&r64) % 20000);
        if (rig_domain_destroy(env.xch, (uint32_t)id))
            tap_bail("race: destroy d%d", id);
        pthread_join(tid, NULL);
        rounds++;
        ok += rc.ok;
        srch += rc.srch;
        other += rc.other;
        if (rc.other)
            other_rc = rc.other_rc;
        if (nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all) != (int)nr ||
            rig_sum(hc, nr, NULL, 1) || all)
            leaks++;
    }
    tap_diag("race: %u rounds, %u claims/cancels 0, %u -ESRCH, %u other", rounds, ok, srch,
             other);
    tap_ok(other == 0 && srch == rounds,
           "race: claims on a domain being destroyed: only 0 or -ESRCH (%u other, last %d), "
           "each claimer saw -ESRCH at the end", other, other_rc);
    tap_ok(leaks == 0, "race: after each destroy no claim left on the host (%u rounds with "
           "one)", leaks);
}

/* --- part 2: the raw fuzz ------------------------------------------------ */

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)
#define PAGES_OFF ALIGN8(sizeof(struct xen_domctl))
#define FUZZ_VEC 128
#define BUF_SIZE (PAGES_OFF + FUZZ_VEC * 8)

struct raw {
    xencall_handle *call;
    unsigned char *buf;
};

static int raw_call(struct raw *raw)
{
    int r = xencall1(raw->call, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)raw->buf);

    return r < 0 ? -errno : r;
}

struct fdom {
    const char *what;
    uint32_t id;
    int live;
    struct dom m;
};

enum fcnt { C_ZERO, C_SMALL, C_BELOW, C_ABOVE, C_BEYOND, C_HUGE, C_WRAP, C_RANDOM, C_MAX };
static const char *fcnt_name[C_MAX] = { "0", "small", "just below room", "just above room",
                                        "beyond free", "huge", "near 2^64", "random 64-bit" };

static void fuzz(uint64_t seed, unsigned int calls)
{
    struct raw raw;
    uint64_t rng = seed ^ 0x5bd1e995u, *vec;
    struct fdom fd[5];
    unsigned int counts[3][NERR + 1], kinds[C_MAX] = { 0 }, total = 0, wrongs = 0,
                 changed = 0, outbad = 0, amb = 0;
    char first[360] = "";
    int nfd = 0;

    memset(counts, 0, sizeof(counts));
    raw.call = xencall_open(NULL, 0);
    if (!raw.call)
        tap_bail("xencall_open: %s", strerror(errno));
    raw.buf = xencall_alloc_buffer(raw.call, BUF_SIZE);
    if (!raw.buf)
        tap_bail("xencall_alloc_buffer: %s", strerror(errno));
    vec = (uint64_t *)(raw.buf + PAGES_OFF);

    /* The targets: unlimited, limited max_pages, with a host-wide claim,
     * destroyed, never created. */
    for (int i = 0; i < 3; i++) {
        int id = rig_domain_create(env.xch);
        xc_domaininfo_t info;

        if (id < 0)
            tap_bail("fuzz: create: %d", id);
        memset(&fd[nfd], 0, sizeof(fd[nfd]));
        fd[nfd].id = fd[nfd].m.id = (uint32_t)id;
        fd[nfd].live = 1;
        fd[nfd].what = i == 0 ? "unlimited" : i == 1 ? "max 4096 pages" : "host-wide claim";
        if (i == 1)
            xc_domain_setmaxmem(env.xch, (uint32_t)id, (uint64_t)LIMITED_MAX << 2);
        if (i == 2) {
            if (xc_domain_claim_pages(env.xch, (uint32_t)id, 1000))
                tap_bail("fuzz: XENMEM_claim_pages: %s", strerror(errno));
            fd[nfd].m.hostwide = 1000;
        }
        if (xc_domain_getinfolist(env.xch, (uint32_t)id, 1, &info) != 1)
            tap_bail("fuzz: getinfo");
        fd[nfd].m.max_pages = info.max_pages;
        nfd++;
    }
    {
        int id = rig_domain_create(env.xch);

        if (id < 0 || rig_domain_destroy(env.xch, (uint32_t)id))
            tap_bail("fuzz: create/destroy");
        memset(&fd[nfd], 0, sizeof(fd[nfd]));
        fd[nfd].what = "destroyed";
        fd[nfd++].id = (uint32_t)id;
        memset(&fd[nfd], 0, sizeof(fd[nfd]));
        fd[nfd].what = "never created";
        fd[nfd++].id = NO_SUCH_DOMAIN;
    }

    for (unsigned int i = 0; i < calls; i++) {
        struct xen_domctl_nodeaff *op = (void *)raw.buf;
        unsigned int c = rnd(&rng) % 100, which = rnd(&rng) % 100;
        struct fdom *f = &fd[which < 40 ? 0 : which < 65 ? 1 : which < 80 ? 2
                            : which < 90 ? 3 : 4];
        uint32_t cmd = c < 85 ? XEN_DOMCTL_nodeaff_set_claim
                       : c < 93 ? XEN_DOMCTL_nodeaff_get_claim
                                : XEN_DOMCTL_nodeaff_get_host_claims;
        int ci = cmd == XEN_DOMCTL_nodeaff_set_claim ? 0
                 : cmd == XEN_DOMCTL_nodeaff_get_claim ? 1 : 2;
        uint32_t domid = f->id, want_node = 0;
        uint64_t hc0[RIG_MAX_NODES], all0 = 0, hc1[RIG_MAX_NODES], all1 = 0,
                 dc[RIG_MAX_NODES], dhw = 0, free_p[RIG_MAX_NODES], room[RIG_MAX_NODES],
                 host_room, sum = 0, own = 0;
        unsigned int n = 0, k;
        int bad_handle = 0, pad = 0, node_field = 0, version = 0, want, r, amb_this = 0;
        int wrap = 0;

        /* The host now, and the target's room on every node. */
        if (rig_numainfo(env.xch, free_p, NULL, &n) ||
            nodeaff_host_claims(env.h, hc0, RIG_MAX_NODES, &all0) != (int)nr)
            tap_bail("fuzz: reading the host");
        host_room = 0;
        for (unsigned int x = 0; x < nr; x++) {
            room[x] = sub0(free_p[x], sub0(hc0[x], f->m.claim[x]));
            host_room += free_p[x];
        }
        host_room = sub0(host_room, sub0(all0, f->m.claim_total));

        memset(raw.buf, 0, BUF_SIZE);
        op->cmd = cmd;
        op->interface_version = XEN_DOMCTL_NODEAFF_VERSION;
        op->domain = (domid_t)domid;
        if (cmd == XEN_DOMCTL_nodeaff_get_host_claims)
            op->domain = rnd(&rng) % 4 ? DOMID_INVALID : (domid_t)domid;
        if (rnd(&rng) % 60 == 0) {
            version = 1;
            op->interface_version = rnd(&rng) % 2 ? XEN_DOMCTL_INTERFACE_VERSION
                                                  : XEN_DOMCTL_NODEAFF_VERSION + 1;
        }
        if (rnd(&rng) % 30 == 0) {
            pad = 1;
            op->_pad[rnd(&rng) % 3] = (uint16_t)(1 + rnd(&rng) % 0xffff);
        }
        if (rnd(&rng) % 30 == 0) {
            node_field = 1;
            op->u.claim.node = 1 + rnd(&rng) % UINT32_MAX;
        }
        /* OUT fields given garbage: ignored on the way in. */
        op->u.claim.total = rnd64(&rng);
        op->u.claim.global = rnd64(&rng);
        op->u.claim.avail = rnd64(&rng);

        c = rnd(&rng) % 100;
        k = c < 10 ? 0 : c < 65 ? nr : c < 75 ? rnd(&rng) % nr
            : c < 90 ? nr + 1 + rnd(&rng) % (FUZZ_VEC - nr) : UINT32_MAX - rnd(&rng) % 4;
        op->u.claim.nr_nodes = k;
        c = rnd(&rng) % 100;
        if (c < 3)
            set_xen_guest_handle_raw(op->u.claim.pages, (void *)NULL);
        else if (c < 6)
            set_xen_guest_handle_raw(op->u.claim.pages, (void *)(uintptr_t)0x1000);
        else if (c < 8)
            set_xen_guest_handle_raw(op->u.claim.pages,
                                     (void *)(uintptr_t)0xffff830000000000ULL);
        else
            set_xen_guest_handle_raw(op->u.claim.pages, vec);
        bad_handle = c < 8;

        for (unsigned int x = 0; x < FUZZ_VEC; x++) {
            enum fcnt kc = (enum fcnt)(x < nr ? rnd(&rng) % C_MAX
                                              : rnd(&rng) % 4 ? C_ZERO : C_SMALL);

            switch (kc) {
            case C_ZERO: vec[x] = 0; break;
            case C_SMALL: vec[x] = 1 + rnd(&rng) % 512; break;
            case C_BELOW: vec[x] = sub0(room[x], 256 + rnd(&rng) % 256); break;
            case C_ABOVE: vec[x] = room[x] + 256 + rnd(&rng) % 256; break;
            case C_BEYOND: vec[x] = free_p[x] + host_pages + rnd(&rng) % (1u << 20); break;
            case C_HUGE: vec[x] = (1ULL << (33 + rnd(&rng) % 29)) + rnd(&rng); break;
            case C_WRAP: vec[x] = UINT64_MAX - rnd(&rng) % 4096; break;
            default: vec[x] = rnd64(&rng); break;
            }
            if (x < nr && x < k)
                kinds[kc]++;
        }

        /* What the hypervisor must answer, in the order it checks. */
        if (version)
            want = -EACCES;
        else if (cmd == XEN_DOMCTL_nodeaff_get_host_claims)
            want = op->domain != DOMID_INVALID || pad || node_field ? -EINVAL
                   : k < nr ? -ENOBUFS : bad_handle ? -EFAULT : 0;
        else if (!f->live)
            want = -ESRCH;
        else if (pad || node_field)
            want = -EINVAL;
        else if (cmd == XEN_DOMCTL_nodeaff_get_claim)
            want = k < nr ? -ENOBUFS : bad_handle ? -EFAULT : 0;
        else if (k == 0)
            want = 0;                   /* cancel: nothing read */
        else if (k > nr)
            want = -EINVAL;
        else if (k < nr)
            want = -ENOBUFS;
        else if (bad_handle)
            want = -EFAULT;
        else {
            for (unsigned int x = 0; x < nr && !wrap; x++) {
                if (vec[x] > UINT64_MAX - sum)
                    wrap = 1;
                sum += vec[x];
            }
            want = 0;
            if (wrap)
                want = -EOVERFLOW;
            else if (!sum)
                want = 0;
            else if (f->m.hostwide)
                want = -EBUSY;
            else if (sum > f->m.max_pages || f->m.tot > f->m.max_pages - sum)
                want = -EINVAL;
            else {
                for (unsigned int x = 0; x < nr && !want; x++) {
                    if (!vec[x])
                        continue;
                    /* Within 64 pages of the room: late frees decide. */
                    if (vec[x] + 64 > room[x] && vec[x] <= room[x] + 64)
                        amb_this = 1;
                    if (vec[x] > room[x]) {
                        want = -ENOMEM;
                        want_node = x;
                    }
                }
                if (sum + 64 > host_room && sum <= host_room + 64)
                    amb_this = 1;
                if (!want && sum > host_room) {
                    want = -ENOMEM;
                    want_node = XEN_NODEAFF_CLAIM_HOST;
                }
            }
        }

        r = raw_call(&raw);
        counts[ci][err_index(r)]++;
        total++;
        if (amb_this && (r == 0 || r == -ENOMEM)) {
            amb++;
        } else if (r != want) {
            if (!wrongs++)
                snprintf(first, sizeof(first), "%s on d%u (%s), nr_nodes %u, version %d "
                         "pad %d node %d handle %s, %s: %d, expected %d",
                         ci == 0 ? "set_claim" : ci == 1 ? "get_claim" : "get_host_claims",
                         domid, f->what, k, version, pad, node_field,
                         bad_handle ? "bad" : "good", fv(vec, nr), r, want);
        }
        /* What comes back. */
        if (r == -ENOBUFS && op->u.claim.nr_nodes != nr)
            outbad++;
        if (r == -ENOMEM && want == -ENOMEM &&
            (op->u.claim.node != want_node ||
             op->u.claim.avail < (want_node == XEN_NODEAFF_CLAIM_HOST ? host_room
                                                                      : room[want_node]) ||
             op->u.claim.avail > (want_node == XEN_NODEAFF_CLAIM_HOST ? host_room
                                                                      : room[want_node]) +
                                 LATE_FREE))
            outbad++;
        if (r == 0 && ci == 0)
            for (unsigned int x = 0; x < nr && k; x++)
                own += vec[x];
        /* The new claim's total and the domain's host-wide claim (a
         * cancel by nr_nodes 0 too: total 0). */
        if (r == 0 && ci == 0 &&
            (op->u.claim.total != own || op->u.claim.global != f->m.hostwide))
            outbad++;

        /* The model, and nothing else changed. */
        if (r == 0 && ci == 0) {
            memset(f->m.claim, 0, sizeof(f->m.claim));
            f->m.claim_total = 0;
            for (unsigned int x = 0; x < nr && k; x++) {
                f->m.claim[x] = vec[x];
                f->m.claim_total += vec[x];
            }
        }
        if (nodeaff_host_claims(env.h, hc1, RIG_MAX_NODES, &all1) != (int)nr)
            tap_bail("fuzz: reading the host");
        {
            uint64_t expect[RIG_MAX_NODES], expect_all = 0;

            for (unsigned int x = 0; x < nr; x++) {
                expect[x] = 0;
                for (int j = 0; j < nfd; j++)
                    expect[x] += fd[j].live ? fd[j].m.claim[x] : 0;
            }
            for (int j = 0; j < nfd; j++)
                expect_all += fd[j].live ? fd[j].m.claim_total + fd[j].m.hostwide : 0;
            if (memcmp(hc1, expect, nr * sizeof(*hc1)) || all1 != expect_all)
                changed++;
        }
        if (f->live && (nodeaff_domain_get_claim(env.h, domid, dc, RIG_MAX_NODES, &dhw) !=
                            (int)nr ||
                        memcmp(dc, f->m.claim, nr * sizeof(*dc)) || dhw != f->m.hostwide)) {
            changed++;
            /* Resynchronise, so one miss is one count. */
            memcpy(f->m.claim, dc, sizeof(f->m.claim));
            f->m.claim_total = rig_sum(dc, nr, NULL, 1);
            f->m.hostwide = dhw;
        }
        /* Now and then, populate a little so claims get consumed too. */
        if (f->live && f != &fd[2] && rnd(&rng) % 20 == 0) {
            uint64_t done = 0, before[RIG_MAX_NODES], after[RIG_MAX_NODES];

            rig_usage(env.h, domid, before, RIG_MAX_NODES);
            rig_populate(env.xch, domid, 1 + rnd(&rng) % 256, &done);
            rig_usage(env.h, domid, after, RIG_MAX_NODES);
            f->m.tot += done;
            for (unsigned int x = 0; x < nr; x++) {
                uint64_t a = after[x] - before[x], u = a < f->m.claim[x] ? a : f->m.claim[x];

                f->m.claim[x] -= u;
                f->m.claim_total -= u;
            }
        }
    }

    {
        char line[400];
        static const char *cn[3] = { "set_claim", "get_claim", "get_host_claims" };

        for (int ci = 0; ci < 3; ci++) {
            int len = snprintf(line, sizeof(line), "fuzz %-15s", cn[ci]);

            for (unsigned int e = 0; e <= NERR; e++)
                if (counts[ci][e])
                    len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%u",
                                    err_name[e], counts[ci][e]);
            tap_diag("%s", line);
        }
        {
            int len = snprintf(line, sizeof(line), "fuzz counts drawn:");

            for (int kc = 0; kc < C_MAX; kc++)
                len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%u",
                                fcnt_name[kc], kinds[kc]);
            tap_diag("%s", line);
        }
    }
    tap_ok(wrongs == 0, "fuzz: %u raw calls, each answered the errno public/nodeaff.h "
           "documents (%u did not, %u within 64 pages of the room either way%s%s)", total,
           wrongs, amb, wrongs ? "; first: " : "", first);
    tap_ok(counts[0][0] && counts[0][err_index(-EINVAL)] && counts[0][err_index(-ENOBUFS)] &&
           counts[0][err_index(-EFAULT)] && counts[0][err_index(-EOVERFLOW)] &&
           counts[0][err_index(-ENOMEM)] && counts[0][err_index(-EBUSY)] &&
           counts[0][err_index(-ESRCH)] && counts[0][err_index(-EACCES)],
           "fuzz: set_claim covered 0, -EINVAL, -ENOBUFS, -EFAULT, -EOVERFLOW, -ENOMEM, "
           "-EBUSY, -ESRCH, -EACCES");
    tap_ok(changed == 0, "fuzz: domain and host claims changed only on 0, as the vector "
           "said (%u calls off)", changed);
    tap_ok(outbad == 0, "fuzz: -ENOBUFS gave the node count, -ENOMEM the first short node "
           "and its room, 0 the new total and the host-wide claim (%u off)", outbad);

    /* The exact boundary, on the unlimited domain, nothing else moving. */
    {
        struct fdom *f = &fd[0];
        uint64_t free_p[RIG_MAX_NODES], hc[RIG_MAX_NODES], all = 0, v[RIG_MAX_NODES] = { 0 },
                 avail = 0, got[RIG_MAX_NODES], hw = 0;
        uint32_t node = 0;
        unsigned int n = 0, x = nr - 1;
        int r1, r2 = -1, r3 = -1;

        uint64_t want0;

        for (int j = 0; j < 2; j++)
            nodeaff_domain_cancel_claim(env.h, fd[j].id);
        rig_numainfo(env.xch, free_p, NULL, &n);
        nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all);
        want0 = sub0(free_p[x], hc[x]);
        v[x] = want0 + 1;
        r1 = nodeaff_domain_claim(env.h, f->id, v, nr, &node, &avail);
        if (r1 == -ENOMEM && node == x) {
            v[x] = avail;
            r2 = nodeaff_domain_claim(env.h, f->id, v, nr, NULL, NULL);
            v[x] = avail + 1;
            r3 = nodeaff_domain_claim(env.h, f->id, v, nr, NULL, NULL);
        }
        nodeaff_domain_get_claim(env.h, f->id, got, RIG_MAX_NODES, &hw);
        /* Late frees may only have added to the room since it was read. */
        tap_ok(r1 == -ENOMEM && node == x && avail >= want0 && avail <= want0 + LATE_FREE &&
               r2 == 0 && r3 == -ENOMEM && got[x] == avail,
               "boundary on node %u: room (%" PRIu64 ") + 1 pages -ENOMEM (%d) naming it "
               "with room %" PRIu64 ", exactly the room 0 (%d), one more -ENOMEM (%d) "
               "keeping the claim (%" PRIu64 ")", x, want0, r1, avail, r2, r3, got[x]);
        nodeaff_domain_cancel_claim(env.h, f->id);
    }

    for (int j = 0; j < nfd; j++)
        if (fd[j].live)
            rig_domain_destroy(env.xch, fd[j].id);
    xencall_free_buffer(raw.call, raw.buf);
    xencall_close(raw.call);
}

int main(int argc, char **argv)
{
    const char *seed_env = getenv("NODEAFF_CLAIMS_SEED"), *step = NULL;
    const char *ops_env = getenv("NODEAFF_CLAIMS_OPS"), *fuzz_env = getenv("NODEAFF_CLAIMS_FUZZ");
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : DEFAULT_SEED;
    uint64_t base[RIG_MAX_NODES], hc[RIG_MAX_NODES], all = 0, missing = 0, excess = 0;
    unsigned int fuzz_calls = fuzz_env ? (unsigned int)strtoul(fuzz_env, NULL, 0) : DEFAULT_FUZZ;
    int r;

    rig_env_open(&env, argc, argv);
    if (env.features < 0 || !(env.features & NODEAFF_FEATURE_CLAIMS)) {
        tap_skip("no node claims on this hypervisor (features 0x%x): nothing to stress",
                 (unsigned int)env.features);
        rig_env_close(&env);
        return tap_done();
    }
    if (ops_env)
        ops_per_thread = (unsigned int)strtoul(ops_env, NULL, 0);
    if (!ops_per_thread)
        ops_per_thread = 1;
    {
        unsigned int n = 0;
        uint64_t f[RIG_MAX_NODES];

        if (rig_numainfo(env.xch, f, node_size, &n))
            tap_bail("numainfo");
        nr = n;
        for (unsigned int x = 0; x < nr; x++)
            host_pages += node_size[x] == UINT64_MAX ? 0 : node_size[x];
    }
    tap_diag("seed %" PRIu64 " (NODEAFF_CLAIMS_SEED=%" PRIu64 " repeats these inputs); "
             "%d threads x %u calls, %d domains each; %u fuzz calls; %u node ids",
             seed, seed, THREADS, ops_per_thread, DOMS, fuzz_calls, nr);

    rig_free_settled(&env, base);
    r = nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all);
    tap_ok(r == (int)nr && rig_sum(hc, nr, NULL, 1) == 0 && all == 0,
           "before: no claims on the host (%s, all %" PRIu64 ")", fv(hc, nr), all);

    run_threads(seed);
    for (int i = 0; i < THREADS; i++) {
        for (int j = 0; j < DOMS; j++)
            if (thr[i].dom[j].id)
                rig_domain_destroy(thr[i].xch, thr[i].dom[j].id);
        xc_interface_close(thr[i].xch);
    }

    race_destroy(seed);
    fuzz(seed, fuzz_calls);

    r = nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all);
    tap_ok(r == (int)nr && rig_sum(hc, nr, NULL, 1) == 0 && all == 0,
           "after: every domain destroyed, host claims %s, all claims %" PRIu64, 
           fv(hc, nr), all);
    {
        uint32_t none = 0;
        struct rig_claims_line dom0, host;
        int match = 0;

        r = rig_debugkey_claims(env.xch, &none, 1, &dom0, &host, &match);
        tap_ok(r == 0 && match == 1 && host.total == 0 && host.other == 0,
               "after: debug key 'u': host node claims %" PRIu64 ", all claims %" PRIu64
               ", counters match (%d, %d)", host.total, host.other, r, match);
    }
    r = rig_fresh_domain_works(&env, &step);
    tap_ok(r == 0, "hypervisor healthy: a fresh domain works (%s: %d)", step, r);
    rig_free_missing(env.xch, base, nr, &missing, &excess);
    tap_ok(missing <= RIG_XEN_KEEPS, "free memory back at baseline (%llu missing, %llu above; "
           "Xen may keep %d)", (unsigned long long)missing, (unsigned long long)excess,
           RIG_XEN_KEEPS);
    rig_env_close(&env);
    return tap_done();
}
