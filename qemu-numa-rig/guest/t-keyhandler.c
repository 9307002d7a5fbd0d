/* Debug key 'q' shows each domain's node affinity with its mode.
 *
 * The series (xen-patches/4.17/0006) ends dump_domains()'s line
 *   NODE affinity for domain N: [mask]
 * with "(automatic|explicit, strict|preferred)", so an operator at the
 * console sees whether a domain may spill.  The test presses 'q' after each
 * change of state and reads the line back from the console ring.  Stock
 * Xen prints the prefix without the mode: the test asserts that too, so it
 * fails on stock Xen if the line is missing and on the series if the mode
 * is. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

/* Presses 'q' and copies what follows "NODE affinity for domain D: " on its line in that dump
 * into out.  Returns 0, -ENOENT (no such line), -errno. */
static int q_line(xc_interface *xch, uint32_t domid, char *out, size_t n)
{
    char prefix[64];

    snprintf(prefix, sizeof(prefix), "NODE affinity for domain %u: ", domid);
    return rig_debugkey_line(xch, 'q', prefix, out, n);
}

/* Checks the line for domid after a state change: "[mask]" then, with the
 * series, " (mode, strictness)". */
static void expect(struct rig_env *env, uint32_t domid, const char *mask,
                   const char *mode, const char *what)
{
    char line[256], want[256];
    int r = q_line(env->xch, domid, line, sizeof(line));

    if (env->series)
        snprintf(want, sizeof(want), "[%s] (%s)", mask, mode);
    else
        snprintf(want, sizeof(want), "[%s]", mask);
    tap_ok(r == 0 && strcmp(line, want) == 0, "%s: 'q' prints \"%s\" (want \"%s\")",
           what, r == 0 ? line : strerror(-r), want);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    struct nodeaff_nodemap *one, *all, *autoset = NULL;
    unsigned int mem[RIG_MAX_NODES], nm;
    char oneset[64], allset[512], autostr[512];
    int domid, r;

    rig_env_open(&env, argc, argv);
    nm = rig_mem_nodes(&env, mem);
    one = rig_nodemap(env.nr_nodes, 1, &mem[nm - 1]);
    all = rig_nodemap(env.nr_nodes, nm, mem);
    /* Xen prints masks with %*pbl, the same canonical list as ours. */
    snprintf(oneset, sizeof(oneset), "%s", rig_fmt(one));
    snprintf(allset, sizeof(allset), "%s", rig_fmt(all));

    domid = rig_domain_create(env.xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));
    r = nodeaff_domain_get_affinity(env.h, (uint32_t)domid, &autoset);
    if (r < 0)
        tap_bail("get affinity: %s", strerror(-r));
    snprintf(autostr, sizeof(autostr), "%s", rig_fmt(autoset));

    expect(&env, (uint32_t)domid, autostr, "automatic, preferred", "new domain");

    r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, all, 0);
    tap_ok(r == 0, "set preferred {%s}: %d", allset, r);
    expect(&env, (uint32_t)domid, allset, "explicit, preferred", "preferred");

    if (env.series) {
        r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, one, NODEAFF_STRICT);
        tap_ok(r == 0, "set strict {%s}: %d", oneset, r);
        expect(&env, (uint32_t)domid, oneset, "explicit, strict", "strict");
    }

    r = nodeaff_domain_reset_affinity(env.h, (uint32_t)domid);
    tap_ok(r == 0, "reset: %d", r);
    expect(&env, (uint32_t)domid, autostr, "automatic, preferred", "after reset");

    r = rig_domain_destroy(env.xch, (uint32_t)domid);
    tap_ok(r == 0, "destroy: %d", r);

    nodeaff_nodemap_free(autoset);
    nodeaff_nodemap_free(one);
    nodeaff_nodemap_free(all);
    rig_env_close(&env);
    return tap_done();
}
