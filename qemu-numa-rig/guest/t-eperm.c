/* A caller the policy refuses gets -EPERM from every operation the series
 * adds, and nothing changes.
 *
 * The series' XSM hook (0004) lets only the control domain use the new
 * domctls under the dummy XSM, and FLASK (0005) decides by its
 * nodeaff_set / nodeaff_get / nodeaff_usage permissions.  The rig has one
 * running domain, dom0, which is the control domain: the dummy XSM's
 * refusal of a non-control caller cannot be reached from it (that needs a
 * second running domain issuing the hypercall), so it is not exercised
 * here.  FLASK can refuse dom0 itself: Xen's stock policy, which the
 * series extends, has a domain type prot_domU_t whose create_domain()
 * rules for dom0 (and with them the series' permissions) hold only while
 * the boolean prot_doms_locked is false.  So, under --xen flask: a
 * prot_domU_t domain gets a strict affinity and some pages, the boolean
 * is set, and set (strict and preferred), get, get_state, reset and usage
 * on it must all give -EPERM with their out-parameters untouched, while
 * the same calls on dom0 and on a domU_t domain still work; the boolean
 * is cleared (it is an ordinary boolean, dom0 may set it either way) and
 * the domain's state and usage must be what they were.
 *
 * Without FLASK (the dummy XSM answers the flask op with -ENOSYS) the
 * -EPERM half is skipped and the control half runs: dom0 may use every
 * operation (patched), or they are -EOPNOTSUPP (stock). */
#include <errno.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

#define BOOL_NAME "prot_doms_locked"

static int set_bool(xc_interface *xch, int value)
{
    char name[] = BOOL_NAME;

    return xc_flask_setbool(xch, name, value, 1) ? -errno : 0;
}

static int get_bool(xc_interface *xch, int *ret_value)
{
    char name[] = BOOL_NAME;
    int pend = -1;

    return xc_flask_getbool_byname(xch, name, ret_value, &pend) ? -errno : 0;
}

/* The calls that must work on domid (the control checks). */
static int all_ops_work(struct rig_env *env, uint32_t domid,
                        const struct nodeaff_nodemap *set, int may_set)
{
    struct nodeaff_nodemap *got = NULL;
    uint64_t pages[RIG_MAX_NODES];
    unsigned int flags = 0;
    int r;

    r = nodeaff_domain_get_affinity(env->h, domid, &got);
    nodeaff_nodemap_free(got);
    got = NULL;
    if (r == 0)
        r = nodeaff_domain_get_state(env->h, domid, &got, &flags);
    nodeaff_nodemap_free(got);
    if (r == 0) {
        r = nodeaff_domain_get_usage(env->h, domid, pages, RIG_MAX_NODES);
        r = r > 0 ? 0 : r;
    }
    if (r == 0 && may_set)
        r = nodeaff_domain_set_affinity(env->h, domid, set, NODEAFF_STRICT);
    if (r == 0 && may_set)
        r = nodeaff_domain_set_affinity(env->h, domid, set, 0);
    if (r == 0 && may_set)
        r = nodeaff_domain_reset_affinity(env->h, domid);
    return r;
}

