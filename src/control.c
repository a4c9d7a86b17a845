/* mcscope: the control socket (see control.h). */
#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mcscope/event.h"

int control_serve(struct mc_monitor *m, int fd)
{
    char line[CONTROL_MSG_MAX], answer[CONTROL_MSG_MAX];
    char text[MC_EVENT_TEXT_MAX];
    struct mc_event ev;
    struct mc_err err;
    ssize_t n = recv(fd, line, sizeof line - 1, MSG_DONTWAIT);
    int rc;

    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0)
        return -1;
    line[n] = '\0';
    rc = mc_monitor_exec_line(m, line, &err);
    if (rc < 0)
        snprintf(answer, sizeof answer, "%d %s", rc, err.msg);
    else if (mc_monitor_command_event(m, &ev) == 0)
        snprintf(answer, sizeof answer, "0 %s",
                 mc_event_format(&ev, text, sizeof text, MC_EVENT_UTF8));
    else
        snprintf(answer, sizeof answer, "0 %.1000s", line);
    return send(fd, answer, strlen(answer), MSG_NOSIGNAL) < 0 ? -1 : 0;
}
