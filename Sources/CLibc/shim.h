/* The libc calls Swift cannot make directly. */
#include <syslog.h>
#include <sys/types.h>

/* syslog(3) for one already formatted line. Swift cannot call a variadic C
 * function; through withVaList each call made Swift look up CVarArg
 * conformances at run time, about a tenth of bouncecheck's own start-up. */
static inline void bouncesign_syslog(int priority, const char *line) {
    syslog(priority, "%s", line);
}

/* fallocate(2), which glibc declares only under _GNU_SOURCE (Swift's Glibc
 * module is built without it): the same declaration as <fcntl.h>'s. */
extern int fallocate(int fd, int mode, off_t offset, off_t len);

/* Reserves the disk space of [offset, offset + length) of a file without
 * changing its size (FALLOC_FL_KEEP_SIZE, 1 in <linux/falloc.h>). 0 on
 * success, -1 with errno set (EOPNOTSUPP where the file system cannot). */
static inline int bouncesign_reserve_space(int fd, off_t offset, off_t length) {
    return fallocate(fd, 1, offset, length);
}
