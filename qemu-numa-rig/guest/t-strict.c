/* Strict affinity never spills.
 *
 * Populating beyond the free memory of S gives -ENOMEM, with zero pages
 * outside S (by the usage query, debug key 'u' and free-memory deltas);
 * after the domain is destroyed, per-node free memory is back at its
 * baseline.  On a hypervisor without the series, strict is refused with
 * -EOPNOTSUPP and nothing changes. */
#include <errno.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

/* Memory nodes other than node 0 (dom0's), smallest first: filling them
 * is quick and leaves dom0's node alone. */
static unsigned int small_nodes(const struct rig_env *env, unsigned int *ret)
{
    unsigned int n = 0;

    for (unsigned int x = 1; x < env->nr_nodes; x++)
        if (env->mem_bytes[x])
            ret[n++] = x;
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && env->mem_bytes[ret[j]] < env->mem_bytes[ret[j - 1]]; j--) {
            unsigned int t = ret[j];

            ret[j] = ret[j - 1];
            ret[j - 1] = t;
        }
    return n;
}

static void strict_fill(struct rig_env *env, const struct nodeaff_nodemap *set)
{
    const char *s = rig_fmt(set);
    uint64_t base[RIG_MAX_NODES], pre[RIG_MAX_NODES], post[RIG_MAX_NODES];
    uint64_t delta[RIG_MAX_NODES], free_s, done, diff, more;
    struct nodeaff_nodemap *got = NULL;
    unsigned int flags = 0, n = env->nr_nodes;
    struct rig_pages pg;
    int domid, r;

    rig_free_settled(env, base);
    domid = rig_domain_create(env->xch);
    if (domid < 0) {
        tap_ok(0, "{%s}: create domain: %s", s, strerror(-domid));
        return;
    }
    r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, set, NODEAFF_STRICT);
    tap_ok(r == 0, "{%s}: set strict affinity: %d", s, r);
    r = nodeaff_domain_get_state(env->h, (uint32_t)domid, &got, &flags);
    tap_ok(r == 0 && flags == NODEAFF_STRICT && nodeaff_nodemap_equal(got, set) == 1,
           "{%s}: state says strict {%s} (flags 0x%x)", s, rig_fmt(got), flags);
    nodeaff_nodemap_free(got);

    rig_free_now(env, pre);
    free_s = rig_sum(pre, n, set, 1);
    r = rig_populate(env->xch, (uint32_t)domid, free_s + 4096, &done);
    rig_free_now(env, post);
    for (unsigned int i = 0; i < n; i++)
        delta[i] = pre[i] == UINT64_MAX || post[i] > pre[i] ? 0 : pre[i] - post[i];
    tap_ok(r == -ENOMEM, "{%s}: asking %llu pages beyond the %llu free gives %d (-ENOMEM)",
           s, 4096ULL, (unsigned long long)free_s, r);
    /* Xen may keep a little of a node for itself, and an earlier domain's
     * last pages may come back meanwhile: the domain gets about everything
     * that was free on S (the exact check is 0 pages outside, below). */
    tap_ok(done <= free_s + 32 && done + 256 >= free_s,
           "{%s}: got %llu of the %llu free pages of the set", s,
           (unsigned long long)done, (unsigned long long)free_s);
    rig_read_pages(env, (uint32_t)domid, &pg);
    tap_ok(pg.usage_rc > 0 && rig_sum(pg.usage, n, set, 0) == 0 &&
           rig_sum(pg.usage, n, set, 1) == done,
           "{%s}: usage: %llu on the set, 0 outside (%s)", s,
           (unsigned long long)done, rig_fmt_pages(pg.usage, n));
    tap_ok(pg.key_rc > 0 && rig_sum(pg.key, n, set, 0) == 0 &&
           memcmp(pg.key, pg.usage, n * sizeof(uint64_t)) == 0 && pg.key_counters == 1,
           "{%s}: debug key 'u' agrees, its counter cross-check says match (%s)", s,
           rig_fmt_pages(pg.key, n));
    tap_ok(rig_sum(delta, n, set, 0) <= 32,
           "{%s}: free memory outside the set untouched (%s)", s, rig_fmt_pages(delta, n));

    /* Relaxing to preferred lets the same domain grow elsewhere. */
    r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, set, 0);
    more = 0;
    if (r == 0)
        r = rig_populate(env->xch, (uint32_t)domid, 1024, &more);
    tap_ok(r == 0 && more == 1024, "{%s}: after switching to preferred, 1024 more pages "
           "come from elsewhere (%d)", s, r);

    r = rig_domain_destroy(env->xch, (uint32_t)domid);
    rig_wait_free_equals(env->xch, base, n, &diff);
    tap_ok(r == 0 && diff == 0,
           "{%s}: destroyed; free memory back at baseline (%llu pages missing)", s,
           (unsigned long long)diff);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    unsigned int nodes[RIG_MAX_NODES], n;

    rig_env_open(&env, argc, argv);
    n = small_nodes(&env, nodes);

    if (!env.series) {
        struct nodeaff_nodemap *set = rig_nodemap(env.nr_nodes, 1, &nodes[0]);
        struct nodeaff_nodemap *got = NULL;
        int domid = rig_domain_create(env.xch), r, r2;
        unsigned int flags = 0;

        r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, set, NODEAFF_STRICT);
        tap_ok(r == -EOPNOTSUPP, "stock Xen: strict set gives %d (-EOPNOTSUPP)", r);
        r = nodeaff_domain_get_affinity(env.h, (uint32_t)domid, &got);
        r2 = nodeaff_nodemap_equal(got, set);
        tap_ok(r == 0 && r2 == 0, "stock Xen: the refused set changed nothing ({%s})",
               rig_fmt(got));
        r = nodeaff_domain_get_state(env.h, (uint32_t)domid, NULL, &flags);
        tap_ok(r == -EOPNOTSUPP, "stock Xen: get_state gives %d (-EOPNOTSUPP)", r);
        nodeaff_nodemap_free(got);
        nodeaff_nodemap_free(set);
        rig_domain_destroy(env.xch, (uint32_t)domid);
        rig_env_close(&env);
        return tap_done();
    }

    if (n == 0) {
        tap_skip("no memory node besides dom0's node 0");
    } else {
        struct nodeaff_nodemap *one = rig_nodemap(env.nr_nodes, 1, &nodes[0]);

        strict_fill(&env, one);
        nodeaff_nodemap_free(one);
    }
    if (n >= 2) {
        struct nodeaff_nodemap *two = rig_nodemap(env.nr_nodes, 2, nodes);

        strict_fill(&env, two);
        nodeaff_nodemap_free(two);
    }
    rig_env_close(&env);
    return tap_done();
}
