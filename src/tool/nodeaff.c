/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff: the operator's command.  This file only dispatches; each
 * subcommand lives in its own cmd-*.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tool/commands.h"

int opt_json;

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *synopsis;
};

static const struct command commands[] = {
    { "topology", cmd_topology, "topology [--topology FILE]" },
    { "get",      cmd_get,      "get DOMID" },
    { "set",      cmd_set,      "set DOMID NODESET [--strict]" },
    { "reset",    cmd_reset,    "reset DOMID" },
    { "usage",    cmd_usage,    "usage [--mib] [DOMID...]" },
    { "claim",    cmd_claim,    "claim DOMID [SIZE [--nodes NODESET | --per-node N:SIZE[,N:SIZE...]] | --cancel]" },
    { "parse",    cmd_parse,    "parse [--max-nodes N] [--format list|hex|json] EXPR..." },
    { "metrics",  cmd_metrics,  "metrics" },
    { "place",    cmd_place,    "place --memory SIZE --vcpus N [--strict] [--explain] [--topology FILE]" },
    { "version",  cmd_version,  "version" },
};

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "Usage: nodeaff [--json] COMMAND [ARGS...]\n"
                 "       nodeaff --help | --version\n\nCommands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  nodeaff %s\n", commands[i].synopsis);
    fprintf(out, "\nEvery command but metrics takes --json.  Exit status: 0 success, "
                 "1 a failed operation, 2 bad usage or input.\n"
                 "See nodeaff(1).\n");
}

/*
 * A command's output is only delivered once it is flushed: a full disk or
 * a closed pipe must fail the command (exit 1), not vanish.
 */
static int finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nodeaff: cannot write the output: %s\n",
                strerror(errno ? errno : EIO));
        return EXIT_FAILED;
    }
    return status;
}

/*
 * Runs a command after taking the options every command shares out of its
 * arguments: --json (also accepted after the command name, where scripts
 * tend to put it) and --help.  A "--" ends the options; it stays for the
 * command to see.
 */
static int run(const struct command *cmd, int argc, char **argv)
{
    int i, n = 1;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc)
                argv[n++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--json") == 0) {
            opt_json = 1;
        } else if (strcmp(argv[i], "--help") == 0 ||
                   strcmp(argv[i], "-h") == 0) {
            printf("Usage: nodeaff [--json] %s\nSee nodeaff(1).\n",
                   cmd->synopsis);
            return EXIT_OK;
        } else {
            argv[n++] = argv[i];
        }
    }
    argv[n] = NULL;
    return finish(cmd->run(n, argv));
}

int main(int argc, char **argv)
{
    int i = 1;
    size_t c;

    /* Global options come before the command name. */
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return finish(EXIT_OK);
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("nodeaff %s\n", NODEAFF_VERSION);
            return finish(EXIT_OK);
        } else if (strcmp(argv[i], "--json") == 0) {
            opt_json = 1;
        } else {
            fprintf(stderr, "nodeaff: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }

    for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
        if (strcmp(argv[i], commands[c].name) == 0)
            return run(&commands[c], argc - i, argv + i);

    fprintf(stderr, "nodeaff: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return EXIT_USAGE;
}
