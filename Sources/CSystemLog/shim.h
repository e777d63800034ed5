/* syslog(3) for one already formatted line. Swift cannot call a variadic C
 * function; through withVaList each call made Swift look up CVarArg
 * conformances at run time, about a tenth of bouncecheck's own start-up. */
#include <syslog.h>

static inline void bouncesign_syslog(int priority, const char *line) {
    syslog(priority, "%s", line);
}
