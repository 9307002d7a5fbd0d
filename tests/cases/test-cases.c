/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The C library against the shared case table (the .tsv files of tests/cases,
 * format in its README.md), which the Python, OCaml and Rust suites read too:
 * the grammar rows, placement on topology files, the parse reasons' values
 * and the errno names and numbers.  Only the public API is used, as a
 * binding would.
 *
 *     test-cases SOURCE-ROOT
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrorname_np() */
#endif
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nodeaff.h"

#define MAX_FIELDS 8
#define SENTINEL_REASON (-12345)
#define SENTINEL_COLUMN 54321U

static const char *srcdir;

/* One table file, read whole: rows of fields pointing into text. */
struct table {
    char *text;
    size_t nr_rows;
    size_t nr_fields;
    char **fields;          /* nr_rows * nr_fields */
    unsigned int *lines;    /* each row's line number */
    char path[4096];
};

static const char *field(const struct table *t, size_t row, size_t col)
{
    return t->fields[row * t->nr_fields + col];
}

/* Splits line (NUL-terminated, modified) at TABs into at most max fields;
 * returns the count, or max + 1 if there are more. */
static size_t split(char *line, char **out, size_t max)
{
    size_t n = 0;

    for (;;) {
        char *tab = strchr(line, '\t');

        if (n == max)
            return max + 1;
        out[n++] = line;
        if (!tab)
            return n;
        *tab = '\0';
        line = tab + 1;
    }
}

/* Reads tests/cases/NAME, checks its header is exactly header (TAB
 * separated) and every row has as many fields. */
static void table_read(struct table *t, const char *name, const char *header)
{
    char *hdr = strdup(header), *names[MAX_FIELDS], *line, *next;
    size_t nr_names, cap = 0;
    unsigned int lineno = 0;
    int have_header = 0;
    FILE *f;
    long size;

    memset(t, 0, sizeof(*t));
    snprintf(t->path, sizeof(t->path), "%s/tests/cases/%s", srcdir, name);
    assert_non_null(hdr);
    nr_names = split(hdr, names, MAX_FIELDS);
    assert_true(nr_names <= MAX_FIELDS);
    t->nr_fields = nr_names;

    f = fopen(t->path, "rb");
    if (!f)
        fail_msg("%s: %s", t->path, strerror(errno));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    t->text = malloc((size_t)size + 1);
    assert_non_null(t->text);
    assert_int_equal(fread(t->text, 1, (size_t)size, f), (size_t)size);
    t->text[size] = '\0';
    fclose(f);
    if (strlen(t->text) != (size_t)size)
        fail_msg("%s: a NUL byte in the file", t->path);

    for (line = t->text; *line; line = next) {
        char *fields[MAX_FIELDS + 1];
        size_t n, i;
        int same;

        lineno++;
        next = strchr(line, '\n');
        if (!next)
            fail_msg("%s:%u: the last line has no newline", t->path, lineno);
        *next++ = '\0';
        if (strchr(line, '\r'))
            fail_msg("%s:%u: a CR in the line", t->path, lineno);
        if (line[0] == '#' || line[0] == '\0')
            continue;
        n = split(line, fields, MAX_FIELDS);
        if (!have_header) {
            have_header = 1;
            same = n == nr_names;
            for (i = 0; same && i < n; i++)
                same = strcmp(fields[i], names[i]) == 0;
            if (!same)
                fail_msg("%s:%u: the header is not '%s'", t->path, lineno, header);
            continue;
        }
        if (n != nr_names)
            fail_msg("%s:%u: %zu fields, want %zu", t->path, lineno, n, nr_names);
        if (t->nr_rows == cap) {
            cap = cap ? cap * 2 : 64;
            t->fields = realloc(t->fields, cap * nr_names * sizeof(*t->fields));
            t->lines = realloc(t->lines, cap * sizeof(*t->lines));
            assert_non_null(t->fields);
            assert_non_null(t->lines);
        }
        memcpy(&t->fields[t->nr_rows * nr_names], fields, n * sizeof(*fields));
        t->lines[t->nr_rows++] = lineno;
    }
    if (!have_header)
        fail_msg("%s: no header line", t->path);
    if (t->nr_rows == 0)
        fail_msg("%s: no rows", t->path);
    free(hdr);
}

static void table_free(struct table *t)
{
    free(t->fields);
    free(t->lines);
    free(t->text);
}

/* A decimal field, or fail. */
static uint64_t number(const struct table *t, size_t row, size_t col)
{
    const char *s = field(t, row, col);
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || s[0] == '+' || s[0] == ' ')
        fail_msg("%s:%u: '%s' is not a number", t->path, t->lines[row], s);
    return v;
}

/* The errno of a name in errno.tsv, or fail: each name is checked there
 * against the system's own name for its number. */
