/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small seeded generator for the randomized tests.  The seed is printed
 * so a failure can be replayed: NODEAFF_TEST_SEED=<seed> ./test-...
 */
#ifndef NODEAFF_TEST_RANDOM_H
#define NODEAFF_TEST_RANDOM_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t test_rng_state;

static inline uint64_t test_rand(void)
{
    /* splitmix64: good enough spread, trivially reproducible. */
    uint64_t z = (test_rng_state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A value in 0 .. n-1 (n > 0). */
static inline unsigned int test_rand_below(unsigned int n)
{
    return (unsigned int)(test_rand() % n);
}

static inline void test_seed(const char *name)
{
    const char *env = getenv("NODEAFF_TEST_SEED");
    uint64_t seed;

    if (env && *env)
        seed = strtoull(env, NULL, 0);
    else
        seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    test_rng_state = seed;
    printf("# %s: seed %" PRIu64 " (NODEAFF_TEST_SEED=%" PRIu64 " repeats this run)\n",
           name, seed, seed);
    fflush(stdout);
}

#endif
