/*
 * mcscope: the TUI mode (see tui.h).
 *
 * Redraw policy: a key, an event in the log, a statistics tick or a
 * resize redraws in the same pass; packets alone mark the counters stale,
 * and stale counters are redrawn at most every UI_REFRESH_NS (a timerfd
 * wakes the loop for that when nothing else does).  So at 100,000
 * packets/s the screen costs 5 redraws a second, and a key is answered in
 * the pass that reads it.
 *
 * Resizes: SIGWINCH is blocked and read from a signalfd, so it never
 * interrupts poll() and ncurses' own handler never runs; on it the size
 * is read (TIOCGWINSZ) and given to resizeterm().
 */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "loop.h"
#include "ui.h"

/* Empty reads of a readable stdin in a row that mean the terminal is
 * gone (EOF), not a key that is still arriving. */
#define MAX_EMPTY_READS 8

struct tui {
    struct mc_monitor *m;
    struct ui *ui;
    struct loop *lp;
    int sigfd;   /* SIGWINCH, SIGHUP */
    int timerfd; /* the next redraw of stale counters */
    bool timer_armed;
    int64_t last_draw_ns;
    int empty_reads;
    int end_signal;            /* SIGHUP, or 0 */
    const struct tui_ext *ext; /* a mode's additions, or NULL */
};

/* ---- the terminal ---- */

static bool curses_up;

/* endwin once, from wherever the process ends. */
static void restore_terminal(void)
{
    if (curses_up && !isendwin())
        endwin();
    curses_up = false;
}

/* The terminal can draw a screen: it places the cursor (cup) and clears
 * (clear).  TERM=dumb (a printer, an editor's shell buffer) cannot. */
static bool can_draw(void)
{
    const char *caps[] = {"cup", "clear"};

    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char *s = tigetstr(caps[i]);

        if (s == NULL || s == (char *)-1)
            return false;
    }
    return true;
}

/* ^C comes as a key, not SIGINT: at the prompt it cancels the line, on
 * a screen it quits as q does (asking first in the lab).  Only VINTR goes:
 * ^Z and ^\ keep their signals; endwin gives the shell its own modes
 * back. */
static void keep_ctrl_c(void)
{
    struct termios tio;

    if (tcgetattr(STDIN_FILENO, &tio) < 0)
        return;
    tio.c_cc[VINTR] = _POSIX_VDISABLE;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0)
        def_prog_mode(); /* curses restores these after a suspend */
}

static SCREEN *start_curses(void)
{
    static bool registered;
    SCREEN *scr = newterm(NULL, stdout, stdin);

    if (scr == NULL)
        return NULL;
    if (!can_draw()) {
        endwin();
        delscreen(scr);
        return NULL;
    }
    curses_up = true;
    if (!registered && atexit(restore_terminal) == 0)
        registered = true;
    return scr;
}

/*
 * A crash (or SIGQUIT) with curses up would leave the terminal raw and
 * without echo: put it back first, then let the default action (a core
 * dump) happen.  endwin is not async-signal-safe; this is best effort
 * on a path that ends the process anyway.  Signals a sanitizer already
 * handles are left to it.
 */
static const int crash_signals[] = {SIGSEGV, SIGBUS,  SIGILL,
                                    SIGFPE,  SIGABRT, SIGQUIT};
#define NCRASH (sizeof crash_signals / sizeof crash_signals[0])

static void on_crash(int sig)
{
    if (curses_up)
        endwin();
    curses_up = false;
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns */
}

static void catch_crashes(struct sigaction *old)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NCRASH; i++) {
        if (sigaction(crash_signals[i], NULL, &old[i]) == 0 &&
            old[i].sa_handler == SIG_DFL)
            sigaction(crash_signals[i], &sa, NULL);
    }
}

static void release_crashes(const struct sigaction *old)
{
    for (size_t i = 0; i < NCRASH; i++)
        if (old[i].sa_handler == SIG_DFL)
            sigaction(crash_signals[i], &old[i], NULL);
}

/* ---- signals: SIGWINCH and SIGHUP through a signalfd ---- */

static int open_sigfd(sigset_t *old)
{
    sigset_t mask;
    int fd;

    sigemptyset(&mask);
    sigaddset(&mask, SIGWINCH);
    sigaddset(&mask, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &mask, old) < 0)
        return -1;
    fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0)
        sigprocmask(SIG_SETMASK, old, NULL);
    return fd;
}

static void apply_window_size(void)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
        ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
}

/* ---- drawing ---- */

static int64_t refresh_ns(const struct tui *t)
{
    return t->ext != NULL && t->ext->refresh_ns > 0 ? t->ext->refresh_ns
                                                    : UI_REFRESH_NS;
}

