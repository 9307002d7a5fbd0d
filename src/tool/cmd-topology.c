/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nodeaff topology [--topology FILE]: the host's (or a file's) NUMA layout. */
#include <stdio.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/common.h"
#include "tool/output.h"
#include "tool/topology-load.h"

static const char synopsis[] = "topology [--topology FILE]";

int cmd_topology(int argc, char **argv)
{
    struct nodeaff_topology *topology = NULL;
    struct nodeaff_handle *handle = NULL;
    const char *file = NULL;
    int i, ret, status, features = -1;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--topology") == 0 && i + 1 < argc)
            file = argv[++i];
        else
            return tool_usage(argv[0], strcmp(argv[i], "--topology") == 0
                              ? "--topology needs a FILE"
                              : "unexpected argument", synopsis);
    }

    if (file) {
        status = tool_load_topology_file(argv[0], file, &topology);
        if (status != EXIT_OK)
            return status;
    } else {
        status = tool_open(argv[0], &handle);
        if (status != EXIT_OK)
            return status;
        features = nodeaff_features(handle);
        ret = nodeaff_topology_from_host(handle, &topology);
        nodeaff_close(handle);
        if (ret < 0)
            return tool_fail(argv[0], "cannot read the host topology", ret);
    }

    ret = output_topology(stdout, topology, features, opt_json);
    nodeaff_topology_free(topology);
    if (ret < 0)
        return tool_fail(argv[0], "cannot show the topology", ret);
    return EXIT_OK;
}
