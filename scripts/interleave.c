/* Paired timing for make bench, figure 1: how much longer one command takes
 * than another when both take about 2 ms.
 *
 *   interleave RUNS OURS-ARGV... ';' BASE-ARGV...
 *
 * An argument "<FILE" (the last of a command) gives it FILE on standard
 * input. INTERLEAVE_SUBTRACT (ms, default 0) is taken off every time: the
 * start-up of a shell both commands run through.
 * Runs the two in turn, RUNS times each (after INTERLEAVE_WARMUP of each to
 * warm up, default 20), each with standard output and error on /dev/null,
 * and prints, in ms, then the median of the pairs' speed ratios:
 *
 *   ours MEDIAN base MEDIAN above MEDIAN-OF-(OURS - BASE) ratio MEDIAN-OF-(BASE / OURS)
 *
 * hyperfine runs all of one command, then all of the other: on a shared
 * machine the speed drifts by a tenth of a millisecond between the two
 * blocks, as much as the difference measured. Taken in turn, each run of
 * ours has a run of the baseline next to it, and the median of the
 * differences leaves the drift out. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Output to /dev/null; standard input from the command's "<FILE", which
 * is taken off its argv. */
static void prepare(char **argv, posix_spawn_file_actions_t *actions) {
    posix_spawn_file_actions_init(actions);
    posix_spawn_file_actions_addopen(actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(actions, 2, "/dev/null", O_WRONLY, 0);
    for (int i = 0; argv[i]; i++)
        if (argv[i][0] == '<') {
            posix_spawn_file_actions_addopen(actions, 0, argv[i] + 1, O_RDONLY, 0);
            argv[i] = NULL;
            break;
        }
}

/* Milliseconds one run of argv takes, from spawn to exit. */
static double run(char **argv, const posix_spawn_file_actions_t *quiet) {
    struct timespec a, b;
    pid_t pid;
    int status;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (posix_spawn(&pid, argv[0], quiet, NULL, argv, environ) != 0) {
        fprintf(stderr, "interleave: cannot run %s\n", argv[0]);
        exit(2);
    }
    waitpid(pid, &status, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 0;
    char **ours = &argv[2], **base = NULL;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], ";") == 0) { argv[i] = NULL; base = &argv[i + 1]; }
    if (runs < 1 || base == NULL || *base == NULL || *ours == NULL) {
        fprintf(stderr, "usage: interleave RUNS OURS-ARGV... ';' BASE-ARGV...\n");
        return 2;
    }
    posix_spawn_file_actions_t for_ours, for_base;
    prepare(ours, &for_ours);
    prepare(base, &for_base);
    const char *subtract = getenv("INTERLEAVE_SUBTRACT");
    double shell = subtract ? atof(subtract) : 0;
    double *t_ours = malloc(sizeof(double) * runs), *t_base = malloc(sizeof(double) * runs);
    double *above = malloc(sizeof(double) * runs), *ratio = malloc(sizeof(double) * runs);
    const char *warmup = getenv("INTERLEAVE_WARMUP");
    for (int i = warmup ? -atoi(warmup) : -20; i < runs; i++) {
        /* Which goes first alternates: neither always follows the other. */
        double o, b;
        if (i % 2) { o = run(ours, &for_ours); b = run(base, &for_base); }
        else { b = run(base, &for_base); o = run(ours, &for_ours); }
        o -= shell, b -= shell;
        if (i < 0) continue;
        t_ours[i] = o, t_base[i] = b, above[i] = o - b, ratio[i] = b / o;
    }
    printf("ours %.3f base %.3f above %.3f ratio %.3f\n", median(t_ours, runs), median(t_base, runs), median(above, runs),
           median(ratio, runs));
    return 0;
}