static void arm_refresh(struct tui *t, int64_t at_ns)
{
    int64_t left = at_ns - mc_monitor_now_ns();

    if (t->timer_armed)
        return;
    if (left < MC_NS_PER_MS)
        left = MC_NS_PER_MS;
    if (mc_timerfd_arm(t->timerfd, left, false) == 0)
        t->timer_armed = true;
}

/* Draw now if something must show now, or if stale counters have waited
 * a refresh period; else make sure the timer comes back for them. */
static void maybe_draw(struct tui *t)
{
    int pending = ui_pending(t->ui);
    int64_t now = mc_monitor_now_ns();

    if (pending == 0)
        return;
    if ((pending & UI_DRAW_NOW) || now - t->last_draw_ns >= refresh_ns(t)) {
        ui_draw(t->ui);
        t->last_draw_ns = now;
        return;
    }
    arm_refresh(t, t->last_draw_ns + refresh_ns(t));
}

/* ---- loop callbacks ---- */

/* Give every key waiting to the UI; returns how many there were. */
static int drain_keys(struct tui *t)
{
    int ch, keys = 0;

    while ((ch = wgetch(stdscr)) != ERR) {
        keys++;
        if (t->ext != NULL && t->ext->on_key != NULL &&
            ui_ext_key_ready(t->ui, ch)) {
            t->ext->on_key(t->ext->arg, ch);
            ui_monitor_changed(t->ui, MC_MON_EVENTS);
            continue;
        }
        ui_key(t->ui, ch);
    }
    if (ui_quit_requested(t->ui))
        loop_stop(t->lp);
    return keys;
}

static void on_stdin(void *arg, int fd, short revents)
{
    struct tui *t = arg;

    (void)fd;
    if (drain_keys(t) > 0) {
        t->empty_reads = 0;
    } else if ((revents & (POLLHUP | POLLERR | POLLNVAL)) ||
               ++t->empty_reads > MAX_EMPTY_READS) {
        t->end_signal = SIGHUP; /* the terminal went away */
        loop_stop(t->lp);
    }
}

static void on_signal(void *arg, int fd, short revents)
{
    struct tui *t = arg;
    struct signalfd_siginfo si;

    (void)revents;
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGHUP) {
            t->end_signal = SIGHUP;
            loop_stop(t->lp);
            continue;
        }
        apply_window_size();
        ui_key(t->ui, KEY_RESIZE);
    }
    /* resizeterm may queue a KEY_RESIZE: take it now, not at the next key */
    drain_keys(t);
}

static void on_timer(void *arg, int fd, short revents)
{
    struct tui *t = arg;
    uint64_t expirations;

    (void)revents;
    /* Non-blocking: nothing to read when it had not fired; either way the
     * next maybe_draw may arm it again. */
    if (read(fd, &expirations, sizeof expirations) < 0)
        expirations = 0;
    t->timer_armed = false;
}

static void on_pass(void *arg, int mon_flags)
{
    struct tui *t = arg;
    uint64_t seq;

    if (t->ext != NULL && t->ext->on_pass != NULL) {
        seq = mc_monitor_last_event_seq(t->m);
        t->ext->on_pass(t->ext->arg);
        if (mc_monitor_last_event_seq(t->m) != seq)
            mon_flags |= MC_MON_EVENTS;
    }
    ui_monitor_changed(t->ui, mon_flags);
    /* The kernel's view the detail screen draws from: taken here, after
     * commands and at most once a tick otherwise, never while drawing. */
    mc_monitor_refresh_kernel(t->m, false);
    maybe_draw(t);
}

/* ---- the mode ---- */

static int setup_loop(struct tui *t, struct mc_script *script)
{
    t->lp = loop_new(t->m, script);
    if (t->lp == NULL)
        return -1;
    if (loop_add_fd(t->lp, STDIN_FILENO, POLLIN, on_stdin, t) < 0 ||
        loop_add_fd(t->lp, t->sigfd, POLLIN, on_signal, t) < 0 ||
        loop_add_fd(t->lp, t->timerfd, POLLIN, on_timer, t) < 0 ||
        (t->ext != NULL && t->ext->metrics != NULL &&
         metrics_http_attach(t->ext->metrics, t->lp) < 0)) {
        errno = ENOMEM;
        return -1;
    }
    loop_on_pass(t->lp, on_pass, t);
    return 0;
}

/* The screen as text, row by row, blanks at the ends of rows dropped
 * (malloc'd; NULL when out of memory): Q leaves it in the terminal. */
