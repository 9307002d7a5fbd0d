/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Placeholder: being written. */
#include "tool/commands.h"
int cmd_topology(int argc, char **argv) { (void)argc; (void)argv; return EXIT_FAILED; }