static int errno_of(const struct table *errnos, const char *name)
{
    size_t i;

    for (i = 0; i < errnos->nr_rows; i++)
        if (strcmp(field(errnos, i, 0), name) == 0)
            return (int)number(errnos, i, 1);
    fail_msg("errno '%s' is not in errno.tsv", name);
    return 0;
}

static int reason_of(const struct table *reasons, const char *name)
{
    size_t i;

    for (i = 0; i < reasons->nr_rows; i++)
        if (strcmp(field(reasons, i, 0), name) == 0)
            return (int)number(reasons, i, 1);
    fail_msg("parse reason '%s' is not in parse-reasons.tsv", name);
    return 0;
}

/* The input field's escapes: \\ \t \n; anything else fails. */
static char *unescape(const struct table *t, size_t row, const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;

    assert_non_null(out);
    for (; *s; s++) {
        if (*s != '\\') {
            *o++ = *s;
            continue;
        }
        switch (*++s) {
        case '\\': *o++ = '\\'; break;
        case 't': *o++ = '\t'; break;
        case 'n': *o++ = '\n'; break;
        default:
            fail_msg("%s:%u: unknown escape '\\%c'", t->path, t->lines[row], *s ? *s : '0');
        }
    }
    *o = '\0';
    return out;
}

/* errno.tsv: every name is the system's name for the number (glibc's
 * strerrorname_np(): EOPNOTSUPP is 95 and named so on Linux), every
 * number has a message, and the errnos the header documents all have a
 * row. */
static void test_errnos(void **state)
{
    static const struct { const char *name; int value; } documented[] = {
        { "EINVAL", EINVAL }, { "ERANGE", ERANGE }, { "EOVERFLOW", EOVERFLOW },
        { "ENOENT", ENOENT }, { "EACCES", EACCES }, { "EPERM", EPERM },
        { "ESRCH", ESRCH }, { "EOPNOTSUPP", EOPNOTSUPP }, { "ENOSPC", ENOSPC },
        { "ENOMEM", ENOMEM }, { "ENOBUFS", ENOBUFS },
    };
    struct table t;
    size_t i;

    (void)state;
    table_read(&t, "errno.tsv", "name\tnumber\tpython\tocaml\trust");
    for (i = 0; i < t.nr_rows; i++) {
        int n = (int)number(&t, i, 1);
        const char *sys = strerrorname_np(n);

        if (!sys || strcmp(sys, field(&t, i, 0)) != 0)
            fail_msg("%s:%u: errno %d is %s here, not %s", t.path, t.lines[i], n,
                     sys ? sys : "unnamed", field(&t, i, 0));
        assert_true(strlen(strerror(n)) > 0);
    }
    for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
        assert_int_equal(errno_of(&t, documented[i].name), documented[i].value);
    printf("# %zu errno rows\n", t.nr_rows);
    table_free(&t);
}

/* parse-reasons.tsv: the names and values of enum nodeaff_parse_reason. */
static void test_parse_reasons(void **state)
{
    static const struct { const char *name; int value; } reasons[] = {
        { "OK", NODEAFF_PARSE_OK },
        { "EMPTY_ELEMENT", NODEAFF_PARSE_EMPTY_ELEMENT },
        { "EXPECTED_NUMBER", NODEAFF_PARSE_EXPECTED_NUMBER },
        { "REVERSED_RANGE", NODEAFF_PARSE_REVERSED_RANGE },
        { "UNKNOWN_WORD", NODEAFF_PARSE_UNKNOWN_WORD },
        { "EXCLUDE_ALL", NODEAFF_PARSE_EXCLUDE_ALL },
        { "TRAILING_GARBAGE", NODEAFF_PARSE_TRAILING_GARBAGE },
        { "NODE_OUT_OF_RANGE", NODEAFF_PARSE_NODE_OUT_OF_RANGE },
        { "NUMBER_OVERFLOW", NODEAFF_PARSE_NUMBER_OVERFLOW },
        { "UNTERMINATED_LIST", NODEAFF_PARSE_UNTERMINATED_LIST },
        { "UNTERMINATED_STRING", NODEAFF_PARSE_UNTERMINATED_STRING },
    };
    struct table t;
    size_t i;

    (void)state;
    table_read(&t, "parse-reasons.tsv", "name\tvalue");
    assert_int_equal(t.nr_rows, sizeof(reasons) / sizeof(reasons[0]));
    for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        assert_int_equal(reason_of(&t, reasons[i].name), reasons[i].value);
    table_free(&t);
}

