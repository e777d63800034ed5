/* libgcrypt, GnuPG's own crypto library: SHA-256 and random bytes without Foundation. */
#include <gcrypt.h>

/* gcry_control is variadic, which Swift cannot call: wrap the two uses. */
static inline void gcry_control_disable_secmem(void) {
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}
