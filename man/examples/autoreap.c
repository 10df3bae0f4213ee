/* autoreap.c: run a command as an automatically reaped child, learn
   how it terminated through its pidfd, and show that nothing is left to
   wait for.  Exit status: 0 on success, 1 on errors, 2 if the system
   cannot create automatically reaped children.  */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_NOTSUP  2

extern char **environ;

static volatile sig_atomic_t got_sigchld;

static void
sigchld_handler(int sig)
{
    got_sigchld = sig;
}

/* Wait until the process referred to by 'pidfd' has terminated, and
   return its wait status, or -1 (with errno set) on error. */
static int
pidfd_wait_status(int pidfd)
{
    struct pollfd      pfd = { .fd = pidfd, .events = POLLIN };
    struct pidfd_info  info;
    struct timespec    delay = { .tv_sec = 0, .tv_nsec = 1000000 };

    while (poll(&pfd, 1, -1) == -1) {
        if (errno != EINTR)
            return -1;
    }

    /* The pidfd becomes readable when the child exits; the kernel
       records the exit status when it releases the child, a moment
       later.  Until then, PIDFD_GET_INFO does not report it. */
    for (int i = 0; i < 5000; i++) {
        memset(&info, 0, sizeof(info));
        info.mask = PIDFD_INFO_EXIT;
        if (ioctl(pidfd, PIDFD_GET_INFO, &info) == 0) {
            if (info.mask & PIDFD_INFO_EXIT)
                return info.exit_code;
        } else if (errno != ESRCH) {
            return -1;
        }
        nanosleep(&delay, NULL);
    }
    errno = ETIMEDOUT;
    return -1;
}

int
main(int argc, char *argv[])
{
    int                status, err, pidfd;
    struct sigaction   sa;
    posix_spawnattr_t  attr;

    if (argc < 2) {
        fprintf(stderr, "Usage: %s command [arg...]\n", argv[0]);
        exit(EXIT_FAILURE);
    }

    /* Note any SIGCHLD; the termination of the child sends none. */
    sa.sa_handler = sigchld_handler;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);

    err = posix_spawnattr_init(&attr);
    if (err == 0)
        err = posix_spawnattr_setautoreap(&attr, 1);
    if (err == 0)
        err = pidfd_spawnp(&pidfd, argv[1], NULL, &attr, &argv[1],
                           environ);
    posix_spawnattr_destroy(&attr);
    if (err == ENOTSUP) {
        /* No child was created (Linux before 7.1, or no clone3()). */
        fprintf(stderr, "%s: POSIX_SPAWN_AUTOREAP: %s\n", argv[0],
                strerror(err));
        exit(EXIT_NOTSUP);
    }
    if (err != 0) {
        fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1],
                strerror(err));
        exit(EXIT_FAILURE);
    }

    status = pidfd_wait_status(pidfd);
    if (status == -1) {
        perror("PIDFD_GET_INFO");
        exit(EXIT_FAILURE);
    }
    close(pidfd);

    if (WIFEXITED(status))
        printf("%s exited with status %d\n", argv[1],
               WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s was killed by signal %d (%s)\n", argv[1],
               WTERMSIG(status), strsignal(WTERMSIG(status)));

    /* The kernel has reaped the child: there is nothing to wait for. */
    if (waitpid(-1, &status, 0) == -1)
        printf("waitpid(-1): %s\n", strerror(errno));
    else
        printf("waitpid(-1) returned a child\n");
    printf("SIGCHLD received: %s\n", got_sigchld ? "yes" : "no");

    exit(EXIT_SUCCESS);
}
