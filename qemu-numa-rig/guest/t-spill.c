/* Preferred affinity beyond the set's capacity spills, as upstream Xen
 * always has, and the usage query reports the spill exactly: node by node
 * equal to Xen's own debug key 'u' count, summing to tot_pages, and in
 * line with the free-memory deltas.  On stock Xen the spill happens all
 * the same; only debug key 'u' can tell, and the usage query says
 * -EOPNOTSUPP. */
#include <errno.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

int main(int argc, char **argv)
{
    struct rig_env env;
    uint64_t base[RIG_MAX_NODES], pre[RIG_MAX_NODES], post[RIG_MAX_NODES];
    uint64_t delta[RIG_MAX_NODES], free_s, want, done, diff, spill = 4096;
    struct nodeaff_nodemap *set;
    struct rig_pages pg;
    unsigned int node = 0, n;
    int domid, r;
    const char *s;

    rig_env_open(&env, argc, argv);
    n = env.nr_nodes;
    /* The smallest memory node that is not dom0's. */
    for (unsigned int x = 1; x < n; x++)
        if (env.mem_bytes[x] && (!node || env.mem_bytes[x] < env.mem_bytes[node]))
            node = x;
    if (!node) {
        tap_skip("no memory node besides dom0's node 0");
        rig_env_close(&env);
        return tap_done();
    }
    set = rig_nodemap(n, 1, &node);
    s = rig_fmt(set);

    rig_free_settled(&env, base);
    domid = rig_domain_create(env.xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, set, 0);
    tap_ok(r == 0, "{%s}: set preferred affinity: %d", s, r);

    rig_free_now(&env, pre);
    free_s = pre[node];
    want = free_s + spill;
    r = rig_populate(env.xch, (uint32_t)domid, want, &done);
    rig_free_now(&env, post);
    for (unsigned int i = 0; i < n; i++)
        delta[i] = pre[i] == UINT64_MAX || post[i] > pre[i] ? 0 : pre[i] - post[i];
    tap_ok(r == 0 && done == want, "{%s}: %llu pages populated, %llu more than the "
           "set had free", s, (unsigned long long)done, (unsigned long long)spill);

    rig_read_pages(&env, (uint32_t)domid, &pg);
    /* A page or two may come back to the node while we populate. */
    tap_ok(pg.key_rc > 0 && rig_sum(pg.key, n, set, 0) + 16 >= spill,
           "{%s}: debug key 'u' shows %llu pages spilled outside the set (%s)", s,
           (unsigned long long)rig_sum(pg.key, n, set, 0), rig_fmt_pages(pg.key, n));
    if (env.series) {
        tap_ok(pg.usage_rc > 0 &&
               memcmp(pg.usage, pg.key, n * sizeof(uint64_t)) == 0,
               "{%s}: usage reports the spill exactly: %s", s,
               rig_fmt_pages(pg.usage, n));
        tap_ok(rig_sum(pg.usage, n, NULL, 1) == (uint64_t)pg.tot && pg.tot == (int64_t)want,
               "{%s}: usage sums to tot_pages %lld", s, (long long)pg.tot);
        tap_ok(pg.key_counters == 1,
               "{%s}: Xen's own cross-check under key 'u': counters match the page list", s);
    } else {
        tap_ok(pg.usage_rc == -EOPNOTSUPP,
               "{%s}: usage on stock Xen: %d (-EOPNOTSUPP)", s, pg.usage_rc);
    }
    /* Each node's free-memory delta matches Xen's count for the domain
     * (give or take a few pages Xen may take for itself). */
    {
        unsigned int off = 0;

        for (unsigned int i = 0; i < n; i++) {
            uint64_t a = delta[i], b = pg.key[i];

            if ((a > b ? a - b : b - a) > 32)
                off++;
        }
        tap_ok(off == 0, "{%s}: free deltas match node by node (%s)", s,
               rig_fmt_pages(delta, n));
    }

    r = rig_domain_destroy(env.xch, (uint32_t)domid);
    rig_wait_free_equals(env.xch, base, n, &diff);
    tap_ok(r == 0 && diff == 0, "destroyed; free memory back at baseline (%llu pages missing)",
           (unsigned long long)diff);
    nodeaff_nodemap_free(set);
    rig_env_close(&env);
    return tap_done();
}
