/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff version: the running Xen release and the interface versions
 * libnodeaff stamps on upstream operations there
 * (nodeaff_hypervisor_version()).
 */
#include <errno.h>
#include <stdio.h>

#include "tool/commands.h"
#include "tool/common.h"

static const char synopsis[] = "version";

static void print_text(unsigned int major, unsigned int minor,
                       unsigned int domctl, unsigned int sysctl, int known)
{
    printf("Xen %u.%u\n", major, minor);
    if (domctl)
        printf("domctl interface 0x%02x%s\n", domctl,
               known ? "" : " (what the hypervisor answers to)");
    else
        printf("domctl interface unknown (none answered)\n");
    if (sysctl)
        printf("sysctl interface 0x%02x\n", sysctl);
    else
        printf("sysctl interface unknown\n");
    printf("release %s to this libnodeaff\n", known ? "known" : "unknown");
}

static void print_json(unsigned int major, unsigned int minor,
                       unsigned int domctl, unsigned int sysctl, int known)
{
    printf("{\"xen\":{\"major\":%u,\"minor\":%u},", major, minor);
    if (domctl)
        printf("\"domctl_interface\":%u,", domctl);
    else
        printf("\"domctl_interface\":null,");
    if (sysctl)
        printf("\"sysctl_interface\":%u,", sysctl);
    else
        printf("\"sysctl_interface\":null,");
    printf("\"known\":%s}\n", known ? "true" : "false");
}

int cmd_version(int argc, char **argv)
{
    struct nodeaff_handle *handle;
    unsigned int major = 0, minor = 0, domctl = 0, sysctl = 0;
    int ret, status;

    if (argc > 1)
        return tool_usage(argv[0], "unexpected argument", synopsis);
    status = tool_open(argv[0], &handle);
    if (status != EXIT_OK)
        return status;
    ret = nodeaff_hypervisor_version(handle, &major, &minor, &domctl, &sysctl);
    nodeaff_close(handle);
    if (ret < 0 && ret != -EPROTONOSUPPORT)
        return tool_fail(argv[0], "cannot read the hypervisor's version", ret);

    if (opt_json)
        print_json(major, minor, domctl, sysctl, ret == 0);
    else
        print_text(major, minor, domctl, sysctl, ret == 0);
    /* The library cannot serve this release's upstream operations. */
    if (ret < 0)
        return tool_fail(argv[0], "upstream operations unavailable", ret);
    return EXIT_OK;
}
