/* The C side of GPGME as Swift sees it. Only Sources/BounceKit/GPG imports this.
 * gpgme_check_version is a macro that passes the struct-layout check; Swift
 * would bind the legacy function instead, so wrap the macro here. */
#include <gpgme.h>

static inline const char *bouncesign_gpgme_check_version(const char *req) {
    return gpgme_check_version(req);
}
