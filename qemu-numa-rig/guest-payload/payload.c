/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real guest's program (issue 15): runs as the last step of a Linux PV
 * domU's init (init.sh), statically linked, and talks on its console
 * (hvc0) in lines starting "@G@ ", which the rig's test reads from the
 * console ring (or xenconsoled's log).
 *
 * At start:
 *   @G@ MEM domid=D memtotal_kb=K current_kb=C target_kb=T
 *   @G@ CONTROL xen_version -> 4.17                 (privcmd reaches Xen)
 *   @G@ CONTROL domctl-bad-version -> EACCES        (and do_domctl)
 *   @G@ CALL <op> dom=<D|0> -> <errno name or ok>     (one per call)
 *   @G@ CALLS refused=R of N
 *   @G@ READY domid=D current_kb=C                    (the marker)
 * Then, one command per console input line:
 *   balloon KIB  ->  @G@ BALLOON target_kb=T current_kb=C
 *       (writes the balloon driver's sysfs target, waits until the guest
 *       reaches it or stops moving for 3 s)
 *   ping         ->  @G@ PONG current_kb=C
 *   mem          ->  @G@ MEM ...
 *
 * The calls: the series' four domctls (set strict, get, reset, usage) and
 * upstream's XEN_DOMCTL_setnodeaffinity (68) / getnodeaffinity (69),
 * through /dev/xen/privcmd, on the guest itself and on dom0.  A set asks
 * for a mask that differs from what the toolstack gave ({0} for itself,
 * {1} strict for dom0), so that a call that got through would show in the
 * state dom0 reads back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/io/xs_wire.h>

#include "xen-public-nodeaff.h"

#define SYSFS "/sys/devices/system/xen_memory/xen_memory0/"

/* linux/include/uapi/xen/privcmd.h */
struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static long read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;

    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

static long memtotal_kb(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    long v = -1;

    if (f) {
        if (fscanf(f, "MemTotal: %ld kB", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

/* Our domid, from xenstore's "domid" under our home (the toolstack wrote
 * it there), through the xenbus device: one XS_READ request. */
static long read_domid(void)
{
    struct {
        struct xsd_sockmsg hdr;
        char body[64];
    } msg = { .hdr = { .type = XS_READ, .req_id = 1, .len = sizeof("domid") } };
    int fd = open("/dev/xen/xenbus", O_RDWR);
    ssize_t n;
    long id = -1;

    if (fd < 0)
        return -1;
    memcpy(msg.body, "domid", sizeof("domid"));
    if (write(fd, &msg, sizeof(msg.hdr) + msg.hdr.len) > 0) {
        memset(&msg, 0, sizeof(msg));
        n = read(fd, &msg, sizeof(msg) - 1);
        if (n > (ssize_t)sizeof(msg.hdr) && msg.hdr.type == XS_READ)
            id = strtol(msg.body, NULL, 10);
    }
    close(fd);
    return id;
}

static void print_mem(long domid)
{
    printf("@G@ MEM domid=%ld memtotal_kb=%ld current_kb=%ld target_kb=%ld\n", domid,
           memtotal_kb(), read_long(SYSFS "info/current_kb"), read_long(SYSFS "target_kb"));
    fflush(stdout);
}

/* Hypercall buffers: locked so that Xen can copy to and from them. */
static void *hbuf;

static int domctl(int fd, void *op)
{
    struct privcmd_hypercall call = {
        .op = __HYPERVISOR_domctl,
        .arg = { (uint64_t)(uintptr_t)op },
    };

    return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call) < 0 ? errno : 0;
}

static const char *errname(int e)
{
    switch (e) {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ESRCH: return "ESRCH";
    case EINVAL: return "EINVAL";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOSYS: return "ENOSYS";
    case EFAULT: return "EFAULT";
    default: return strerror(e);
    }
}

/* One of the six calls on domid; returns 0 or the errno. */
static int one_call(int fd, const char *what, uint16_t domid, uint8_t mask)
{
    struct xen_domctl *up = hbuf;
    struct xen_domctl_nodeaff *na = hbuf;
    uint8_t *bits = (uint8_t *)hbuf + 2048;
    uint64_t *pages = (uint64_t *)((uint8_t *)hbuf + 2048 + 512);

    memset(hbuf, 0, 4096);
    bits[0] = mask;
    if (strncmp(what, "upstream-", 9) == 0) {
        up->cmd = strcmp(what, "upstream-set") == 0 ? XEN_DOMCTL_setnodeaffinity
                                                    : XEN_DOMCTL_getnodeaffinity;
        up->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        up->domain = domid;
        set_xen_guest_handle(up->u.nodeaffinity.nodemap.bitmap, bits);
        up->u.nodeaffinity.nodemap.nr_bits = 8;
        return domctl(fd, up);
    }
    na->interface_version = XEN_DOMCTL_NODEAFF_VERSION;
    na->domain = domid;
    if (strcmp(what, "nodeaff-set-strict") == 0) {
        na->cmd = XEN_DOMCTL_nodeaff_set_affinity;
        na->u.affinity.flags = XEN_NODEAFF_F_STRICT;
        set_xen_guest_handle(na->u.affinity.nodemap.bitmap, bits);
        na->u.affinity.nodemap.nr_bits = 8;
    } else if (strcmp(what, "nodeaff-get") == 0) {
        na->cmd = XEN_DOMCTL_nodeaff_get_affinity;
        set_xen_guest_handle(na->u.affinity.nodemap.bitmap, bits);
        na->u.affinity.nodemap.nr_bits = 8;
    } else if (strcmp(what, "nodeaff-reset") == 0) {
        na->cmd = XEN_DOMCTL_nodeaff_reset_affinity;
    } else {
        na->cmd = XEN_DOMCTL_nodeaff_get_usage;
        na->u.usage.nr_nodes = 64;
        set_xen_guest_handle(na->u.usage.pages, pages);
    }
    return domctl(fd, na);
}

/* Controls: the calls do reach Xen.  xen_version answers any guest; a
 * domctl with a wrong interface version gets -EACCES from do_domctl's
 * first check, before any permission check. */
static void controls(int fd)
{
    struct privcmd_hypercall call = { .op = __HYPERVISOR_xen_version };
    struct xen_domctl *op = hbuf;
    long v = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call);

    if (v < 0)
        printf("@G@ CONTROL xen_version -> %s\n", errname(errno));
    else
        printf("@G@ CONTROL xen_version -> %ld.%ld\n", v >> 16, v & 0xffff);
    memset(hbuf, 0, 4096);
    op->cmd = XEN_DOMCTL_getdomaininfo;
    op->interface_version = 0;
    printf("@G@ CONTROL domctl-bad-version -> %s\n", errname(domctl(fd, op)));
}

static void calls(long self)
{
    static const char *const ops[] = {
        "nodeaff-set-strict", "nodeaff-get", "nodeaff-reset", "nodeaff-usage",
        "upstream-set", "upstream-get",
    };
    int fd = open("/dev/xen/privcmd", O_RDWR), refused = 0, n = 0;
    unsigned int i, t;

    if (fd < 0 || !hbuf) {
        printf("@G@ CALLS error: /dev/xen/privcmd: %s\n", strerror(errno));
        return;
    }
    controls(fd);
    for (t = 0; t < 2; t++) {
        uint16_t dom = t == 0 ? (uint16_t)self : 0;

        for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
            int e = one_call(fd, ops[i], dom, t == 0 ? 0x1 : 0x2);

            n++;
            refused += e == EPERM || e == EACCES;
            printf("@G@ CALL %s dom=%u -> %s\n", ops[i], dom, errname(e));
        }
    }
    printf("@G@ CALLS refused=%d of %d\n", refused, n);
    fflush(stdout);
    close(fd);
}

static int write_target(long kib)
{
    FILE *f = fopen(SYSFS "target_kb", "w");
    int ok;

    if (!f)
        return -1;
    ok = fprintf(f, "%ld\n", kib) > 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static void balloon(long kib)
{
    long cur = read_long(SYSFS "info/current_kb"), last = cur;
    int still = 0, ticks;

    if (write_target(kib) < 0) {
        printf("@G@ BALLOON error: writing %starget_kb: %s\n", SYSFS, strerror(errno));
        fflush(stdout);
        return;
    }
    /* Up to 120 s; done at the target, or after 3 s without progress (the
     * driver keeps retrying in the background when Xen refuses pages). */
    for (ticks = 0; ticks < 600 && cur != kib && still < 15; ticks++) {
        struct timespec ts = { 0, 200 * 1000 * 1000 };

        nanosleep(&ts, NULL);
        cur = read_long(SYSFS "info/current_kb");
        still = cur == last ? still + 1 : 0;
        last = cur;
    }
    printf("@G@ BALLOON target_kb=%ld current_kb=%ld\n", kib, cur);
    fflush(stdout);
}

int main(void)
{
    char line[256];
    long self = read_domid();

    hbuf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (hbuf == MAP_FAILED || mlock(hbuf, 4096))
        hbuf = NULL;
    print_mem(self);
    if (self < 0)
        printf("@G@ CALLS error: no domid in xenstore\n");
    else
        calls(self);
    printf("@G@ READY domid=%ld current_kb=%ld\n", self, read_long(SYSFS "info/current_kb"));
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin)) {
        long v;

        if (sscanf(line, "balloon %ld", &v) == 1)
            balloon(v);
        else if (strncmp(line, "ping", 4) == 0) {
            printf("@G@ PONG current_kb=%ld\n", read_long(SYSFS "info/current_kb"));
            fflush(stdout);
        } else if (strncmp(line, "mem", 3) == 0)
            print_mem(self);
    }
    /* Console closed: stay, PID 1's child must not end the guest. */
    for (;;)
        pause();
}
