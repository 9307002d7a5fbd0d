/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff parse [--max-nodes N] [--format list|hex|json] [--json] EXPR...
 *
 * Prints each nodeset expression in the chosen format, one per line.  Every
 * expression is parsed before anything is printed, so a bad one leaves
 * stdout empty and gives exactly one line on stderr and exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodeaff.h"
#include "tool/commands.h"

static void parse_usage(FILE *out)
{
    fprintf(out, "Usage: nodeaff parse [--max-nodes N] [--format list|hex|json] "
                 "[--json] EXPR...\n");
}

/* Formats map into a new string; NULL on allocation failure. */
static char *format_alloc(const struct nodeaff_nodemap *map, enum nodeaff_format format)
{
    int len = nodeaff_nodemap_format(map, format, NULL, 0);
    char *buf;

    if (len < 0)
        return NULL;
    buf = malloc((size_t)len + 1);
    if (buf && nodeaff_nodemap_format(map, format, buf, (size_t)len + 1) != len) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* Strict decimal, 1..NODEAFF_NODEMAP_MAX_NODES; -1 if not. */
static long parse_max_nodes(const char *s)
{
    long n = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        n = n * 10 + (*s - '0');
        if (n > NODEAFF_NODEMAP_MAX_NODES)
            return -1;
    }
    return n >= 1 ? n : -1;
}

static int print_results(struct nodeaff_nodemap **maps, char **exprs, int n,
                         long max_nodes, int json, enum nodeaff_format format)
{
    int i;

    if (!json) {
        for (i = 0; i < n; i++) {
            char *text = format_alloc(maps[i], format);

            if (!text) {
                fprintf(stderr, "nodeaff parse: out of memory\n");
                return EXIT_FAILED;
            }
            puts(text);
            free(text);
        }
        return EXIT_OK;
    }

    printf("{\"max_nodes\":%ld,\"results\":[", max_nodes);
    for (i = 0; i < n; i++) {
        char *nodes = format_alloc(maps[i], NODEAFF_FORMAT_JSON);
        char *list = format_alloc(maps[i], NODEAFF_FORMAT_LIST);
        char *hex = format_alloc(maps[i], NODEAFF_FORMAT_HEX);

        if (!nodes || !list || !hex) {
            free(nodes);
            free(list);
            free(hex);
            fprintf(stderr, "nodeaff parse: out of memory\n");
            return EXIT_FAILED;
        }
        printf("%s{\"input\":", i ? "," : "");
        print_json_string(exprs[i]);
        printf(",\"nodes\":%s,\"list\":\"%s\",\"hex\":\"%s\"}", nodes, list, hex);
        free(nodes);
        free(list);
        free(hex);
    }
    printf("]}\n");
    return EXIT_OK;
}

int cmd_parse(int argc, char **argv)
{
    static const struct option options[] = {
        { "max-nodes", required_argument, NULL, 'm' },
        { "format",    required_argument, NULL, 'f' },
        { "json",      no_argument,       NULL, 'j' },
        { "help",      no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    enum nodeaff_format format = NODEAFF_FORMAT_LIST;
    struct nodeaff_nodemap **maps;
    long max_nodes = 64;
    int json = opt_json, c, i, n, r, status;

    /* argv[0] is "parse"; 0 makes glibc's getopt start afresh at argv[1].
     * Options may follow expressions: no expression starts with '-'. */
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'm':
            max_nodes = parse_max_nodes(optarg);
            if (max_nodes < 0) {
                fprintf(stderr, "nodeaff parse: --max-nodes '%s' is not a number "
                        "from 1 to %d\n", optarg, NODEAFF_NODEMAP_MAX_NODES);
                return EXIT_USAGE;
            }
            break;
        case 'f':
            if (strcmp(optarg, "list") == 0)
                format = NODEAFF_FORMAT_LIST;
            else if (strcmp(optarg, "hex") == 0)
                format = NODEAFF_FORMAT_HEX;
            else if (strcmp(optarg, "json") == 0)
                format = NODEAFF_FORMAT_JSON;
            else {
                fprintf(stderr, "nodeaff parse: unknown format '%s' "
                        "(list, hex or json)\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            parse_usage(stdout);
            return EXIT_OK;
        default:
            if (optopt)
                fprintf(stderr, "nodeaff parse: bad option '-%c' (see nodeaff parse --help)\n",
                        optopt);
            else
                fprintf(stderr, "nodeaff parse: bad option '%s' (see nodeaff parse --help)\n",
                        argv[optind - 1]);
            return EXIT_USAGE;
        }
    }

    n = argc - optind;
    if (n <= 0) {
        fprintf(stderr, "nodeaff parse: no expression given (see nodeaff parse --help)\n");
        return EXIT_USAGE;
    }
    maps = calloc((size_t)n, sizeof(*maps));
    if (!maps) {
        fprintf(stderr, "nodeaff parse: out of memory\n");
        return EXIT_FAILED;
    }

    status = EXIT_OK;
    for (i = 0; i < n && status == EXIT_OK; i++) {
        const char *expr = argv[optind + i];
        int reason = NODEAFF_PARSE_OK;
        unsigned int column = 0;

        r = nodeaff_nodemap_new((unsigned int)max_nodes, &maps[i]);
        if (r < 0) {
            fprintf(stderr, "nodeaff parse: %s\n", strerror(-r));
            status = EXIT_FAILED;
            break;
        }
        r = nodeaff_nodemap_parse(maps[i], expr, &reason, &column);
        if (r < 0) {
            fprintf(stderr, "nodeaff parse: '%s': column %u: %s\n",
                    expr, column, nodeaff_parse_reason_str(reason));
            status = EXIT_USAGE;
        }
    }
    if (status == EXIT_OK)
        status = print_results(maps, argv + optind, n, max_nodes, json, format);

    for (i = 0; i < n; i++)
        nodeaff_nodemap_free(maps[i]);
    free(maps);
    return status;
}
