/* libgcrypt, GnuPG's own crypto library: SHA-256 without Foundation.
 *
 * Not linked but loaded on first use (Proof/Crypto.swift), like libgpgme
 * (CGPGME/shim.h): most bouncecheck runs hash nothing. gcrypt.h still gives
 * the types; each function below is a pointer of exactly its declared type. */
#include <gcrypt.h>
#include <dlfcn.h>

#define BOUNCESIGN_GCRYPT_FUNCTIONS(F) \
    F(md_open) F(md_close) F(md_write) F(md_copy) F(md_read)

/* gcry_X is called as table.X. */
struct bouncesign_gcrypt {
#define BOUNCESIGN_FIELD(f) __typeof__(gcry_##f) *_Nonnull f;
    BOUNCESIGN_GCRYPT_FUNCTIONS(BOUNCESIGN_FIELD)
#undef BOUNCESIGN_FIELD
};

/* Loads libgcrypt, fills *api and initialises the library: the version check
 * comes before any other call (libgcrypt manual §2.4); no secure memory, as
 * nothing secret is hashed. gcry_control is variadic, which Swift cannot
 * call, hence here. 0 on success, -1 (with dlerror() set) if the library or
 * one of its functions is missing. */
static inline int bouncesign_gcrypt_load(struct bouncesign_gcrypt *api) {
    void *lib = dlopen("libgcrypt.so.20", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return -1;
    __typeof__(gcry_check_version) *check_version = (__typeof__(gcry_check_version) *)dlsym(lib, "gcry_check_version");
    __typeof__(gcry_control) *control = (__typeof__(gcry_control) *)dlsym(lib, "gcry_control");
    if (!check_version || !control) return -1;
#define BOUNCESIGN_LOAD(f) \
    if (!(api->f = (__typeof__(gcry_##f) *)dlsym(lib, "gcry_" #f))) return -1;
    BOUNCESIGN_GCRYPT_FUNCTIONS(BOUNCESIGN_LOAD)
#undef BOUNCESIGN_LOAD
    check_version(NULL);
    control(GCRYCTL_DISABLE_SECMEM, 0);
    control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    return 0;
}
