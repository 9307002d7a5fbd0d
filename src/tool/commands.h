/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodeaff subcommands.  Each takes the arguments after its own name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 success, 1 a failed operation, 2 bad usage or input.
 */
#ifndef NODEAFF_TOOL_COMMANDS_H
#define NODEAFF_TOOL_COMMANDS_H

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,
    EXIT_USAGE = 2,
};

/* Set by the dispatcher from the global --json option. */
extern int opt_json;

int cmd_parse(int argc, char **argv);
int cmd_topology(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_usage(int argc, char **argv);
int cmd_claim(int argc, char **argv);
int cmd_place(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
