/* The stock toolstack still talks to the hypervisor.
 *
 * What `xl info` prints comes from xc_version() and xc_physinfo(); Debian's
 * unmodified libxenctrl.so.4.17 must get sane answers from the patched Xen
 * (the series adds domctls, it must not disturb the existing ones). */
#include <errno.h>
#include <string.h>
#include <xenctrl.h>

#include "tap.h"

int main(void)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    xen_extraversion_t extra;
    xen_capabilities_info_t caps;
    xc_physinfo_t info;
    long ver;

    if (!xch)
        tap_bail("xc_interface_open: %s", strerror(errno));

    ver = xc_version(xch, XENVER_version, NULL);
    tap_ok(ver > 0, "xc_version: %ld.%ld", ver >> 16, ver & 0xffff);
    memset(extra, 0, sizeof(extra));
    tap_ok(xc_version(xch, XENVER_extraversion, &extra) == 0,
           "extraversion '%s'", extra);
    memset(caps, 0, sizeof(caps));
    tap_ok(xc_version(xch, XENVER_capabilities, &caps) == 0 &&
           strstr(caps, "xen-3.0-x86_64") != NULL, "capabilities '%s'", caps);

    memset(&info, 0, sizeof(info));
    tap_ok(xc_physinfo(xch, &info) == 0, "xc_physinfo");
    tap_ok(info.nr_cpus > 0 && info.nr_nodes > 0 && info.total_pages > 0,
           "physinfo: nr_cpus=%u nr_nodes=%u max_node_id=%u total_pages=%llu free_pages=%llu",
           info.nr_cpus, info.nr_nodes, info.max_node_id,
           (unsigned long long)info.total_pages,
           (unsigned long long)info.free_pages);
    tap_ok(info.free_pages <= info.total_pages, "free <= total");
    xc_interface_close(xch);
    return tap_done();
}
