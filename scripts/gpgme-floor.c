/* gpgme-floor.c — what GPGME itself costs a long-lived process, for
 * scripts/bench.sh figure 6: clearsign (sign) or verify a clearsigned file
 * N times in one process, GNUPGHOME from the environment, the context set up
 * as BounceKit's GPGContext does; prints the median milliseconds of one
 * operation after the first (which pays GPGME's "gpg --version").
 *
 *   cc -O2 gpgme-floor.c -o gpgme-floor -lgpgme
 *   GNUPGHOME=... gpgme-floor sign|verify FILE N
 */
#include <gpgme.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: gpgme-floor sign|verify FILE N\n"); return 2; }
    int verify = strcmp(argv[1], "verify") == 0, n = atoi(argv[3]);
    static char buf[1 << 16];
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 2; }
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    gpgme_set_global_flag("disable-gpgconf", "1");
    gpgme_check_version(NULL);
    double *t = calloc(n + 1, sizeof *t);
    for (int i = 0; i <= n; i++) {
        double t0 = now_ms();
        gpgme_ctx_t ctx;
        gpgme_data_t in, out;
        if (gpgme_new(&ctx)) return 1;
        gpgme_set_armor(ctx, 1);
        gpgme_set_offline(ctx, 1);
        gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK);
        gpgme_set_ctx_flag(ctx, "trust-model", "always");
        gpgme_data_new_from_mem(&in, buf, len, 0);
        gpgme_data_new(&out);
        gpgme_error_t e = verify ? gpgme_op_verify(ctx, in, NULL, out) : gpgme_op_sign(ctx, in, out, GPGME_SIG_MODE_CLEAR);
        if (e || (verify && !gpgme_op_verify_result(ctx)->signatures)) {
            fprintf(stderr, "gpgme-floor: %s\n", e ? gpgme_strerror(e) : "no signature");
            return 1;
        }
        gpgme_data_release(in);
        gpgme_data_release(out);
        gpgme_release(ctx);
        t[i] = now_ms() - t0;
    }
    qsort(t + 1, n, sizeof *t, cmp);
    printf("%.2f\n", t[1 + n / 2]);
    return 0;
}