static void test_grammar(void **state)
{
    struct table t, errnos, reasons;
    size_t i, ok = 0;

    (void)state;
    table_read(&t, "grammar.tsv", "input\tnodes\texpect\treason\tcolumn");
    table_read(&errnos, "errno.tsv", "name\tnumber\tpython\tocaml\trust");
    table_read(&reasons, "parse-reasons.tsv", "name\tvalue");
    for (i = 0; i < t.nr_rows; i++) {
        char *input = unescape(&t, i, field(&t, i, 0));
        unsigned int nodes = (unsigned int)number(&t, i, 1);
        const char *expect = field(&t, i, 2);
        int fails = expect[0] == 'E';
        int want = fails ? -errno_of(&errnos, expect) : 0;
        int want_reason = fails ? reason_of(&reasons, field(&t, i, 3)) : SENTINEL_REASON;
        unsigned int want_column = fails ? (unsigned int)number(&t, i, 4) : SENTINEL_COLUMN;
        struct nodeaff_nodemap *map, *before;
        int reason = SENTINEL_REASON, r;
        unsigned int column = SENTINEL_COLUMN;
        char list[512];

        if (!fails && (strcmp(field(&t, i, 3), "-") || strcmp(field(&t, i, 4), "-")))
            fail_msg("%s:%u: a row that parses has '-' as reason and column",
                     t.path, t.lines[i]);
        assert_int_equal(nodeaff_nodemap_new(nodes, &map), 0);
        assert_int_equal(nodeaff_nodemap_set(map, nodes - 1), 0);
        assert_int_equal(nodeaff_nodemap_copy(map, &before), 0);
        r = nodeaff_nodemap_parse(map, input, &reason, &column);
        if (r != want || reason != want_reason || column != want_column)
            fail_msg("%s:%u: '%s' (%u nodes): got %d reason %d column %u, want %d reason %d column %u",
                     t.path, t.lines[i], field(&t, i, 0), nodes, r, reason, column,
                     want, want_reason, want_column);
        if (fails) {
            assert_int_equal(nodeaff_nodemap_equal(map, before), 1);
        } else {
            assert_int_equal(nodeaff_nodemap_format(map, NODEAFF_FORMAT_LIST, list, sizeof(list)),
                             (int)strlen(expect));
            if (strcmp(list, expect) != 0)
                fail_msg("%s:%u: '%s': got '%s', want '%s'",
                         t.path, t.lines[i], field(&t, i, 0), list, expect);
            ok++;
        }
        nodeaff_nodemap_free(before);
        nodeaff_nodemap_free(map);
        free(input);
    }
    printf("# %zu grammar rows (%zu parse, %zu fail)\n", t.nr_rows, ok, t.nr_rows - ok);
    table_free(&reasons);
    table_free(&errnos);
    table_free(&t);
}

static void test_placement(void **state)
{
    struct table t, errnos;
    size_t i;

    (void)state;
    table_read(&t, "placement.tsv", "topology\tmemory\tvcpus\tflags\texpect\twhy");
    table_read(&errnos, "errno.tsv", "name\tnumber\tpython\tocaml\trust");
    for (i = 0; i < t.nr_rows; i++) {
        const char *flags_s = field(&t, i, 3), *expect = field(&t, i, 4);
        struct nodeaff_topology *topo;
        struct nodeaff_placement *p = NULL;
        unsigned int flags = 0, line = 0;
        char path[4096], list[512];
        int r;

        if (strcmp(flags_s, "strict") == 0)
            flags = NODEAFF_STRICT;
        else if (strcmp(flags_s, "preferred") != 0)
            fail_msg("%s:%u: flags '%s' is neither preferred nor strict",
                     t.path, t.lines[i], flags_s);
        snprintf(path, sizeof(path), "%s/%s", srcdir, field(&t, i, 0));
        r = nodeaff_topology_from_file(path, &topo, &line);
        if (r < 0)
            fail_msg("%s:%u: %s: %s (line %u)", t.path, t.lines[i], path, strerror(-r), line);
        r = nodeaff_place(topo, number(&t, i, 1), (unsigned int)number(&t, i, 2), flags, &p);
        if (expect[0] == 'E') {
            if (r != -errno_of(&errnos, expect))
                fail_msg("%s:%u: got %d, want -%s (%s)", t.path, t.lines[i], r, expect,
                         field(&t, i, 5));
            assert_null(p);
        } else {
            if (r < 0)
                fail_msg("%s:%u: got %d (%s), want %s (%s)", t.path, t.lines[i], r,
                         strerror(-r), expect, field(&t, i, 5));
            assert_true(nodeaff_nodemap_format(nodeaff_placement_nodes(p), NODEAFF_FORMAT_LIST,
                                               list, sizeof(list)) > 0);
            if (strcmp(list, expect) != 0)
                fail_msg("%s:%u: placed on %s, want %s (%s)", t.path, t.lines[i], list, expect,
                         field(&t, i, 5));
        }
        nodeaff_placement_free(p);
        nodeaff_topology_free(topo);
    }
    printf("# %zu placement rows\n", t.nr_rows);
    table_free(&errnos);
    table_free(&t);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errnos),
        cmocka_unit_test(test_parse_reasons),
        cmocka_unit_test(test_grammar),
        cmocka_unit_test(test_placement),
    };

    if (argc != 2) {
        fprintf(stderr, "usage: %s SOURCE-ROOT\n", argv[0]);
        return 2;
    }
    srcdir = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
