/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs a libFuzzer target over files and directories of inputs, so the
 * seed corpus (and any crash file) is a plain unit test with any compiler.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, room = 0, n;

    if (!f) {
        perror(path);
        return -1;
    }
    do {
        if (len == room) {
            room = room ? room * 2 : 4096;
            buf = realloc(buf, room);
            if (!buf) {
                fclose(f);
                return -1;
            }
        }
        n = fread(buf + len, 1, room - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    /* Named before it runs: a failed check aborts, and the log then ends
     * with the input that did it. */
    printf("%s\n", path);
    fflush(stdout);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int replay(const char *path, unsigned int *count)
{
    struct stat st;
    struct dirent **names;
    int n, i, r = 0;

    if (stat(path, &st) < 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ++*count;
        return replay_file(path);
    }
    /* Sorted, so a run is reproducible. */
    n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.' && r == 0) {
            size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
            char *child = malloc(len);

            if (!child)
                r = -1;
            else {
                snprintf(child, len, "%s/%s", path, names[i]->d_name);
                r = replay(child, count);
                free(child);
            }
        }
        free(names[i]);
    }
    free(names);
    return r;
}

int main(int argc, char **argv)
{
    unsigned int count = 0;
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++)
        if (replay(argv[i], &count) < 0)
            return 1;
    printf("replayed %u inputs\n", count);
    return count > 0 ? 0 : 1;
}
