/* Run by tests/dist/check-series in the Linux 7.x VM with the C library
   built from one commit of dist/series: a commit may reject each of the
   new spawn flags or honour it, never accept it and do nothing:
     POSIX_SPAWN_AUTOREAP (0x200): the child is never returned by wait;
     POSIX_SPAWN_NO_NEW_PRIVS (0x400): the child has no_new_privs;
     POSIX_SPAWN_PIDFD_AUTOKILL (0x800, with the other two, through
     pidfd_spawn): closing the pidfd kills the child.
   Built with the host's compiler and headers, which predate the flags
   and pidfd_spawn, so the values are spelled out and pidfd_spawn is
   looked up at run time.  Prints one line per flag and exits with 0 if
   each is rejected with EINVAL by posix_spawnattr_setflags or honoured,
   1 otherwise.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_AUTOREAP 0x200
#define PROBE_NO_NEW_PRIVS 0x400
#define PROBE_PIDFD_AUTOKILL 0x800

extern char **environ;

/* Set FLAGS in *ATTR.  Return 1 if they are rejected with EINVAL (and
   print so), 0 if accepted, -1 on another error.  */
static int
rejected (posix_spawnattr_t *attr, const char *name, short int flags)
{
  posix_spawnattr_init (attr);
  int r = posix_spawnattr_setflags (attr, flags);
  if (r == EINVAL)
    {
      printf ("%s: rejected by posix_spawnattr_setflags (EINVAL)\n", name);
      return 1;
    }
  if (r != 0)
    {
      printf ("%s: posix_spawnattr_setflags: %s\n", name, strerror (r));
      return -1;
    }
  return 0;
}

static int
check_autoreap (void)
{
  posix_spawnattr_t attr;
  int r = rejected (&attr, "AUTOREAP", PROBE_AUTOREAP);
  if (r != 0)
    return r > 0 ? 0 : 1;
  pid_t pid;
  char *argv[] = { (char *) "true", NULL };
  r = posix_spawn (&pid, "/bin/true", NULL, &attr, argv, environ);
  if (r != 0)
    {
      printf ("AUTOREAP: accepted, but posix_spawn: %s\n", strerror (r));
      return 1;
    }
  /* An autoreaped child is never returned: waitpid waits for it to exit
     (it exec'd, so it counts as running until then) and fails.  */
  int status;
  pid_t w = waitpid (pid, &status, 0);
  if (w == -1 && errno == ECHILD)
    {
      puts ("AUTOREAP: honoured, the child was reaped by the kernel");
      return 0;
    }
  printf ("AUTOREAP: accepted but not honoured: waitpid returned %d\n",
	  (int) w);
  return 1;
}

static int
check_no_new_privs (void)
{
  posix_spawnattr_t attr;
  int r = rejected (&attr, "NO_NEW_PRIVS", PROBE_NO_NEW_PRIVS);
  if (r != 0)
    return r > 0 ? 0 : 1;
  pid_t pid;
  char *argv[] = { (char *) "sh", (char *) "-c",
		   (char *) "grep -q '^NoNewPrivs:[[:space:]]*1' /proc/self/status",
		   NULL };
  r = posix_spawn (&pid, "/bin/sh", NULL, &attr, argv, environ);
  int status;
  if (r != 0 || waitpid (pid, &status, 0) != pid)
    {
      printf ("NO_NEW_PRIVS: accepted, but the spawn failed: %s\n",
	      strerror (r != 0 ? r : errno));
      return 1;
    }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    {
      puts ("NO_NEW_PRIVS: honoured, the child has no_new_privs");
      return 0;
    }
  puts ("NO_NEW_PRIVS: accepted but not honoured");
  return 1;
}

static int
check_autokill (void)
{
  posix_spawnattr_t attr;
  int r = rejected (&attr, "PIDFD_AUTOKILL", PROBE_PIDFD_AUTOKILL
		    | PROBE_AUTOREAP | PROBE_NO_NEW_PRIVS);
  if (r != 0)
    return r > 0 ? 0 : 1;
  int (*spawn) (int *, const char *, const posix_spawn_file_actions_t *,
		const posix_spawnattr_t *, char *const[], char *const[])
    = dlsym (RTLD_DEFAULT, "pidfd_spawn");
  if (spawn == NULL)
    {
      puts ("PIDFD_AUTOKILL: accepted, but no pidfd_spawn");
      return 1;
    }
  int pidfd;
  char *argv[] = { (char *) "sleep", (char *) "100", NULL };
  r = spawn (&pidfd, "/bin/sleep", NULL, &attr, argv, environ);
  if (r != 0)
    {
      printf ("PIDFD_AUTOKILL: accepted, but pidfd_spawn: %s\n", strerror (r));
      return 1;
    }
  /* A pidfd of its own, which does not keep the child alive.  */
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
  FILE *f = fopen (path, "r");
  int pid = -1;
  char line[128];
  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    if (sscanf (line, "Pid: %d", &pid) == 1)
      break;
  if (f != NULL)
    fclose (f);
  int other = syscall (SYS_pidfd_open, pid, 0);
  close (pidfd);
  struct pollfd pfd = { .fd = other, .events = POLLIN };
  if (other >= 0 && poll (&pfd, 1, 30000) == 1)
    {
      puts ("PIDFD_AUTOKILL: honoured, closing the pidfd killed the child");
      return 0;
    }
  puts ("PIDFD_AUTOKILL: accepted but not honoured: the child lives on");
  if (pid > 0)
    kill (pid, SIGKILL);
  return 1;
}

int
main (void)
{
  int failed = check_autoreap ();
  failed |= check_no_new_privs ();
  failed |= check_autokill ();
  return failed;
}
