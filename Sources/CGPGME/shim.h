/* The C side of GPGME as Swift sees it. Only Sources/BounceKit/GPG imports this.
 *
 * libgpgme is not linked but loaded on first use (GPG/GPGLibrary.swift):
 * bouncecheck runs on every incoming message, most need no GnuPG, and loading
 * libgpgme, libassuan and libgpg-error at start-up costs ~0.3 ms of ~2.4.
 * gpgme.h still gives the types; each function below is a pointer of exactly
 * its declared type, filled by dlsym.
 *
 * gpgme_check_version is a macro that passes the struct-layout check; call
 * check_version_internal with bouncesign_gpgme_signature_layout() instead. */
#include <gpgme.h>
#include <dlfcn.h>
#include <stddef.h>

#define BOUNCESIGN_GPGME_FUNCTIONS(F)                                                          \
    F(check_version_internal) F(set_global_flag) F(engine_check_version) F(strerror) F(free)   \
    F(new) F(release) F(set_protocol) F(set_armor) F(set_offline) F(set_pinentry_mode)         \
    F(set_ctx_flag) F(data_new) F(data_new_from_mem) F(data_new_from_cbs) F(data_release)       \
    F(data_release_and_get_mem) F(op_keylist_start) F(op_keylist_next) F(op_keylist_end)       \
    F(key_unref) F(signers_add) F(op_sign) F(op_sign_result) F(op_createkey)                   \
    F(op_genkey_result) F(op_verify) F(op_verify_result)

/* gpgme_X is called as table.X. */
struct bouncesign_gpgme {
#define BOUNCESIGN_FIELD(f) __typeof__(gpgme_##f) *_Nonnull f;
    BOUNCESIGN_GPGME_FUNCTIONS(BOUNCESIGN_FIELD)
#undef BOUNCESIGN_FIELD
};

/* Loads libgpgme and fills *api: 0 on success, -1 (with dlerror() set) if the
 * library or one of its functions is missing. */
static inline int bouncesign_gpgme_load(struct bouncesign_gpgme *api) {
    void *lib = dlopen("libgpgme.so.11", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return -1;
#define BOUNCESIGN_LOAD(f) \
    if (!(api->f = (__typeof__(gpgme_##f) *)dlsym(lib, "gpgme_" #f))) return -1;
    BOUNCESIGN_GPGME_FUNCTIONS(BOUNCESIGN_LOAD)
#undef BOUNCESIGN_LOAD
    return 0;
}

/* What the gpgme_check_version macro passes for the struct-layout check. */
static inline size_t bouncesign_gpgme_signature_layout(void) {
    return offsetof(struct _gpgme_signature, validity);
}
