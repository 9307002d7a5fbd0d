/* The rig's real guest: see real-guest.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "real-guest.h"
#include "rig-guest.h"

int real_guest_present(void)
{
    return access(REAL_GUEST_KERNEL, R_OK) == 0 && access(REAL_GUEST_RAMDISK, R_OK) == 0;
}

int real_guest_start_xenstore(char *out, size_t len)
{
    return rig_sh(out, len,
        "mkdir -p /var/run/xenstored /var/lib/xenstored /var/log/xen /var/lib/xen /etc/xen"
        " && : >/etc/xen/xl.conf"
        " && (xenstored --pid-file /var/run/xenstored.pid >/tmp/xenstored.log 2>&1 &)"
        " && for i in 1 2 3 4 5 6 7 8 9 10; do"
        " [ -S /var/run/xenstored/socket ] && break; sleep 0.2; done"
        " && timeout 20 xen-init-dom0");
}

int real_guest_boot(struct nodeaff_handle *h, xc_interface *xch, unsigned int node,
                    unsigned int memory_mib, unsigned int maxmem_mib, unsigned int flags,
                    const char *seclabel, struct pv_guest *g, char *why, size_t len)
{
    char nodes[16];
    struct pv_guest_config cfg = {
        .name = "rig-guest", .kernel = REAL_GUEST_KERNEL, .ramdisk = REAL_GUEST_RAMDISK,
        .cmdline = REAL_GUEST_CMDLINE, .seclabel = seclabel,
        .memory_mib = memory_mib, .maxmem_mib = maxmem_mib, .vcpus = 1, .nodes = nodes,
        .flags = flags,
    };

    snprintf(nodes, sizeof(nodes), "%u", node);
    return pv_guest_boot(h, xch, &cfg, g, why, len);
}
