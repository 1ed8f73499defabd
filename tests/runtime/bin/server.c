/* A stand-in for a long-running service, built static so it runs on any image (even scratch).
 * It shuts down cleanly (exit 0) on SIGTERM or SIGINT, as a well-behaved server does.
 *   server            run until a stop signal (at most 300 s)
 *   server --once     print a line and exit 0
 *   server --check    exit 0 (a healthcheck that passes)
 *   server --exit=N   exit N */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void stop(int sig) {
    (void)sig;
    _exit(0);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--once") == 0) {
            puts("server: ran once");
            return 0;
        }
        if (strcmp(argv[i], "--check") == 0) return 0;
        if (strncmp(argv[i], "--exit=", 7) == 0) return atoi(argv[i] + 7);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    alarm(300);
    puts("server: ready");
    fflush(stdout);
    for (;;) pause();
}
