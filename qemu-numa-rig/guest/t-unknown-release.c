/* A Xen release libnodeaff does not know (issue 13), on the real
 * hypervisor.
 *
 * This program is linked against the library's own objects with a release
 * table from which the running release has been removed (src/xen/
 * releases.c compiled with NODEAFF_RELEASES_DROP, see meson.build): to
 * that library the rig's Xen is a release it has never heard of, which is
 * what a future Xen is to a libnodeaff built today.  It checks:
 *
 *   - nodeaff_open() succeeds, and nodeaff_hypervisor_version() reports
 *     the running release (as libxenctrl's xc_version() reads it) with
 *     -EPROTONOSUPPORT, the domctl version the hypervisor really answers
 *     to, and no sysctl version;
 *   - every upstream operation fails with -EPROTONOSUPPORT, never -EACCES
 *     or -EOPNOTSUPP;
 *   - the series' stable operations (state, usage, set, reset) still work
 *     on the patched hypervisor, checked against libxenctrl's view; on the
 *     stock one they report the series absent (-EOPNOTSUPP);
 *   - the variant nodeaff command (NODEAFF_UNKNOWN_TOOL, in dom0's PATH)
 *     prints "this hypervisor (Xen X.Y, domctl interface 0xNN) is newer
 *     than this libnodeaff knows", and the real nodeaff command reports
 *     the release as known;
 *   - with privcmd hidden (a private mount namespace with an empty tmpfs
 *     over /dev/xen and /proc/xen) nodeaff_open() fails with -ENOENT and
 *     the command says privcmd is missing, not "permission denied".
 *
 * On a release other than the one the table lacks it skips: the table
 * still knows it.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenctrl.h>

#include "nodeaff.h"
#include "tap.h"

static char out[16384];

/* Runs a shell command with stderr to stdout; returns the exit status. */
__attribute__((format(printf, 1, 2)))
static int run(const char *fmt, ...)
{
    char cmd[512];
    va_list ap;
    size_t len = 0, n;
    FILE *f;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
    out[0] = '\0';
    f = popen(cmd, "r");
    if (!f)
        return -1;
    while (len < sizeof(out) - 1 &&
           (n = fread(out + len, 1, sizeof(out) - 1 - len, f)) > 0)
        len += n;
    out[len] = '\0';
    st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *first_line(void)
{
    static char line[240];
    size_t n = strcspn(out, "\n");

    if (n >= sizeof(line))
        n = sizeof(line) - 1;
    memcpy(line, out, n);
    line[n] = '\0';
    return line;
}

/* Node affinity of domid as libxenctrl reads it, as a nodemap. */
static int xc_affinity(xc_interface *xch, uint32_t domid, unsigned int nr,
                       struct nodeaff_nodemap **ret)
{
    xc_nodemap_t map = xc_nodemap_alloc(xch);
    int ret_code;

    if (!map)
        return -ENOMEM;
    if (xc_domain_node_getaffinity(xch, domid, map) < 0) {
        ret_code = -errno;
        free(map);
        return ret_code;
    }
    ret_code = nodeaff_nodemap_new(nr, ret);
    if (ret_code == 0)
        ret_code = nodeaff_nodemap_import_raw(*ret, map, nr);
    free(map);
    return ret_code;
}

static void check_version(struct nodeaff_handle *h, int major, int minor)
{
    unsigned int ma = 0, mi = 0, dom = 1, sys = 1;
    int ret = nodeaff_hypervisor_version(h, &ma, &mi, &dom, &sys);

    tap_ok(ret == -EPROTONOSUPPORT,
           "hypervisor_version: -EPROTONOSUPPORT for the dropped release "
           "(got %d)", ret);
    tap_ok(ma == (unsigned int)major && mi == (unsigned int)minor,
           "hypervisor_version: Xen %u.%u, xc_version says %d.%d",
           ma, mi, major, minor);
    /* This program is built with the headers of the release the rig
     * boots, so the version probed must be theirs. */
    tap_ok(dom == XEN_DOMCTL_INTERFACE_VERSION,
           "hypervisor_version: domctl interface 0x%02x found by probing, "
           "the headers' is 0x%02x", dom, XEN_DOMCTL_INTERFACE_VERSION);
    tap_ok(sys == 0, "hypervisor_version: sysctl interface unknown (%u)",
           sys);
}

static void check_upstream(struct nodeaff_handle *h, int series)
{
    struct nodeaff_topology *t = NULL;
    struct nodeaff_nodemap *map = NULL;
    uint32_t ids[8];
    int ret;

    ret = nodeaff_domain_list(h, ids, 8);
    tap_ok(ret == -EPROTONOSUPPORT, "domain_list: -EPROTONOSUPPORT (%d)",
           ret);
    ret = nodeaff_topology_from_host(h, &t);
    tap_ok(ret == -EPROTONOSUPPORT && !t,
           "topology_from_host: -EPROTONOSUPPORT (%d)", ret);
    if (series)
        return;
    /* Stock: set/get/reset have only the upstream domctls. */
    ret = nodeaff_domain_get_affinity(h, 0, &map);
    tap_ok(ret == -EPROTONOSUPPORT && !map,
           "stock: get_affinity: -EPROTONOSUPPORT, not -EOPNOTSUPP (%d)", ret);
    ret = nodeaff_domain_reset_affinity(h, 0);
    tap_ok(ret == -EPROTONOSUPPORT,
           "stock: reset_affinity: -EPROTONOSUPPORT (%d)", ret);
    ret = nodeaff_nodemap_new(1, &map);
    if (ret == 0)
        ret = nodeaff_nodemap_set(map, 0);
    if (ret == 0)
        ret = nodeaff_domain_set_affinity(h, 0, map, 0);
    tap_ok(ret == -EPROTONOSUPPORT,
           "stock: set_affinity: -EPROTONOSUPPORT, not -ERANGE (%d)", ret);
    nodeaff_nodemap_free(map);
    map = NULL;
    ret = nodeaff_domain_get_state(h, 0, &map, &(unsigned int){ 0 });
    tap_ok(ret == -EOPNOTSUPP,
           "stock: get_state: -EOPNOTSUPP, the series is absent (%d)", ret);
}

static void check_set(struct nodeaff_handle *h,
                      const struct nodeaff_nodemap *mask, unsigned int strict)
{
    struct nodeaff_nodemap *now = NULL;
    unsigned int flags = NODEAFF_AUTO;
    int ret = nodeaff_domain_set_affinity(h, 0, mask, strict);

    if (ret == 0)
        ret = nodeaff_domain_get_state(h, 0, &now, &flags);
    tap_ok(ret == 0 && flags == strict && nodeaff_nodemap_equal(now, mask) == 1,
           "set_affinity(0) through the series: explicit, %s, the mask "
           "given (%d, flags %#x)", strict ? "strict" : "preferred", ret,
           flags);
    nodeaff_nodemap_free(now);
}

static void check_reset(struct nodeaff_handle *h)
{
    unsigned int flags = 0;
    int ret = nodeaff_domain_reset_affinity(h, 0);

    if (ret == 0)
        ret = nodeaff_domain_get_state(h, 0, NULL, &flags);
    tap_ok(ret == 0 && flags == NODEAFF_AUTO,
           "reset_affinity(0) through the series: automatic (%d, flags %#x)",
           ret, flags);
}

/* The series' own operations on dom0, against libxenctrl's view. */
static void check_series(struct nodeaff_handle *h, xc_interface *xch)
{
    struct nodeaff_nodemap *got = NULL, *ref = NULL;
    xc_domaininfo_t info;
    unsigned int flags = 0, nr = 0, i;
    uint64_t pages[1024], sum = 0;
    int ret;

    if (xc_numainfo(xch, &nr, NULL, NULL) < 0 || nr == 0)
        tap_bail("xc_numainfo: %s", strerror(errno));

    ret = nodeaff_domain_get_usage(h, 0, pages, 1024);
    tap_ok(ret == (int)nr, "get_usage(0): %d entries, numainfo has %u nodes",
           ret, nr);
    for (i = 0; ret > 0 && i < (unsigned int)ret; i++)
        sum += pages[i];
    if (xc_domain_getinfolist(xch, 0, 1, &info) != 1)
        tap_bail("xc_domain_getinfolist: %s", strerror(errno));
    tap_ok(sum == info.tot_pages, "get_usage(0): %llu pages in all, "
           "xc_domain_getinfolist says %llu", (unsigned long long)sum,
           (unsigned long long)info.tot_pages);

    ret = nodeaff_domain_get_state(h, 0, &got, &flags);
    tap_ok(ret == 0, "get_state(0): %d, flags %#x", ret, flags);
    if (ret < 0)
        return;
    if (xc_affinity(xch, 0, nr, &ref) < 0)
        tap_bail("xc_domain_node_getaffinity failed");
    tap_ok(nodeaff_nodemap_equal(got, ref) == 1,
           "get_state(0): the mask libxenctrl reads");
    /* Through the series, dom0 to the other mode and back: set its mask
     * explicit then reset, or (the rig's dom0_nodes= makes it explicit)
     * reset then set its mask and strictness again. */
    if (flags & NODEAFF_AUTO) {
        check_set(h, got, 0);
        check_reset(h);
    } else {
        check_reset(h);
        check_set(h, got, flags & NODEAFF_STRICT);
    }

    nodeaff_nodemap_free(got);
    nodeaff_nodemap_free(ref);
}

static void check_cli(int major, int minor, int series)
{
    char want[160];
    int st;

    snprintf(want, sizeof(want), "this hypervisor (Xen %d.%d, domctl "
             "interface 0x%02x) is newer than this libnodeaff knows",
             major, minor, XEN_DOMCTL_INTERFACE_VERSION);
    st = run(NODEAFF_UNKNOWN_TOOL " topology");
    tap_ok(st == 1 && strstr(out, want) && !strstr(out, "Permission") &&
           !strstr(out, "lacks"),
           NODEAFF_UNKNOWN_TOOL " topology: exit %d, '%s'", st, first_line());
    st = run(NODEAFF_UNKNOWN_TOOL " get 0");
    if (series) {
        static char mine[sizeof(out)];
        int ref_st, same;

        /* The series' get: what the full-table command prints. */
        memcpy(mine, out, sizeof(mine));
        ref_st = run("nodeaff get 0");
        same = strcmp(mine, out) == 0;
        tap_ok(st == 0 && ref_st == 0 && same && strstr(out, "domain 0:"),
               NODEAFF_UNKNOWN_TOOL " get 0 (the series' op): exit %d, '%s', "
               "nodeaff get 0 exit %d, %s", st, first_line(), ref_st,
               same ? "the same" : "different");
    } else
        tap_ok(st == 1 && strstr(out, want),
               NODEAFF_UNKNOWN_TOOL " get 0 (stock): exit %d, '%s'", st,
               first_line());
    st = run(NODEAFF_UNKNOWN_TOOL " version");
    tap_ok(st == 1 && strstr(out, "release unknown") && strstr(out, want),
           NODEAFF_UNKNOWN_TOOL " version: exit %d, '%s'", st, first_line());

    /* The library built with the full table knows the release. */
    snprintf(want, sizeof(want), "Xen %d.%d\ndomctl interface 0x%02x\n",
             major, minor, XEN_DOMCTL_INTERFACE_VERSION);
    st = run("nodeaff version");
    tap_ok(st == 0 && strstr(out, want) && strstr(out, "release known"),
           "nodeaff version: exit %d, '%s'", st, first_line());
}

/* In a child with its own mount namespace: privcmd hidden. */
static int hide_privcmd(void)
{
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return -errno;
    if (mount("none", "/dev/xen", "tmpfs", 0, NULL) < 0)
        return -errno;
    if (access("/proc/xen", F_OK) == 0 &&
        mount("none", "/proc/xen", "tmpfs", 0, NULL) < 0)
        return -errno;
    return 0;
}

static void check_no_privcmd(void)
{
    struct nodeaff_handle *h = NULL;
    pid_t pid;
    int st, ret;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        tap_bail("fork: %s", strerror(errno));
    if (pid == 0) {
        ret = hide_privcmd();
        if (ret < 0)
            _exit(100);
        ret = nodeaff_open(0, &h);
        if (ret == 0)
            _exit(101);
        if (ret != -ENOENT)
            _exit(102);
        st = run("nodeaff topology");
        if (st != 1 || !strstr(out, "cannot open the hypervisor: No such "
                               "file or directory; no /dev/xen/privcmd"))
            _exit(103);
        _exit(0);
    }
    if (waitpid(pid, &st, 0) < 0)
        tap_bail("waitpid: %s", strerror(errno));
    st = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (st == 100) {
        tap_skip("privcmd hidden: cannot make a mount namespace here");
        return;
    }
    tap_ok(st == 0, "privcmd hidden: nodeaff_open -ENOENT, and nodeaff "
           "topology says privcmd is missing (child status %d: 101 opened, "
           "102 another errno, 103 another message)", st);
}

int main(int argc, char **argv)
{
    struct nodeaff_handle *h = NULL;
    xc_interface *xch;
    int v, major, minor, ret, features, series;

    (void)argc;
    (void)argv;
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch)
        tap_bail("xc_interface_open: %s", strerror(errno));
    v = xc_version(xch, XENVER_version, NULL);
    major = v >> 16;
    minor = v & 0xffff;
    if (((major << 8) | minor) != NODEAFF_RELEASES_DROP) {
        tap_skip("this library's table lacks release %#x only; this is "
                 "Xen %d.%d", NODEAFF_RELEASES_DROP, major, minor);
        tap_plan_late();
        return 0;
    }

    ret = nodeaff_open(0, &h);
    tap_ok(ret == 0, "nodeaff_open on Xen %d.%d, a release the table "
           "lacks: %d", major, minor, ret);
    if (ret < 0)
        tap_bail("cannot go on without a handle");
    features = nodeaff_features(h);
    series = (features & NODEAFF_FEATURE_STATE) != 0;
    tap_diag("features %#x (%s)", features, series ? "patched" : "stock");
    tap_ok(series ? features == (NODEAFF_FEATURE_AFFINITY |
                                 NODEAFF_FEATURE_STRICT |
                                 NODEAFF_FEATURE_STATE |
                                 NODEAFF_FEATURE_USAGE |
                                 NODEAFF_FEATURE_CLAIMS)
                  : features == 0,
           "features %#x: the series' own, or none on stock Xen", features);

    check_version(h, major, minor);
    check_upstream(h, series);
    if (series)
        check_series(h, xch);
    nodeaff_close(h);
    check_cli(major, minor, series);
    check_no_privcmd();

    xc_interface_close(xch);
    tap_plan_late();
    return tap_failed ? 1 : 0;
}