static void without_flask(struct rig_env *env, const char *why)
{
    unsigned int mem[RIG_MAX_NODES], nm = rig_mem_nodes(env, mem);
    struct nodeaff_nodemap *set = rig_nodemap(env->nr_nodes, 1, &mem[nm - 1]);
    int domid = rig_domain_create(env->xch), r;

    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));
    r = all_ops_work(env, (uint32_t)domid, set, 1);
    if (env->series)
        tap_ok(r == 0, "dummy XSM: dom0, the control domain, may use every new "
               "operation on d%d (%d)", domid, r);
    else
        tap_ok(r == -EOPNOTSUPP, "stock Xen: the new operations are -EOPNOTSUPP (%d)", r);
    rig_domain_destroy(env->xch, (uint32_t)domid);
    nodeaff_nodemap_free(set);
    tap_skip("-EPERM from the policy: %s; the dummy XSM's refusal of a non-control "
             "domain needs a second running domain, which the rig does not have", why);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    unsigned int mem[RIG_MAX_NODES], nm, flags0 = 0, flags = 0xdead, flags1 = 0;
    struct nodeaff_nodemap *strict_set, *other_set, *mask0 = NULL, *mask1 = NULL;
    struct nodeaff_nodemap *got;
    uint64_t base[RIG_MAX_NODES], u0[RIG_MAX_NODES], u1[RIG_MAX_NODES];
    uint64_t pages[RIG_MAX_NODES], done = 0, missing = 0, excess = 0;
    char label[] = "system_u:system_r:prot_domU_t";
    uint32_t sid = 0;
    int enforcing, prot, ctl, r, value = -1, locked = 0;
    const char *step = NULL;

    rig_env_open(&env, argc, argv);
    enforcing = rig_flask_enforcing(env.xch);
    tap_diag("xc_flask_getenforce: %d", enforcing);
    if (enforcing == -ENOSYS) {
        without_flask(&env, "no FLASK here (dummy XSM): run under --xen flask");
        rig_env_close(&env);
        return tap_done();
    }
    if (!tap_ok(enforcing == 1, "FLASK is enforcing (%d)", enforcing) || !env.series) {
        if (!env.series)
            tap_skip("FLASK without the series: no new operations to refuse");
        rig_env_close(&env);
        return tap_done();
    }

    nm = rig_mem_nodes(&env, mem);
    strict_set = rig_nodemap(env.nr_nodes, 1, &mem[nm - 1]);
    other_set = rig_nodemap(env.nr_nodes, 1, &mem[0]);
    rig_free_settled(&env, base);

    r = xc_flask_context_to_sid(env.xch, label, sizeof(label), &sid) ? -errno : 0;
    tap_ok(r == 0 && sid, "policy knows prot_domU_t (sid %u, %d)", sid, r);
    r = get_bool(env.xch, &value);
    tap_ok(r == 0 && value == 0, "%s is false to begin with (%d, value %d)", BOOL_NAME, r,
           value);
    prot = rig_domain_create_sid(env.xch, sid);
    ctl = rig_domain_create(env.xch);
    if (prot < 0 || ctl < 0)
        tap_bail("create prot_domU_t d%d / domU_t d%d", prot, ctl);
    r = rig_populate(env.xch, (uint32_t)prot, 256, &done);
    if (r == 0)
        r = nodeaff_domain_set_affinity(env.h, (uint32_t)prot, strict_set, NODEAFF_STRICT);
    if (r == 0)
        r = nodeaff_domain_get_state(env.h, (uint32_t)prot, &mask0, &flags0);
    if (r == 0)
        r = nodeaff_domain_get_usage(env.h, (uint32_t)prot, u0, RIG_MAX_NODES) > 0 ? 0 : -EIO;
    tap_ok(r == 0 && flags0 == NODEAFF_STRICT,
           "unlocked: dom0 populates prot_domU_t d%d and sets strict {%s} (%d)", prot,
           rig_fmt(mask0), r);

    r = set_bool(env.xch, 1);
    locked = r == 0;
    get_bool(env.xch, &value);
    tap_ok(r == 0 && value == 1, "%s set (%d, value %d)", BOOL_NAME, r, value);

    /* Every operation of the series, through the library. */
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)prot, other_set, NODEAFF_STRICT);
    tap_ok(r == -EPERM, "locked: set strict on d%d: %d (-EPERM)", prot, r);
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)prot, other_set, 0);
    tap_ok(r == -EPERM, "locked: set preferred on d%d: %d (-EPERM)", prot, r);
    got = NULL;
    r = nodeaff_domain_get_affinity(env.h, (uint32_t)prot, &got);
    tap_ok(r == -EPERM && !got, "locked: get_affinity on d%d: %d (-EPERM), out untouched",
           prot, r);
    nodeaff_nodemap_free(got);
    got = NULL;
    flags = 0xdead;
    r = nodeaff_domain_get_state(env.h, (uint32_t)prot, &got, &flags);
    tap_ok(r == -EPERM && !got && flags == 0xdead,
           "locked: get_state on d%d: %d (-EPERM), out untouched", prot, r);
    nodeaff_nodemap_free(got);
    r = nodeaff_domain_reset_affinity(env.h, (uint32_t)prot);
    tap_ok(r == -EPERM, "locked: reset on d%d: %d (-EPERM)", prot, r);
    for (unsigned int i = 0; i < RIG_MAX_NODES; i++)
        pages[i] = 0x5a5a;
    r = nodeaff_domain_get_usage(env.h, (uint32_t)prot, pages, RIG_MAX_NODES);
    tap_ok(r == -EPERM && pages[0] == 0x5a5a,
           "locked: usage of d%d: %d (-EPERM), out untouched", prot, r);

    /* The refusal is the policy's, for that domain only. */
    r = all_ops_work(&env, (uint32_t)ctl, strict_set, 1);
    tap_ok(r == 0, "locked: every operation still works on domU_t d%d (%d)", ctl, r);
    r = all_ops_work(&env, 0, NULL, 0);
    tap_ok(r == 0, "locked: get, get_state and usage still work on dom0 (%d)", r);

    r = set_bool(env.xch, 0);
    locked = locked && r != 0;
    get_bool(env.xch, &value);
    tap_ok(r == 0 && value == 0, "%s cleared again (%d, value %d): not a one-way lock",
           BOOL_NAME, r, value);
    r = nodeaff_domain_get_state(env.h, (uint32_t)prot, &mask1, &flags1);
    tap_ok(r == 0 && flags1 == flags0 && nodeaff_nodemap_equal(mask0, mask1) == 1,
           "d%d's state unchanged by the refused calls: {%s} flags 0x%x (%d)", prot,
           rig_fmt(mask1), flags1, r);
    r = nodeaff_domain_get_usage(env.h, (uint32_t)prot, u1, RIG_MAX_NODES);
    tap_ok(r > 0 && memcmp(u0, u1, (unsigned int)r * sizeof(uint64_t)) == 0 &&
           rig_sum(u1, (unsigned int)r, NULL, 1) == done,
           "d%d's usage unchanged: %s", prot, r > 0 ? rig_fmt_pages(u1, (unsigned int)r) : "-");

    r = rig_domain_destroy(env.xch, (uint32_t)prot);
    tap_ok(r == 0, "unlocked: prot_domU_t d%d destroyed (%d)", prot, r);
    rig_domain_destroy(env.xch, (uint32_t)ctl);
    rig_free_missing(env.xch, base, env.nr_nodes, &missing, &excess);
    tap_ok(missing <= RIG_XEN_KEEPS, "free memory back at baseline (%llu missing, %llu above)",
           (unsigned long long)missing, (unsigned long long)excess);
    r = rig_fresh_domain_works(&env, &step);
    tap_ok(r == 0, "hypervisor healthy: a fresh domain works (%s: %d)", step, r);

    if (locked)
        set_bool(env.xch, 0);   /* never leave the policy locked */
    nodeaff_nodemap_free(mask0);
    nodeaff_nodemap_free(mask1);
    nodeaff_nodemap_free(strict_set);
    nodeaff_nodemap_free(other_set);
    rig_env_close(&env);
    return tap_done();
}
