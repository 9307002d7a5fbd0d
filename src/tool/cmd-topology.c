/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nodeaff topology [--topology FILE]: the host's (or a file's) NUMA layout. */
#include <stdio.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/common.h"
#include "tool/output.h"

static const char synopsis[] = "topology [--topology FILE]";

int cmd_topology(int argc, char **argv)
{
    struct nodeaff_topology *topology = NULL;
    struct nodeaff_handle *handle = NULL;
    const char *file = NULL;
    unsigned int line = 0;
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
        ret = nodeaff_topology_from_file(file, &topology, &line);
        if (ret < 0) {
            if (line > 0)
                fprintf(stderr, "nodeaff: topology: %s:%u: malformed "
                        "topology file\n", file, line);
            else
                tool_fail(argv[0], file, ret);
            return EXIT_USAGE;
        }
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