static char *frame_text(void)
{
    int rows, cols;
    size_t cap, used = 0;
    char *out;
    wchar_t *w;

    getmaxyx(stdscr, rows, cols);
    cap = (size_t)rows * ((size_t)cols * MB_CUR_MAX + 1) + 1;
    out = malloc(cap);
    w = calloc((size_t)cols + 1, sizeof *w);
    if (out == NULL || w == NULL) {
        free(out);
        free(w);
        return NULL;
    }
    for (int y = 0; y < rows; y++) {
        int n = mvwinnwstr(stdscr, y, 0, w, cols);
        size_t len;

        if (n < 0)
            n = 0;
        w[n] = L'\0';
        len = wcstombs(out + used, w, cap - used - 2);
        if (len == (size_t)-1)
            len = 0;
        while (len > 0 && out[used + len - 1] == ' ')
            len--;
        used += len;
        out[used++] = '\n';
    }
    out[used] = '\0';
    free(w);
    return out;
}

/* Run the loop with the screen up; returns the exit status. */
static int run(struct tui *t, char *why, size_t len)
{
    enum loop_end end;
    int status = 0;

    mc_monitor_refresh_kernel(t->m, true);
    ui_draw(t->ui);
    t->last_draw_ns = mc_monitor_now_ns();
    end = loop_run(t->lp);
    if (end == LOOP_SIGNAL) {
        snprintf(why, len, "mcscope: ended by %s",
                 strsignal(loop_signal(t->lp)));
        status = 1;
    } else if (end == LOOP_ERROR) {
        snprintf(why, len, "mcscope: the event loop failed: %s",
                 strerror(errno));
        status = 1;
    } else if (t->end_signal != 0) {
        snprintf(why, len, "mcscope: the terminal hung up");
        status = 1;
    }
    return status;
}

int tui_run(struct mc_monitor *m, struct mc_script *script)
{
    return tui_run_ext(m, script, NULL);
}

int tui_run_ext(struct mc_monitor *m, struct mc_script *script,
                const struct tui_ext *ext)
{
    struct tui t = {.m = m, .sigfd = -1, .timerfd = -1, .ext = ext};
    struct sigaction crash_old[NCRASH];
    bool crashes_caught = false;
    char why[MC_ERR_MSG_MAX] = "";
    char *frame = NULL;
    sigset_t old_mask;
    SCREEN *scr = NULL;
    int status = 1;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "mcscope: the TUI needs a terminal on stdin and "
                        "stdout: use --batch SECONDS for a report instead\n");
        return 1;
    }
    setlocale(LC_ALL, "");
    t.sigfd = open_sigfd(&old_mask);
    t.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (t.sigfd < 0 || t.timerfd < 0) {
        snprintf(why, sizeof why, "mcscope: cannot set up the TUI: %s",
                 strerror(errno));
        goto out;
    }
    catch_crashes(crash_old);
    crashes_caught = true;
    scr = start_curses();
    if (scr == NULL) {
        snprintf(why, sizeof why,
                 "mcscope: cannot start the screen for TERM=%s (an unknown "
                 "type, or one that cannot place the cursor): set TERM to "
                 "your terminal's type (e.g. xterm-256color), or use --batch "
                 "SECONDS for a report",
                 getenv("TERM") ? getenv("TERM") : "(unset)");
        goto out;
    }
    t.ui = ui_new(m, true);
    if (t.ui == NULL || setup_loop(&t, script) < 0) {
        snprintf(why, sizeof why, "mcscope: cannot set up the TUI: %s",
                 strerror(errno ? errno : ENOMEM));
        goto out;
    }
    keep_ctrl_c();
    if (ext != NULL && ext->key != 0)
        ui_set_ext_key(t.ui, ext->key, ext->key_label);
    for (size_t i = 0; ext != NULL && ext->key != 0 && i < ext->nmore; i++)
        ui_add_ext_key(t.ui, ext->more[i].key, ext->more[i].label,
                       ext->more[i].help);
    if (ext != NULL && ext->on_ui != NULL)
        ext->on_ui(ext->arg, t.ui);
    status = run(&t, why, sizeof why);
    if (ui_keep_screen(t.ui))
        frame = frame_text();
out:
    loop_free(t.lp);
    ui_free(t.ui);
    restore_terminal();
    if (scr != NULL)
        delscreen(scr);
    if (crashes_caught)
        release_crashes(crash_old);
    if (t.timerfd >= 0)
        close(t.timerfd);
    if (t.sigfd >= 0) {
        close(t.sigfd);
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
    }
    if (frame != NULL)
        fputs(frame, stdout);
    free(frame);
    if (why[0] != '\0')
        fprintf(stderr, "%s\n", why);
    return status;
}
