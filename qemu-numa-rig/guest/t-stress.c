/* A seeded stress loop over every domain call, valid input and invalid.
 *
 * CALLS random calls of set (strict, preferred, unknown flags) / get /
 * get_state / reset / usage, with random node maps (valid subsets, empty,
 * NULL, a node beyond the host, an absent node id below 64, oversized maps
 * holding only valid nodes, a memory-less node alone) and random domain
 * ids (live test domains, dom0, destroyed ones, ids never used, the
 * reserved ids from DOMID_FIRST_RESERVED up, values beyond 16 bits).  The
 * test domains are destroyed and replaced as it runs, so ids go stale.
 *
 * Every call's result is predicted from its input by the documented rules
 * (include/nodeaff.h: argument checks first, in the order the library
 * makes them, then -EOPNOTSUPP without the series, then -ESRCH, then the
 * hypervisor's -EINVAL for a strict set with no memory) and must be
 * exactly that.  A successful set must read back (mask and mode) and a
 * reset must read back automatic; usage of a test domain must count its
 * pages.  The hypervisor must still work at the end (a fresh domain, debug
 * key 'u'), dom0's affinity must be what it was, and free memory must be
 * back at its baseline.  Counts per errno are printed for the README.
 *
 * The seed is fixed, so the figures are reproducible; set
 * NODEAFF_STRESS_SEED to explore others (it is printed either way). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rig-guest.h"
#include "tap.h"

#define CALLS 20000
#define NDOM 4
#define DOM_PAGES 64
#define REPLACE_EVERY 1000      /* calls between destroying a test domain */
#define LIMIT 0x7ff0u           /* DOMID_FIRST_RESERVED */
#define DEFAULT_SEED 20261124u

enum op { OP_SET, OP_GET, OP_STATE, OP_RESET, OP_USAGE, OP_MAX };
static const char *op_name[OP_MAX] = { "set", "get", "get_state", "reset", "usage" };

/* The errnos worth a column; anything else lands in "other". */
static const int errs[] = { 0, EINVAL, ERANGE, ESRCH, ENOBUFS, EOPNOTSUPP, EPERM };
static const char *err_name[] = { "0", "EINVAL", "ERANGE", "ESRCH", "ENOBUFS",
                                  "EOPNOTSUPP", "EPERM", "other" };
#define NERR (sizeof(errs) / sizeof(errs[0]))

static uint64_t rng;

