/* Real guests (issue 15): Linux PV domUs in the rig's dom0, their memory
 * placed by libnodeaff, checked by every witness at hand.
 *
 * The guest is dom0's own kernel with the rig's guest payload
 * (qemu-numa-rig/guest-payload/), carried by `rig --guest-payload` into
 * /rig/domu.  Cases, in one boot of the host (home node N = the last node
 * with memory, the spill node the other):
 *
 *  1. bad input to the reference toolstack (src/examples): a missing
 *     kernel, a node the host lacks, more memory than fits strictly on N:
 *     refused with the cause, exit status 2, no domain left behind; a
 *     guest that never prints its marker (no init: the kernel panics):
 *     exit status 1 within the timeout, the console's tail shown; the
 *     toolstack claims the guest's memory before populating it (stock
 *     Xen: it says it goes on without a claim);
 *  1b. node N's memory claimed by another domain (issue 16): a strict
 *     guest that would fit in N's free memory is refused at the claim,
 *     exit 2, nothing populated, no domain left, the other's claim intact;
 *  2. the reference toolstack, strict {N}, 128 MiB: all pages on N while
 *     it boots and at its marker (usage, debug key 'u' and its counter
 *     check, free deltas); the guest's own domctls refused and nothing
 *     changed; ballooned up 64 MiB: every new page on N; ballooned past
 *     N's free memory: stops short, 0 pages off N, the guest still
 *     answers; destroyed: free memory back at the baseline.
 *     Stock Xen: strict is refused as not supported, nothing left;
 *  3. preferred {N} with more memory than N has: the spill is reported
 *     exactly (usage = 'u' node by node, = free deltas); ballooned up, the
 *     new pages spill too, exactly; destroyed: baseline;
 *  4. Debian's xl, unmodified: `xl create` with cpus="node:N" (libxl runs
 *     its own placement and sets an explicit affinity), memory on N; then
 *     `nodeaff set D N --strict` and `xl mem-set`: the new pages on N;
 *     nodeaff get/usage and xl list agree; xl destroy: baseline.
 *
 * A guest that never reaches its marker fails within GUEST_TIMEOUT_S,
 * with its console's tail in the TAP diagnostics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "real-guest.h"
#include "rig-guest.h"
#include "tap.h"

#define GUEST_TIMEOUT_S 180   /* TCG on a loaded 2-core host: 110 s seen */
#define MIB_PAGES 256ULL
#define SLACK 64        /* pages: Xen's own and late RCU frees, as t-placement */

