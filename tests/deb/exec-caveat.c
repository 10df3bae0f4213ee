/* The exec caveat, as a program built with a distribution's glibc sees
   it: posix_spawn "sleep 1" with POSIX_SPAWN_AUTOREAP, then print what
   waitpid (-1, &status, WNOHANG) returns at once ("WNOHANG: 0" while the
   child counts as running, after its exec, on Linux 7.1 and 7.2;
   "WNOHANG: ECHILD" where it does not), then what a blocking
   waitpid (-1, &status, 0) returns and whether it returned only once the
   child had exited ("blocking: ECHILD after the child exited" or
   "... at once").  Exits 2, after printing "ENOTSUP", where the kernel
   cannot reap a child automatically.  make check-deb (tests/deb/run)
   builds it in the Debian root with the packages and runs it there.

   usage: exec-caveat  */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int
main (void)
{
  char *argv[] = { (char *) "sleep", (char *) "1", NULL };
  posix_spawnattr_t attr;
  pid_t pid;
  int status;

  posix_spawnattr_init (&attr);
  posix_spawnattr_setautoreap (&attr, 1);
  int r = posix_spawnp (&pid, "sleep", NULL, &attr, argv, environ);
  posix_spawnattr_destroy (&attr);
  if (r == ENOTSUP)
    {
      puts ("ENOTSUP");
      return 2;
    }
  if (r != 0)
    {
      fprintf (stderr, "exec-caveat: posix_spawnp: %s\n", strerror (r));
      return 1;
    }

  /* Polls readable once the child has exited.  */
  int pidfd = pidfd_open (pid, 0);
  if (pidfd < 0)
    {
      perror ("exec-caveat: pidfd_open");
      return 1;
    }

  pid_t w = waitpid (-1, &status, WNOHANG);
  if (w == 0)
    puts ("WNOHANG: 0");
  else if (w < 0 && errno == ECHILD)
    puts ("WNOHANG: ECHILD");
  else
    printf ("WNOHANG: %d\n", (int) w);

  w = waitpid (-1, &status, 0);
  int err = errno;
  /* Not kill (pid, 0): the child's PID stays for a moment after its
     exit, while the kernel releases it.  */
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  int gone = poll (&pfd, 1, 0) == 1;
  if (w < 0 && err == ECHILD)
    printf ("blocking: ECHILD %s\n",
	    gone ? "after the child exited" : "at once");
  else
    printf ("blocking: %d\n", (int) w);
  close (pidfd);
  return 0;
}