static uint32_t rnd(void)
{
    /* xorshift64*: enough for picking cases, and the same everywhere. */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

static unsigned int err_index(int r)
{
    for (unsigned int i = 0; i < NERR; i++)
        if (r == -errs[i] || (i == 0 && r >= 0))
            return i;
    return NERR;
}

struct dom {
    uint32_t id;
    uint64_t pages;
};

struct stress {
    struct rig_env *env;
    struct dom live[NDOM];
    uint32_t dead[64];
    unsigned int ndead;
    unsigned int counts[OP_MAX][NERR + 1];
    unsigned int wrong, readback_bad, usage_bad, zombie, kinds[8];
    char first_wrong[300];
};

static int is_live(const struct stress *s, uint32_t id, uint64_t *ret_pages)
{
    for (int i = 0; i < NDOM; i++)
        if (s->live[i].id == id) {
            if (ret_pages)
                *ret_pages = s->live[i].pages;
            return 1;
        }
    return id == 0;
}

/* A random domain id, and what it is. */
static uint32_t pick_domid(struct stress *s)
{
    static const uint32_t reserved[] = { 0x7ff0, 0x7ff1, 0x7ff2, 0x7ff3, 0x7ff4, 0x7ff5,
                                         0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000,
                                         0x17ff0, 0x7fffffff, 0xffffffffu };
    unsigned int c = rnd() % 100;

    if (c < 50)
        return s->live[rnd() % NDOM].id;
    if (c < 60)
        return 0;
    if (c < 70 && s->ndead)
        return s->dead[rnd() % s->ndead];
    if (c < 80) {
        /* Never used: above anything the rig creates, below the limit. */
        return 0x1000 + rnd() % (LIMIT - 0x1000);
    }
    if (c < 90)
        return reserved[rnd() % (sizeof(reserved) / sizeof(reserved[0]))];
    return LIMIT + rnd() % (UINT32_MAX - LIMIT);
}

enum kind { K_VALID, K_EMPTY, K_NULL, K_BEYOND, K_ABSENT, K_OVERSIZE, K_MEMLESS, K_MAX };
static const char *kind_name[K_MAX] = { "valid", "empty", "NULL", "beyond the host",
                                        "absent id < 64", "oversized map",
                                        "memory-less node" };

/* A random node map; *ret_kind says which case it is. */
static struct nodeaff_nodemap *pick_map(struct stress *s, int *ret_kind)
{
    const struct rig_env *env = s->env;
    struct nodeaff_nodemap *m = NULL;
    unsigned int c = rnd() % 100, n = env->nr_nodes, memless = UINT32_MAX;
    int kind;

    for (unsigned int x = 0; x < n; x++)
        if (!env->mem_bytes[x])
            memless = x;
    if (c < 45)
        kind = K_VALID;
    else if (c < 55)
        kind = K_EMPTY;
    else if (c < 60)
        kind = K_NULL;
    else if (c < 72)
        kind = K_BEYOND;
    else if (c < 82)
        kind = n < 64 ? K_ABSENT : K_BEYOND;
    else if (c < 95)
        kind = K_OVERSIZE;
    else
        kind = memless != UINT32_MAX ? K_MEMLESS : K_VALID;

    switch (kind) {
    case K_NULL:
        break;
    case K_EMPTY:
        nodeaff_nodemap_new(1 + rnd() % 128, &m);
        break;
    case K_VALID:
    case K_OVERSIZE:
        nodeaff_nodemap_new(kind == K_VALID ? n
                                            : n + 1 + rnd() % (NODEAFF_NODEMAP_MAX_NODES - n),
                            &m);
        while (m && nodeaff_nodemap_count(m) == 0)
            for (unsigned int x = 0; x < n; x++)
                if (rnd() & 1)
                    nodeaff_nodemap_set(m, x);
        break;
    case K_BEYOND: {
        unsigned int size = n + 1 + rnd() % (NODEAFF_NODEMAP_MAX_NODES - n);

        nodeaff_nodemap_new(size, &m);
        if (m) {
            nodeaff_nodemap_set(m, n + rnd() % (size - n));
            if (rnd() & 1)
                nodeaff_nodemap_set(m, rnd() % n);  /* with a valid one */
        }
        break;
    }
    case K_ABSENT:
        nodeaff_nodemap_new(64, &m);
        if (m)
            nodeaff_nodemap_set(m, n + rnd() % (64 - n));
        break;
    case K_MEMLESS:
        nodeaff_nodemap_new(n, &m);
        if (m)
            nodeaff_nodemap_set(m, memless);
        break;
    }
    if (kind != K_NULL && !m)
        tap_bail("nodemap allocation failed");
    *ret_kind = kind;
    return m;
}

/* What a set must return, by the documented rules. */
static int expect_set(const struct stress *s, uint32_t domid,
                      const struct nodeaff_nodemap *m, int kind, unsigned int flags)
{
    const struct rig_env *env = s->env;
    int has_mem = 0;

    if (domid >= LIMIT || (flags & ~NODEAFF_STRICT))
        return -EINVAL;
    if (kind == K_NULL || kind == K_EMPTY)
        return -EINVAL;
    if (kind == K_BEYOND || kind == K_ABSENT)
        return -ERANGE;
    if ((flags & NODEAFF_STRICT) && !env->series)
        return -EOPNOTSUPP;
    if (!is_live(s, domid, NULL))
        return -ESRCH;
    for (unsigned int x = 0; x < env->nr_nodes; x++)
        if (nodeaff_nodemap_test(m, x) == 1 && env->mem_bytes[x])
            has_mem = 1;
    if ((flags & NODEAFF_STRICT) && !has_mem)
        return -EINVAL;     /* the hypervisor: strict needs memory */
    return 0;
}

static int is_dead(const struct stress *s, uint32_t id)
{
    for (unsigned int i = 0; i < s->ndead; i++)
        if (s->dead[i] == id)
            return 1;
    return 0;
}

static void record(struct stress *s, enum op op, int got, int want, uint32_t domid,
                   const char *what)
{
    s->counts[op][err_index(got)]++;
    /* Stock Xen's domctls find a destroyed domain until its last
     * reference goes (through RCU, ~1 s later) and act on the zombie;
     * the series' ops say -ESRCH for a dying domain at once. */
    if (!s->env->series && want == -ESRCH && got == 0 && is_dead(s, domid)) {
        s->zombie++;
        return;
    }
    if (got != want && !s->wrong++)
        snprintf(s->first_wrong, sizeof(s->first_wrong), "%s on d0x%" PRIx32 " (%s): "
                 "%d, expected %d", op_name[op], domid, what, got, want);
}

static void one_call(struct stress *s)
{
    struct rig_env *env = s->env;
    uint32_t domid = pick_domid(s);
    enum op op = (enum op)(rnd() % 10 < 4 ? OP_SET : 1 + rnd() % (OP_MAX - 1));
    uint64_t pages[RIG_MAX_NODES + 8], own = 0;
    int live = is_live(s, domid, &own), r, want;

    switch (op) {
    case OP_SET: {
        int kind;
        struct nodeaff_nodemap *m = pick_map(s, &kind), *got = NULL;
        unsigned int c = rnd() % 100;
        unsigned int flags = c < 45 ? NODEAFF_STRICT : c < 95 ? 0 : 1u << (1 + rnd() % 31);
        unsigned int gflags = 0;

        /* dom0 stays preferred: strict could starve dom0's own node. */
        if (domid == 0)
            flags &= ~NODEAFF_STRICT;
        s->kinds[kind]++;
        want = expect_set(s, domid, m, kind, flags);
        r = nodeaff_domain_set_affinity(env->h, domid, m, flags);
        record(s, op, r, want, domid, kind_name[kind]);
        if (r == 0) {
            /* Reads back as set; stock Xen takes a full 64-node preferred
             * set as a reset (documented), and has no state query. */
            if (env->series)
                r = nodeaff_domain_get_state(env->h, domid, &got, &gflags);
            else
                r = nodeaff_domain_get_affinity(env->h, domid, &got);
            if (r != 0 || gflags != flags ||
                (nodeaff_nodemap_equal(got, m) != 1 &&
                 !(!env->series && env->nr_nodes == 64 && nodeaff_nodemap_count(m) == 64)))
                s->readback_bad++;
            nodeaff_nodemap_free(got);
        }
        nodeaff_nodemap_free(m);
        break;
    }
    case OP_GET: {
        struct nodeaff_nodemap *got = NULL;

        want = domid >= LIMIT ? -EINVAL : !live ? -ESRCH : 0;
        r = nodeaff_domain_get_affinity(env->h, domid, &got);
        record(s, op, r, want, domid, live ? "live" : "not live");
        if ((r == 0) != (got != NULL))
            s->readback_bad++;
        nodeaff_nodemap_free(got);
        break;
    }
    case OP_STATE: {
        unsigned int flags = 0;

        want = domid >= LIMIT ? -EINVAL : !env->series ? -EOPNOTSUPP : !live ? -ESRCH : 0;
        r = nodeaff_domain_get_state(env->h, domid, NULL, &flags);
        record(s, op, r, want, domid, live ? "live" : "not live");
        break;
    }
    case OP_RESET: {
        unsigned int flags = 0;

        want = domid >= LIMIT ? -EINVAL : !live ? -ESRCH : 0;
        r = nodeaff_domain_reset_affinity(env->h, domid);
        record(s, op, r, want, domid, live ? "live" : "not live");
        if (r == 0 && env->series &&
            (nodeaff_domain_get_state(env->h, domid, NULL, &flags) || flags != NODEAFF_AUTO))
            s->readback_bad++;
        break;
    }
    case OP_USAGE: {
        /* Room: too little (including 0), exact, or more. */
        unsigned int room = rnd() % 4 == 0 ? rnd() % env->nr_nodes
                                           : env->nr_nodes + rnd() % 9;

        want = domid >= LIMIT ? -EINVAL : room < env->nr_nodes ? -ENOBUFS
               : !env->series ? -EOPNOTSUPP : !live ? -ESRCH : (int)env->nr_nodes;
        r = nodeaff_domain_get_usage(env->h, domid, pages, room);
        record(s, op, r, want, domid, live ? "live" : "not live");
        if (r > 0 && domid != 0 && rig_sum(pages, (unsigned int)r, NULL, 1) != own)
            s->usage_bad++;
        break;
    }
    default:
        break;
    }
}

/* Destroys test domain i and puts a fresh one in its place. */
static void replace(struct stress *s, int i)
{
    struct rig_env *env = s->env;
    uint64_t done = 0;
    int d;

    if (s->live[i].id) {
        if (rig_domain_destroy(env->xch, s->live[i].id))
            tap_bail("destroy d%u", s->live[i].id);
        if (s->ndead < 64)
            s->dead[s->ndead++] = s->live[i].id;
    }
    d = rig_domain_create(env->xch);
    if (d < 0)
        tap_bail("create: %s", strerror(-d));
    s->live[i].id = (uint32_t)d;
    if (rig_populate(env->xch, (uint32_t)d, DOM_PAGES, &done) || done != DOM_PAGES)
        tap_bail("populate d%d", d);
    s->live[i].pages = done;
}

int main(int argc, char **argv)
{
    static struct stress s;
    struct rig_env env;
    struct nodeaff_nodemap *dom0_mask = NULL, *dom0_after = NULL;
    unsigned int dom0_flags = 0, dom0_flags_after = 0, total = 0, nr;
    uint64_t base[RIG_MAX_NODES], key[RIG_MAX_NODES], missing, excess;
    const char *seed_env = getenv("NODEAFF_STRESS_SEED"), *step = NULL;
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : DEFAULT_SEED;
    struct timespec t0, t1;
    char line[400];
    int r, physinfo_bad = 0;

    rig_env_open(&env, argc, argv);
    nr = env.nr_nodes;
    s.env = &env;
    rng = seed ? seed : 1;
    tap_diag("seed %" PRIu64 " (NODEAFF_STRESS_SEED=%" PRIu64 " repeats this run)",
             seed, seed);

    /* dom0's affinity, to put back (the stress sets it, preferred only). */
    if (env.series)
        r = nodeaff_domain_get_state(env.h, 0, &dom0_mask, &dom0_flags);
    else
        r = nodeaff_domain_get_affinity(env.h, 0, &dom0_mask);
    if (r)
        tap_bail("dom0's affinity: %d", r);
    rig_free_settled(&env, base);
    for (int i = 0; i < NDOM; i++)
        replace(&s, i);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < CALLS; i++) {
        one_call(&s);
        if (i % REPLACE_EVERY == REPLACE_EVERY - 1)
            replace(&s, (int)(rnd() % NDOM));
        if (i % 1000 == 999) {
            xc_physinfo_t pi;

            memset(&pi, 0, sizeof(pi));
            physinfo_bad += xc_physinfo(env.xch, &pi) != 0 || pi.nr_nodes != nr;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);

    for (int op = 0; op < OP_MAX; op++) {
        int len = snprintf(line, sizeof(line), "%-9s", op_name[op]);

        for (unsigned int e = 0; e <= NERR; e++) {
            total += s.counts[op][e];
            if (s.counts[op][e])
                len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%u",
                                err_name[e], s.counts[op][e]);
        }
        tap_diag("%s", line);
    }
    {
        int len = snprintf(line, sizeof(line), "all      ");

        for (unsigned int e = 0; e <= NERR; e++) {
            unsigned int c = 0;

            for (int op = 0; op < OP_MAX; op++)
                c += s.counts[op][e];
            if (c)
                len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%u",
                                err_name[e], c);
        }
        tap_diag("%s", line);
        len = snprintf(line, sizeof(line), "set maps:");
        for (int k = 0; k < K_MAX; k++)
            len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%u", kind_name[k],
                            s.kinds[k]);
        tap_diag("%s", line);
    }
    tap_diag("%u calls in %.1f s; %u test domains destroyed and replaced meanwhile%s",
             total, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
             s.ndead, s.zombie ? "; stock Xen acted on a destroyed domain's zombie" : "");

    tap_ok(total == CALLS && s.wrong == 0, "%u calls, each returned the errno its input "
           "documents (%u did not%s%s)", total, s.wrong, s.wrong ? "; first: " : "",
           s.wrong ? s.first_wrong : "");
    tap_ok(s.counts[0][0] && s.counts[0][err_index(-EINVAL)] && s.counts[0][err_index(-ERANGE)] &&
           s.counts[0][err_index(-ESRCH)],
           "the sets covered success, -EINVAL, -ERANGE and -ESRCH");
    tap_ok(s.readback_bad == 0, "every successful set/reset/get read back right (%u not)",
           s.readback_bad);
    tap_ok(s.usage_bad == 0, "usage of every test domain counted its %d pages (%u not)",
           DOM_PAGES, s.usage_bad);
    tap_ok(physinfo_bad == 0, "xc_physinfo sane every 1000 calls (%d not)", physinfo_bad);

    /* dom0 back as it was. */
    if (env.series && (dom0_flags & NODEAFF_AUTO))
        r = nodeaff_domain_reset_affinity(env.h, 0);
    else
        r = nodeaff_domain_set_affinity(env.h, 0, dom0_mask, dom0_flags & NODEAFF_STRICT);
    if (r == 0 && env.series)
        r = nodeaff_domain_get_state(env.h, 0, &dom0_after, &dom0_flags_after);
    else if (r == 0)
        r = nodeaff_domain_get_affinity(env.h, 0, &dom0_after);
    tap_ok(r == 0 && dom0_flags_after == dom0_flags &&
           nodeaff_nodemap_equal(dom0_mask, dom0_after) == 1,
           "dom0's affinity restored: {%s} flags 0x%x (%d)", rig_fmt(dom0_after),
           dom0_flags_after, r);

    for (int i = 0; i < NDOM; i++)
        rig_domain_destroy(env.xch, s.live[i].id);
    r = rig_fresh_domain_works(&env, &step);
    tap_ok(r == 0, "hypervisor healthy: a fresh domain works (%s: %d)", step, r);
    r = rig_debugkey_usage(env.xch, 0, key, RIG_MAX_NODES, NULL);
    tap_ok(r > 0, "hypervisor healthy: debug key 'u' dumps dom0 (%d nodes)", r);
    rig_free_missing(env.xch, base, nr, &missing, &excess);
    tap_ok(missing <= RIG_XEN_KEEPS, "free memory back at baseline (%llu missing, %llu above; "
           "Xen may keep %d)", (unsigned long long)missing, (unsigned long long)excess,
           RIG_XEN_KEEPS);
    nodeaff_nodemap_free(dom0_mask);
    nodeaff_nodemap_free(dom0_after);
    rig_env_close(&env);
    return tap_done();
}
