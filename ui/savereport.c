/*
 * mcscope ui: W writes the report as it is now to a new file in the
 * current folder, mcscope-report-YYYYMMDD-HHMMSS.json (the document
 * `--batch --json` prints, indented), for a ticket.  Never over a file
 * that exists (O_EXCL, as --write-pcap): the message line says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/report.h"
#include "screen.h"

unsigned ui_do_write_report(struct ui_ctx *c, const struct ui_binding *b,
                            struct ui_reply *out)
{
    char name[64], cwd[512];
    time_t t = time(NULL);
    struct tm tm;
    struct mc_err err;
    FILE *f = NULL;
    int fd, rc;

    (void)b;
    (void)out;
    localtime_r(&t, &tm);
    strftime(name, sizeof name, "mcscope-report-%Y%m%d-%H%M%S.json", &tm);
    fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
        ui_message(c->exec, UI_ROLE_WARN,
                   "%s exists already, and mcscope never overwrites a "
                   "file: press W again in a second",
                   name);
        return UI_R_REDRAW;
    }
    if (fd >= 0)
        f = fdopen(fd, "w");
    if (f == NULL) {
        ui_message(c->exec, UI_ROLE_WARN,
                   "cannot write %s here: %s (start mcscope in a folder "
                   "you can write to)",
                   name, strerror(errno));
        if (fd >= 0)
            close(fd);
        return UI_R_REDRAW;
    }
    rc = mc_report_json(c->m, 0, MC_REPORT_PRETTY, f, &err);
    if (fclose(f) != 0 && rc == 0)
        rc = mc_err_set(&err, -errno, "%s", strerror(errno));
    if (rc < 0) {
        unlink(name);
        ui_message(c->exec, UI_ROLE_WARN, "the report was not written: %s",
                   err.msg);
        return UI_R_REDRAW;
    }
    if (getcwd(cwd, sizeof cwd) == NULL)
        snprintf(cwd, sizeof cwd, ".");
    ui_message(c->exec, UI_ROLE_EV_OK, "the report is in %s/%s", cwd, name);
    return UI_R_REDRAW;
}