static struct rig_env env;
static unsigned int home, other, nr;   /* Xen node ids; node count */
static const char *seclabel;           /* under FLASK, as xl's seclabel= */
static int flask;
static uint64_t base[RIG_MAX_NODES];   /* free pages, settled, at the start */
static struct nodeaff_nodemap *home_set;

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void diag_lines(const char *who, const char *text)
{
    const char *p = text, *nl;

    while (*p) {
        nl = strchr(p, '\n');
        tap_diag("%s: %.*s", who, (int)(nl ? nl - p : (long)strlen(p)), p);
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* The last line of a command's output: the toolstack's own verdict comes
 * after whatever libxenctrl logged. */
static const char *last_line(const char *out)
{
    static char buf[400];
    size_t n = strlen(out);
    const char *p;

    while (n > 0 && out[n - 1] == '\n')
        n--;
    for (p = out + n; p > out && p[-1] != '\n'; p--)
        ;
    snprintf(buf, sizeof(buf), "%.*s", (int)(out + n - p), p);
    return buf;
}

static int nr_domains(void)
{
    return nodeaff_domain_list(env.h, NULL, 0);
}

/* The checks every witness allows: where domid's pages are, by usage (with
 * the series), debug key 'u' (and its counter cross-check), tot_pages.
 * want_home: pages expected on home, or -1 for "all of them".  Returns the
 * reading for further checks. */
static struct rig_pages where(uint32_t domid, const char *what, int64_t want_home)
{
    struct rig_pages pg;
    uint64_t on, off;

    rig_read_pages(&env, domid, &pg);
    on = rig_sum(pg.key, nr, home_set, 1);
    off = rig_sum(pg.key, nr, home_set, 0);
    if (want_home < 0)
        tap_ok(pg.key_rc > 0 && on == (uint64_t)pg.tot && off == 0,
               "%s: debug key 'u': all %lld pages on node %u (%s)", what,
               (long long)pg.tot, home, rig_fmt_pages(pg.key, nr));
    else
        tap_ok(pg.key_rc > 0 && on + off == (uint64_t)pg.tot,
               "%s: debug key 'u': %llu on node %u, %llu elsewhere, = tot_pages %lld (%s)",
               what, (unsigned long long)on, home, (unsigned long long)off,
               (long long)pg.tot, rig_fmt_pages(pg.key, nr));
    if (env.series) {
        tap_ok(pg.usage_rc > 0 && memcmp(pg.usage, pg.key, nr * sizeof(uint64_t)) == 0 &&
               pg.key_counters == 1,
               "%s: usage equals 'u' node by node (%s), Xen's counters match its page "
               "list", what, rig_fmt_pages(pg.usage, nr));
    } else {
        tap_ok(pg.usage_rc == -EOPNOTSUPP,
               "%s: usage on stock Xen: %d (-EOPNOTSUPP)", what, pg.usage_rc);
        memcpy(pg.usage, pg.key, sizeof(pg.usage));   /* 'u' is the witness */
    }
    return pg;
}

/* Free-memory deltas against base agree with a reading, within SLACK. */
static void free_deltas(const char *what, const struct rig_pages *pg)
{
    uint64_t now[RIG_MAX_NODES], d;
    int ok = 1;
    char buf[256] = "";

    rig_free_now(&env, now);
    for (unsigned int i = 0; i < nr; i++) {
        if (base[i] == UINT64_MAX)
            continue;
        d = now[i] > base[i] ? 0 : base[i] - now[i];
        ok &= d + SLACK >= pg->usage[i] && d <= pg->usage[i] + SLACK;
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " n%u=%llu", i,
                 (unsigned long long)d);
    }
    tap_ok(ok, "%s: xc_numainfo free deltas agree with the pages (within %d):%s", what,
           SLACK, buf);
}

static void back_at_baseline(const char *what)
{
    uint64_t diff = 0;

    rig_wait_free_equals(env.xch, base, nr, &diff);
    tap_ok(diff == 0, "%s: free memory back at the baseline (%llu pages missing)", what,
           (unsigned long long)diff);
}

/* The guest's CALL lines: every call refused as this hypervisor refuses
 * it (dummy XSM: -EPERM; FLASK: the series' ops -EPERM, upstream's
 * -EACCES, FLASK's own denial; stock: the series' ops -EACCES, the
 * interface version check do_domctl makes first, upstream's -EPERM).
 * The controls come first: without them a refusal by the guest's own
 * kernel (Linux's privcmd restricts a domU) would pass for Xen's. */
static void guest_calls(struct pv_guest *g, const char *what)
{
    const char *p = g->out;
    int n = 0, bad = 0;

    while (p && (p = strstr(p, "@G@ CALL "))) {
        char op[64] = "", res[32] = "";
        unsigned int dom = 0;
        const char *want;

        if (sscanf(p, "@G@ CALL %63s dom=%u -> %31s", op, &dom, res) == 3) {
            int upstream = strncmp(op, "upstream-", 9) == 0;

            want = !env.series && !upstream ? "EACCES"
                   : flask && upstream ? "EACCES" : "EPERM";
            n++;
            if (strcmp(res, want) != 0) {
                bad++;
                tap_diag("%s: guest's %s on domain %u: %s, expected %s", what, op, dom,
                         res, want);
            }
        }
        p++;
    }
    /* The controls: the calls reach Xen, and do_domctl. */
    p = g->out ? strstr(g->out, "@G@ CONTROL xen_version -> ") : NULL;
    tap_ok(p && strncmp(p + 27, "4.", 2) == 0 &&
           strstr(g->out, "@G@ CONTROL domctl-bad-version -> EACCES"),
           "%s: control: the guest's privcmd reaches Xen (xen_version %.*s) and "
           "do_domctl (a wrong interface version: EACCES)", what,
           p ? (int)strcspn(p + 27, "\n") : 1, p ? p + 27 : "?");
    tap_ok(n == 12 && bad == 0,
           "%s: the guest's own 12 calls (the series' set/get/reset/usage, upstream "
           "set/get 68/69, on itself and on dom0) all refused as expected (%d seen, %d "
           "not)", what, n, bad);
}

/* The state dom0 reads back: the guest's affinity what the toolstack set,
 * dom0's what it was before the guest ran. */
static void nothing_changed(uint32_t domid, const char *what, unsigned int want_flags,
                            const struct nodeaff_nodemap *dom0_before,
                            unsigned int dom0_flags_before)
{
    struct nodeaff_nodemap *got = NULL, *got0 = NULL;
    unsigned int fl = 0, fl0 = 0;
    int r, r0;

    if (env.series) {
        r = nodeaff_domain_get_state(env.h, domid, &got, &fl);
        r0 = nodeaff_domain_get_state(env.h, 0, &got0, &fl0);
    } else {
        r = nodeaff_domain_get_affinity(env.h, domid, &got);
        r0 = nodeaff_domain_get_affinity(env.h, 0, &got0);
        fl = want_flags, fl0 = dom0_flags_before;
    }
    tap_ok(r == 0 && nodeaff_nodemap_equal(got, home_set) == 1 && fl == want_flags &&
           r0 == 0 && nodeaff_nodemap_equal(got0, dom0_before) == 1 &&
           fl0 == dom0_flags_before,
           "%s: read back from dom0, nothing changed: guest {%s} flags %#x, dom0 {%s} "
           "flags %#x", what, r == 0 ? rig_fmt(got) : "?", fl,
           r0 == 0 ? rig_fmt(got0) : "?", fl0);
    nodeaff_nodemap_free(got);
    nodeaff_nodemap_free(got0);
}

static int boot(struct pv_guest *g, unsigned int mem, unsigned int maxmem,
                unsigned int flags, char *why, size_t len)
{
    return real_guest_boot(env.h, env.xch, home, mem, maxmem, flags, seclabel, g, why, len);
}

/* Waits for a "@G@ PREFIX" line; on timeout a failure with the console's
 * tail.  Returns 1 if it came. */
static int expect_line(struct pv_guest *g, const char *prefix, unsigned int timeout_s,
                       char *line, size_t len, const char *what, double t0)
{
    int r = pv_guest_wait_line(g, prefix, timeout_s * 1000, line, len);

    if (tap_ok(r == 0, "%s: the guest printed \"%s\" (%.1f s)%s", what, prefix,
               now_s() - t0, r == 0 ? "" : r == -ESRCH ? ": it died" : ": timed out"))
        return 1;
    diag_lines("console", pv_guest_console_tail(g, 25));
    return 0;
}

static int64_t balloon(struct pv_guest *g, uint64_t kib, const char *what, long *ret_cur)
{
    char line[256];
    long target = 0, cur = -1;
    double t0 = now_s();

    snprintf(line, sizeof(line), "balloon %llu\n", (unsigned long long)kib);
    if (pv_guest_send(g, line) < 0 ||
        !expect_line(g, "@G@ BALLOON", 150, line, sizeof(line), what, t0))
        return -1;
    sscanf(line, "@G@ BALLOON target_kb=%ld current_kb=%ld", &target, &cur);
    tap_diag("%s: %s", what, line);
    *ret_cur = cur;
    return rig_domain_tot_pages(env.xch, g->domid);
}

static void case_bad_input(void)
{
    char out[2048];
    int before = nr_domains(), r;
    uint64_t too_much = env.mem_bytes[home] / (1 << 20) + 64;

    r = rig_sh(out, sizeof(out), "pv-guest-toolstack --kernel /rig/domu/no-such-kernel "
            "--ramdisk %s --nodes %u --preferred", REAL_GUEST_RAMDISK, home);
    tap_ok(r == 2 && strstr(out, "cannot read the kernel /rig/domu/no-such-kernel") &&
           nr_domains() == before,
           "toolstack, missing kernel: exit %d, \"%s\", %d domain(s) as before", r,
           last_line(out), before);
    r = rig_sh(out, sizeof(out), "pv-guest-toolstack --kernel %s --ramdisk %s --nodes %u",
            REAL_GUEST_KERNEL, REAL_GUEST_RAMDISK, nr + 3);
    tap_ok(r == 2 && strstr(out, "does not have") && nr_domains() == before,
           "toolstack, node %u on a %u-node host: exit %d, \"%s\", nothing left", nr + 3,
           nr, r, last_line(out));
    r = rig_sh(out, sizeof(out), "pv-guest-toolstack --kernel %s --ramdisk %s --nodes %u "
            "--strict --memory %llu%s%s", REAL_GUEST_KERNEL, REAL_GUEST_RAMDISK, home,
            (unsigned long long)too_much, seclabel ? " --seclabel " : "",
            seclabel ? seclabel : "");
    if (env.series)
        tap_ok(r == 2 && strstr(out, "do not fit strictly") &&
               strstr(out, "refused at the claim, nothing was populated") &&
               nr_domains() == before,
               "toolstack, %llu MiB strict on node %u (%llu MiB): exit %d, \"%s\", "
               "nothing left", (unsigned long long)too_much, home,
               (unsigned long long)(env.mem_bytes[home] >> 20), r, last_line(out));
    else
        tap_ok(r == 2 && strstr(out, "not supported") && nr_domains() == before,
               "toolstack, strict on stock Xen: exit %d, \"%s\", nothing left", r,
               last_line(out));
    /* A guest that never reaches its marker: no init, the kernel panics.
     * The toolstack must give up within its timeout, show the console's
     * tail, and destroy the domain. */
    {
        double t0 = now_s();

        r = rig_sh(out, sizeof(out), "pv-guest-toolstack --kernel %s --ramdisk %s "
                          "--nodes %u --preferred --memory 128 --timeout 90 --cmdline "
                          "'console=hvc0 rdinit=/no-such-init'%s%s", REAL_GUEST_KERNEL,
                          REAL_GUEST_RAMDISK, home, seclabel ? " --seclabel " : "",
                          seclabel ? seclabel : "");
        tap_ok(r == 1 && strstr(out, "its console ended with:") &&
               strstr(out, "Kernel panic") && nr_domains() == before,
               "toolstack, a guest that never prints its marker: exit %d after %.1f s "
               "(bounded: 90 s), the console's tail shown, nothing left", r, now_s() - t0);
        /* It was built the way the toolstack builds every guest: claimed
         * first where the hypervisor has claims, and it says which. */
        if (env.series)
            tap_ok(strstr(out, "claimed 128 MiB on node(s)") != NULL,
                   "toolstack: claimed the guest's 128 MiB on node %u before populating "
                   "(\"%.60s\")", home, strstr(out, "claimed") ? strstr(out, "claimed") : "");
        else
            tap_ok(strstr(out, "going on without a claim") && !strstr(out, "claimed "),
                   "toolstack on stock Xen: no claims, says it goes on without one");
        if (r != 1) {
            diag_lines("toolstack", out);
        } else {
            const char *why = strstr(out, "pv-guest-toolstack: domain");
            const char *panic = strstr(out, "Kernel panic");

            tap_diag("%.*s", why ? (int)strcspn(why, "\n") : 0, why ? why : "");
            tap_diag("its console: %.*s", panic ? (int)strcspn(panic, "\n") : 0,
                     panic ? panic : "");
        }
    }
    r = rig_sh(out, sizeof(out), "xl list | tail -n +2 | wc -l");
    tap_ok(r == 0 && atoi(out) == before,
           "xl list shows %d domain(s), as before the refusals", atoi(out));
    back_at_baseline("after the refusals");
}

/* Issue 16: node N has the free memory for a 128 MiB strict guest, but
 * another domain has claimed all but 64 MiB of it.  The toolstack's claim
 * is refused, so nothing is populated and no domain is left, and the
 * other domain's claim is what it was. */
static void case_claimed_elsewhere(void)
{
    uint64_t want[RIG_MAX_NODES] = { 0 }, got[RIG_MAX_NODES], free0, free1;
    int before = nr_domains(), blocker, r;
    char out[2048];

    if (!env.series) {
        tap_skip("claimed elsewhere: stock Xen has no per-node claims");
        return;
    }
    blocker = rig_domain_create(env.xch);
    free0 = rig_free_pages(&env, home);
    want[home] = free0 > 64 * MIB_PAGES ? free0 - 64 * MIB_PAGES : 0;
    r = blocker < 0 ? blocker
                    : nodeaff_domain_claim(env.h, (uint32_t)blocker, want, nr, NULL, NULL);
    if (!tap_ok(r == 0, "claimed elsewhere: d%d claims %llu of node %u's %llu free pages: %d",
                blocker, (unsigned long long)want[home], home, (unsigned long long)free0, r))
        goto out;
    r = rig_sh(out, sizeof(out), "pv-guest-toolstack --kernel %s --ramdisk %s "
                      "--nodes %u --strict --memory 128%s%s", REAL_GUEST_KERNEL,
                      REAL_GUEST_RAMDISK, home, seclabel ? " --seclabel " : "",
                      seclabel ? seclabel : "");
    free1 = rig_free_pages(&env, home);
    tap_ok(r == 2 && strstr(out, "refused at the claim, nothing was populated") &&
           nr_domains() == before + 1,
           "claimed elsewhere: 128 MiB strict on node %u (%llu MiB free, all but 64 "
           "claimed): exit %d, \"%s\", no domain left", home,
           (unsigned long long)(free0 / MIB_PAGES), r, last_line(out));
    tap_ok(free1 + SLACK >= free0,
           "claimed elsewhere: nothing was populated on node %u (%llu free pages before, "
           "%llu after)", home, (unsigned long long)free0, (unsigned long long)free1);
    r = nodeaff_domain_get_claim(env.h, (uint32_t)blocker, got, RIG_MAX_NODES, NULL);
    tap_ok(r == (int)nr && !memcmp(got, want, nr * sizeof(*got)),
           "claimed elsewhere: d%d's claim intact (%s)", blocker, rig_fmt_pages(got, nr));
out:
    if (blocker >= 0)
        rig_domain_destroy(env.xch, (uint32_t)blocker);
    back_at_baseline("claimed elsewhere, the claimer destroyed");
}

static void case_strict(const struct nodeaff_nodemap *d0, unsigned int d0fl)
{
    const unsigned int mem = 128, grow = 64;
    unsigned int maxmem = mem + grow + (unsigned int)(env.mem_bytes[home] >> 20) + 64;
    struct pv_guest g;
    struct rig_pages pg;
    char why[512], line[256];
    double t0 = now_s();
    int64_t tot0, tot1, tot2;
    long cur;
    int r;

    r = boot(&g, mem, maxmem, NODEAFF_STRICT, why, sizeof(why));
    if (!env.series) {
        tap_ok(r == -EOPNOTSUPP && strstr(why, "not supported"),
               "strict {%u} on stock Xen: refused, \"%s\"", home, why);
        if (r == 0)
            pv_guest_destroy(&g);
        return;
    }
    if (!tap_ok(r == 0, "strict {%u}: %u MiB guest built and started (%.1f s): %s", home,
                mem, now_s() - t0, r == 0 ? "ok" : why))
        return;
    pg = where(g.domid, "strict, booting", -1);
    free_deltas("strict, booting", &pg);
    if (!expect_line(&g, "@G@ READY", GUEST_TIMEOUT_S, line, sizeof(line),
                     "strict, boot", t0))
        goto destroy;
    tap_diag("strict: the guest printed: %s", line);
    tap_diag("strict: xc_domain_create to marker: %.1f s", now_s() - t0);
    guest_calls(&g, "strict");
    nothing_changed(g.domid, "strict", NODEAFF_STRICT, d0, d0fl);
    pg = where(g.domid, "strict, at the marker", -1);
    free_deltas("strict, at the marker", &pg);
    tot0 = pg.tot;

    tot1 = balloon(&g, (uint64_t)(mem + grow) * 1024, "strict, balloon +64 MiB", &cur);
    tap_ok(tot1 == tot0 + (int64_t)(grow * MIB_PAGES) && cur == (long)(mem + grow) * 1024,
           "strict, balloon +64 MiB: tot_pages %lld -> %lld (+%llu), guest at %ld KiB",
           (long long)tot0, (long long)tot1, grow * MIB_PAGES, cur);
    where(g.domid, "strict, after +64 MiB", -1);

    tot2 = balloon(&g, (uint64_t)maxmem * 1024, "strict, balloon past node's free", &cur);
    pg = where(g.domid, "strict, past the node's free memory", -1);
    {
        uint64_t free_home = rig_free_pages(&env, home);

        tap_ok(tot2 > tot1 && cur > 0 && cur < (long)maxmem * 1024 && free_home <= SLACK,
               "strict, asked for %u MiB: stopped short at %ld KiB (tot_pages %lld), "
               "node %u has %llu pages free, 0 pages elsewhere", maxmem, cur,
               (long long)tot2, home, (unsigned long long)free_home);
    }
    r = pv_guest_send(&g, "ping\n");
    if (r == 0 && expect_line(&g, "@G@ PONG", 30, line, sizeof(line),
                              "strict, still alive after the refused balloon", now_s()))
        tap_diag("strict: %s", line);
destroy:
    r = pv_guest_destroy(&g);
    tap_ok(r == 0, "strict: destroyed (%d)", r);
    back_at_baseline("strict, destroyed");
}

static void case_preferred(const struct nodeaff_nodemap *d0, unsigned int d0fl)
{
    unsigned int mem = (unsigned int)(env.mem_bytes[home] >> 20) + 64, grow = 64;
    struct pv_guest g;
    struct rig_pages pg, pg2;
    char why[512], line[256];
    double t0 = now_s();
    uint64_t on0, off0, on1, off1;
    int64_t tot1;
    long cur;
    int r;

    r = boot(&g, mem, mem + grow, 0, why, sizeof(why));
    if (!tap_ok(r == 0, "preferred {%u}: %u MiB guest (node %u has %llu MiB) built "
                "(%.1f s): %s", home, mem, home,
                (unsigned long long)(env.mem_bytes[home] >> 20), now_s() - t0,
                r == 0 ? "ok" : why))
        return;
    pg = where(g.domid, "preferred, booting", 0);
    free_deltas("preferred, booting", &pg);
    if (!expect_line(&g, "@G@ READY", GUEST_TIMEOUT_S, line, sizeof(line),
                     "preferred, boot", t0))
        goto destroy;
    tap_diag("preferred: the guest printed: %s", line);
    tap_diag("preferred: xc_domain_create to marker: %.1f s", now_s() - t0);
    guest_calls(&g, "preferred");
    nothing_changed(g.domid, "preferred", 0, d0, d0fl);
    pg = where(g.domid, "preferred, at the marker", 0);
    on0 = rig_sum(pg.usage, nr, home_set, 1);
    off0 = rig_sum(pg.usage, nr, home_set, 0);
    tap_ok(off0 > 0 && on0 > 0, "preferred: spilled %llu pages off node %u, %llu on it",
           (unsigned long long)off0, home, (unsigned long long)on0);
    free_deltas("preferred, at the marker", &pg);

    tot1 = balloon(&g, (uint64_t)(mem + grow) * 1024, "preferred, balloon +64 MiB", &cur);
    pg2 = where(g.domid, "preferred, after +64 MiB", 0);
    on1 = rig_sum(pg2.usage, nr, home_set, 1);
    off1 = rig_sum(pg2.usage, nr, home_set, 0);
    tap_ok(tot1 == pg.tot + (int64_t)(grow * MIB_PAGES) && off1 > off0 &&
           (on1 - on0) + (off1 - off0) == grow * MIB_PAGES,
           "preferred, balloon +64 MiB: %llu new pages, %llu on node %u, %llu spilled",
           grow * MIB_PAGES, (unsigned long long)(on1 - on0), home,
           (unsigned long long)(off1 - off0));
    free_deltas("preferred, after the balloon", &pg2);
destroy:
    r = pv_guest_destroy(&g);
    tap_ok(r == 0, "preferred: destroyed (%d)", r);
    back_at_baseline("preferred, destroyed");
}

/* Debian's xl, unmodified. */
static void case_xl(void)
{
    char out[4096], cfgp[] = "/etc/xen/t-guests-xl.cfg";
    const char *log = "/var/log/xen/console/guest-xlguest.log";
    FILE *f = fopen(cfgp, "w");
    struct nodeaff_nodemap *got = NULL;
    unsigned int fl = 0;
    double t0;
    int r, domid = -1, seen = 0;
    struct rig_pages pg;

    if (!f) {
        tap_ok(0, "xl: writing %s: %s", cfgp, strerror(errno));
        return;
    }
    fprintf(f, "name = \"xlguest\"\nkernel = \"%s\"\nramdisk = \"%s\"\n"
            "extra = \"console=hvc0 quiet\"\nmemory = 128\nmaxmem = 256\nvcpus = 1\n"
            "cpus = \"node:%u\"\non_crash = \"preserve\"\n%s%s%s", REAL_GUEST_KERNEL,
            REAL_GUEST_RAMDISK, home, seclabel ? "seclabel = \"" : "",
            seclabel ? seclabel : "", seclabel ? "\"\n" : "");
    fclose(f);
    /* A daemon: its output must not hold our pipe open. */
    rig_sh(NULL, 0, "mkdir -p /var/log/xen/console /var/run/xen; xenconsoled --log=guest "
        "--log-dir=/var/log/xen/console </dev/null >/tmp/xenconsoled.log 2>&1");
    t0 = now_s();
    r = rig_sh(out, sizeof(out), "timeout 90 xl create %s", cfgp);
    if (!tap_ok(r == 0, "xl create with cpus=\"node:%u\": exit %d (%.1f s)", home, r,
                now_s() - t0)) {
        diag_lines("xl", out);
        return;
    }
    if (rig_sh(out, sizeof(out), "xl domid xlguest") == 0)
        domid = atoi(out);
    while (domid > 0 && now_s() - t0 < GUEST_TIMEOUT_S && !seen) {
        seen = rig_sh(NULL, 0, "grep -q '@G@ READY' %s", log) == 0;
        if (!seen)
            usleep(200 * 1000);
    }
    if (!tap_ok(seen, "xl: the guest (domain %d) printed its marker (%.1f s after xl "
                "create started)", domid, now_s() - t0)) {
        rig_sh(out, sizeof(out), "tail -n 25 %s", log);
        diag_lines("console", out);
        goto destroy;
    }
    rig_sh(out, sizeof(out), "grep '@G@ READY' %s | head -1", log);
    tap_diag("xl: the guest printed: %s", strtok(out, "\n"));
    r = nodeaff_domain_get_affinity(env.h, (uint32_t)domid, &got);
    if (env.series)
        nodeaff_domain_get_state(env.h, (uint32_t)domid, NULL, &fl);
    tap_ok(r == 0 && nodeaff_nodemap_equal(got, home_set) == 1,
           "xl: affinity {%s} (%s: libxl's own placement picks the node of cpus= and "
           "sets it)", r == 0 ? rig_fmt(got) : "?",
           !env.series ? "stock, mode unknown" : fl & NODEAFF_AUTO ? "automatic"
                                                               : "explicit");
    nodeaff_nodemap_free(got);
    where((uint32_t)domid, "xl, at the marker", -1);

    r = rig_sh(out, sizeof(out), "nodeaff set %d %u --strict", domid, home);
    if (!env.series)
        tap_ok(r != 0 && strstr(out, "not supported"),
               "xl: nodeaff set --strict on stock Xen refused: %s (libxl's preferred "
               "affinity stays)", last_line(out));
    else
        tap_ok(r == 0, "xl: nodeaff set %d %u --strict: exit %d", domid, home, r);
    t0 = now_s();
    r = rig_sh(out, sizeof(out), "xl mem-set xlguest 192");
    tap_ok(r == 0, "xl mem-set xlguest 192: exit %d", r);
    while (rig_domain_tot_pages(env.xch, (uint32_t)domid) < (int64_t)(192 * MIB_PAGES) &&
           now_s() - t0 < 60)
        usleep(200 * 1000);
    pg = where((uint32_t)domid, env.series ? "xl, strict, after xl mem-set 192"
                                           : "xl, preferred, after xl mem-set 192", -1);
    tap_ok(pg.tot >= (int64_t)(192 * MIB_PAGES),
           "xl: ballooned to %lld pages (%.1f s)", (long long)pg.tot, now_s() - t0);
    {
        char get[512], use[1024], list[1024], want[32];
        unsigned int listed = 0;

        rig_sh(get, sizeof(get), "nodeaff get %d", domid);
        rig_sh(use, sizeof(use), "nodeaff usage --mib %d", domid);
        rig_sh(list, sizeof(list), "xl list xlguest | tail -1");
        sscanf(list, "%*s %*d %u", &listed);
        diag_lines("nodeaff get", get);
        diag_lines("nodeaff usage", use);
        diag_lines("xl list", list);
        snprintf(want, sizeof(want), "nodes %u", home);
        tap_ok(strstr(get, want) && (!env.series || (strstr(get, "strict") &&
                                                     strstr(get, "explicit"))) &&
               listed == (unsigned int)(pg.tot / MIB_PAGES),
               "xl: nodeaff get says %s%s, xl list's %u MiB = the %lld pages counted",
               want, env.series ? " explicit strict" : "", listed, (long long)pg.tot);
    }
destroy:
    r = domid > 0 ? rig_sh(out, sizeof(out), "xl destroy xlguest") : -1;
    tap_ok(r == 0, "xl destroy: exit %d", r);
    back_at_baseline("xl, destroyed");
}

int main(int argc, char **argv)
{
    struct nodeaff_nodemap *d0 = NULL;
    unsigned int mem[RIG_MAX_NODES], nm, d0fl = 0;

    if (!real_guest_present()) {
        printf("1..0 # SKIP no real guest in this dom0 (rig --guest-payload)\n");
        return 0;
    }
    rig_env_open(&env, argc, argv);
    nr = env.nr_nodes;
    nm = rig_mem_nodes(&env, mem);
    if (nm < 2) {
        printf("1..0 # SKIP needs two nodes with memory\n");
        return 0;
    }
    home = mem[nm - 1];
    other = mem[0];
    home_set = rig_nodemap(nr, 1, &home);
    flask = rig_flask_enforcing(env.xch) == 1;
    seclabel = flask ? "system_u:system_r:domU_t" : NULL;
    tap_diag("home node %u (%llu MiB), spill node %u; %s Xen%s", home,
             (unsigned long long)(env.mem_bytes[home] >> 20), other,
             env.series ? "patched" : "stock", flask ? ", FLASK enforcing" : "");
    {
        char out[1024];
        int r = real_guest_start_xenstore(out, sizeof(out));

        if (r != 0)
            tap_bail("xenstored + xen-init-dom0: exit %d: %s", r, out);
    }
    if (env.series)
        nodeaff_domain_get_state(env.h, 0, &d0, &d0fl);
    else
        nodeaff_domain_get_affinity(env.h, 0, &d0);
    rig_free_settled(&env, base);

    case_bad_input();
    case_claimed_elsewhere();
    case_strict(d0, d0fl);
    case_preferred(d0, d0fl);
    case_xl();

    nodeaff_nodemap_free(d0);
    nodeaff_nodemap_free(home_set);
    rig_env_close(&env);
    return tap_done();
}
