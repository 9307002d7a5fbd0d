/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading a topology file for `place` and `topology`, with messages that
 * name the real problem. */
#ifndef NODEAFF_TOOL_TOPOLOGY_LOAD_H
#define NODEAFF_TOOL_TOPOLOGY_LOAD_H

#include "nodeaff.h"

/* Reads file into *ret.  EXIT_OK, or EXIT_USAGE (unreadable or malformed:
 * the message names the line, and the column of a NUL byte) or EXIT_FAILED
 * (out of memory) after a message. */
int tool_load_topology_file(const char *cmd, const char *file,
                            struct nodeaff_topology **ret);

#endif
