/* Run by tests/dist/check-series in the Linux 7.x VM with the C library
   built from one commit of dist/series: a commit may reject
   POSIX_SPAWN_AUTOREAP (0x200) or honour it, never accept it and create
   an ordinary child.  Built with the host's compiler and headers, which
   predate the flag, so the value is spelled out.
   Prints one line and exits with
     0  posix_spawnattr_setflags rejects the flag with EINVAL, or
	posix_spawn with it creates a child that wait never returns;
     1  the flag is accepted but not honoured, or something else failed.  */

#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define PROBE_POSIX_SPAWN_AUTOREAP 0x200

extern char **environ;

int
main (void)
{
  posix_spawnattr_t attr;
  posix_spawnattr_init (&attr);
  int r = posix_spawnattr_setflags (&attr, PROBE_POSIX_SPAWN_AUTOREAP);
  if (r == EINVAL)
    {
      puts ("rejected: posix_spawnattr_setflags (0x200) is EINVAL");
      return 0;
    }
  if (r != 0)
    {
      printf ("posix_spawnattr_setflags (0x200): %s\n", strerror (r));
      return 1;
    }
  pid_t pid;
  char *argv[] = { (char *) "true", NULL };
  r = posix_spawn (&pid, "/bin/true", NULL, &attr, argv, environ);
  if (r != 0)
    {
      printf ("accepted, but posix_spawn: %s\n", strerror (r));
      return 1;
    }
  /* An autoreaped child is never returned: waitpid waits for it to exit
     (it exec'd, so it counts as running until then) and fails.  */
  int status;
  pid_t w = waitpid (pid, &status, 0);
  if (w == -1 && errno == ECHILD)
    {
      puts ("honoured: the child was reaped by the kernel");
      return 0;
    }
  printf ("accepted but not honoured: waitpid returned %d (status %#x)\n",
	  (int) w, status);
  return 1;
}
