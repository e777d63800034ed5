/* libmilter (Debian libmilter-dev) as Swift sees it. Only the glue files of
 * Sources/bouncesign-milter import this: the decisions are BounceKit's.
 *
 * Unlike libgpgme in the two filters, libmilter is linked normally: only the
 * milter uses it, and it runs for days, not once per message.
 *
 * mfapi.h declares smfi_opensocket with C99 bool; its macros (SMFIS_*,
 * SMFIF_*, SMFIP_*) import as integer constants. */
#include <stdbool.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <libmilter/mfapi.h>
#include <signal.h>
#include <pthread.h>

/* The text form of a connecting client's address, or 0 when it is not an
 * IPv4 or IPv6 address (a local socket, or none: Postfix's non-SMTP mail). */
static inline int bouncesign_milter_address(const struct sockaddr *sa, char *out, socklen_t size) {
    if (!sa) return 0;
    if (sa->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, size) != 0;
    if (sa->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, size) != 0;
    return 0;
}

/* libmilter leaves Nagle's algorithm on for its TCP connections: a reply
 * written in several packets at the end of a message (a header to add, then
 * "continue") waits for the MTA's delayed ACK, ~40 ms a message on Linux.
 * TCP_NODELAY set on the listening socket is inherited by each accepted one;
 * libmilter does not hand out its socket, so find it among our descriptors
 * (after smfi_opensocket). Returns how many listening TCP sockets were set. */
static inline int bouncesign_milter_nodelay(void) {
    int n = 0;
    for (int fd = 3; fd < 1024; fd++) {
        int listening = 0, one = 1;
        socklen_t len = sizeof listening;
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) continue;
        if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) continue;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0) n++;
    }
    return n;
}
