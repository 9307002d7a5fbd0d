/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Placeholder: being written. */
#include "tool/commands.h"
int cmd_get(int argc, char **argv) { (void)argc; (void)argv; return EXIT_FAILED; }
int cmd_set(int argc, char **argv) { (void)argc; (void)argv; return EXIT_FAILED; }
int cmd_reset(int argc, char **argv) { (void)argc; (void)argv; return EXIT_FAILED; }
