/* The C side of libopendkim (OpenDKIM 2.11, Debian libopendkim-dev) as Swift
 * sees it. Only Sources/BounceKit/DKIM imports this.
 *
 * Like libgpgme (CGPGME/shim.h), libopendkim is not linked but loaded on
 * first use (DKIM/DKIMLibrary.swift): bouncecheck needs it only for a
 * returned original that carries a DKIM-Signature of one of the configured
 * domains and no bouncesign proof, which is rare. dkim.h still gives the
 * types; each function below is a pointer of exactly its declared type,
 * filled by dlsym.
 *
 * dkim_options takes its value through a void pointer and a length; the
 * wrappers below pass the right C type for each option used. */
#include <opendkim/dkim.h>
#include <dlfcn.h>
#include <string.h>

#define BOUNCESIGN_DKIM_FUNCTIONS(F)                                                        \
    F(init) F(close) F(options) F(verify) F(header) F(eoh) F(body) F(eom) F(free)           \
    F(getsiglist) F(sig_getdomain) F(sig_getselector) F(sig_getflags) F(sig_getbh)           \
    F(sig_geterror) F(sig_geterrorstr) F(sig_gettagvalue) F(sig_getcanonlen)                 \
    F(set_prescreen) F(set_user_context) F(get_user_context) F(sig_ignore) F(getresultstr)   \
    F(libfeature)

/* dkim_X is called as table.X. */
struct bouncesign_dkim {
#define BOUNCESIGN_FIELD(f) __typeof__(dkim_##f) *_Nonnull f;
    BOUNCESIGN_DKIM_FUNCTIONS(BOUNCESIGN_FIELD)
#undef BOUNCESIGN_FIELD
};

/* Loads libopendkim and fills *api: 0 on success, -1 (with dlerror() set) if
 * the library or one of its functions is missing. */
static inline int bouncesign_dkim_load(struct bouncesign_dkim *api) {
    void *lib = dlopen("libopendkim.so.11", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return -1;
#define BOUNCESIGN_LOAD(f) \
    if (!(api->f = (__typeof__(dkim_##f) *)dlsym(lib, "dkim_" #f))) return -1;
    BOUNCESIGN_DKIM_FUNCTIONS(BOUNCESIGN_LOAD)
#undef BOUNCESIGN_LOAD
    return 0;
}

/* A new library handle, set up for verification: keys from `keyfile` (the
 * dkim-keys file, "selector._domainkey.domain record" a line) when it is not
 * NULL, else from DNS with `timeout` seconds; signatures judged at `now`
 * (DKIM_OPTS_FIXEDTIME) so that x= and t= are read against the checker's
 * clock. NULL when the library refuses an option. */
static inline DKIM_LIB *bouncesign_dkim_open(const struct bouncesign_dkim *api, const char *keyfile,
                                             unsigned int timeout, unsigned long long now) {
    DKIM_LIB *lib = api->init(NULL, NULL);
    if (!lib) return NULL;
    int ok = 1;
    if (keyfile) {
        dkim_query_t method = DKIM_QUERY_FILE;
        ok &= api->options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &method, sizeof method) == DKIM_STAT_OK;
        ok &= api->options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, (void *)keyfile, strlen(keyfile)) == DKIM_STAT_OK;
    }
    ok &= api->options(lib, DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT, &timeout, sizeof timeout) == DKIM_STAT_OK;
    uint64_t fixed = now;
    ok &= api->options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &fixed, sizeof fixed) == DKIM_STAT_OK;
    if (!ok) {
        api->close(lib);
        return NULL;
    }
    return lib;
}
