/* Demo of POSIX_SPAWN_AUTOREAP: print what the kernel and the C library
   are, then start children with and without the flag and print what
   waitpid, SIGCHLD and the pidfd saw; last, a helper started with
   POSIX_SPAWN_PIDFD_AUTOKILL dies with the parent that is killed.  Built with tests/build/cc and run in the
   Linux 7.x VM by "make"; on a kernel without CLONE_AUTOREAP it shows the
   ENOTSUP answer instead.  */

#define _GNU_SOURCE
#include <errno.h>
#include <gnu/libc-version.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Start "/bin/sh -c SCRIPT", autoreaped if AUTOREAP, returning a pidfd
   if PIDFD is not NULL and a pid otherwise.  Return the error number.  */
static int
start (const char *script, int autoreap, pid_t *pid, int *pidfd)
{
  char *argv[] = { (char *) "sh", (char *) "-c", (char *) script, NULL };
  posix_spawnattr_t attr;
  posix_spawnattr_init (&attr);
  posix_spawnattr_setautoreap (&attr, autoreap);
  int r = pidfd != NULL
	  ? pidfd_spawn (pidfd, "/bin/sh", NULL, &attr, argv, environ)
	  : posix_spawn (pid, "/bin/sh", NULL, &attr, argv, environ);
  posix_spawnattr_destroy (&attr);
  return r;
}

/* Store the wait status of the terminated process PIDFD refers to in
   *WSTATUS.  The kernel records it when it releases the process, just
   after the pidfd polls POLLIN: in between PIDFD_GET_INFO fails or
   leaves PIDFD_INFO_EXIT out of the mask, so retry.  Return 0 or an
   error number (ESRCH if the status never came).  */
static int
exit_status (int pidfd, int *wstatus)
{
  for (int tries = 0; tries < 5000; tries++)
    {
      if (tries > 0)
	nanosleep (&(struct timespec) { 0, 1000 * 1000 }, NULL);
      struct pidfd_info info = { .mask = PIDFD_INFO_EXIT };
      if (ioctl (pidfd, PIDFD_GET_INFO, &info) == 0
	  && (info.mask & PIDFD_INFO_EXIT))
	{
	  *wstatus = info.exit_code;
	  return 0;
	}
    }
  return ESRCH;
}

/* Describe what waitpid (-1, OPTIONS) says now.  */
static const char *
waitpid_says (int options)
{
  static char buf[64];
  int status;
  pid_t r = waitpid (-1, &status, options);
  if (r > 0)
    snprintf (buf, sizeof buf, "returned child %d", (int) r);
  else if (r == 0)
    snprintf (buf, sizeof buf, "0 (a child is running)");
  else
    snprintf (buf, sizeof buf, "-1, %s", strerrorname_np (errno));
  return buf;
}

static const char *
sigchld_pending (const sigset_t *set)
{
  struct timespec zero = { 0, 0 };
  return sigtimedwait (set, NULL, &zero) == SIGCHLD ? "yes" : "no";
}

/* Count our children that are zombies, from /proc/self/task/TID/children
   and /proc/PID/stat.  */
static int
count_zombies (void)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/task/%d/children", (int) gettid ());
  FILE *f = fopen (path, "r");
  if (f == NULL)
    return -1;
  int pid, zombies = 0;
  while (fscanf (f, "%d", &pid) == 1)
    {
      snprintf (path, sizeof path, "/proc/%d/stat", pid);
      FILE *s = fopen (path, "r");
      char state;
      if (s != NULL && fscanf (s, "%*d (%*[^)]) %c", &state) == 1
	  && state == 'Z')
	zombies++;
      if (s != NULL)
	fclose (s);
    }
  fclose (f);
  return zombies;
}

/* A parent process starts a helper ("sleep 1000") that must not outlive
   it, with pidfd_spawn and POSIX_SPAWN_PIDFD_AUTOKILL, and is then killed
   with SIGKILL: the kernel closes its pidfd, which kills the helper.  */
static int
helper_dies_with_parent (void)
{
  printf ("\n4. a parent starts a helper (\"sleep 1000\") with pidfd_spawn and\n"
	  "   POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_PIDFD_AUTOKILL"
	  " | POSIX_SPAWN_NO_NEW_PRIVS,\n"
	  "   then the parent is killed with SIGKILL\n");
  int fds[2];
  if (pipe (fds) != 0)
    return 1;
  pid_t parent = fork ();
  if (parent == 0)
    {
      char *argv[] = { (char *) "sleep", (char *) "1000", NULL };
      posix_spawnattr_t attr;
      posix_spawnattr_init (&attr);
      posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP
					| POSIX_SPAWN_PIDFD_AUTOKILL
					| POSIX_SPAWN_NO_NEW_PRIVS);
      int pidfd;
      int r = pidfd_spawn (&pidfd, "/bin/sleep", NULL, &attr, argv, environ);
      pid_t helper = r == 0 ? pidfd_getpid (pidfd) : -r;
      write (fds[1], &helper, sizeof helper);
      for (;;)
	pause ();
    }
  close (fds[1]);
  pid_t helper = 0;
  if (parent < 0 || read (fds[0], &helper, sizeof helper) != sizeof helper)
    return 1;
  close (fds[0]);
  if (helper < 0)
    {
      printf ("   pidfd_spawn: %s\n", strerrorname_np (-helper));
      return 1;
    }
  int helperfd = pidfd_open (helper, 0);
  struct pollfd pfd = { .fd = helperfd, .events = POLLIN };
  printf ("   helper running: %s\n",
	  helperfd >= 0 && poll (&pfd, 1, 0) == 0 ? "yes" : "no");
  kill (parent, SIGKILL);
  int status;
  waitpid (parent, &status, 0);
  printf ("   parent killed by SIGKILL: %s\n",
	  WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL ? "yes" : "no");
  printf ("   helper's pidfd (from pidfd_open) polls %s\n",
	  poll (&pfd, 1, 10000) == 1 ? "POLLIN (it is gone)" : "nothing");
  int wstatus;
  int r = exit_status (helperfd, &wstatus);
  if (r == 0 && WIFSIGNALED (wstatus))
    printf ("   helper killed by signal %d (%s)\n", WTERMSIG (wstatus),
	    sigabbrev_np (WTERMSIG (wstatus)));
  else
    printf ("   helper: %s\n", r != 0 ? strerrorname_np (r) : "not killed");
  close (helperfd);
  return 0;
}

int
main (void)
{
  struct utsname u;
  uname (&u);
  printf ("kernel: Linux %s\n", u.release);
  printf ("glibc:  %s, POSIX_SPAWN_AUTOREAP = %#x\n", gnu_get_libc_version (),
	  POSIX_SPAWN_AUTOREAP);

  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  sigprocmask (SIG_BLOCK, &set, NULL);

  int pidfd;
  int r = start ("exit 42", 1, NULL, &pidfd);
  if (r == ENOTSUP)
    {
      printf ("\nposix_spawn with POSIX_SPAWN_AUTOREAP: %s (%s):\n"
	      "  this kernel has no CLONE_AUTOREAP (Linux 7.1 or later);"
	      " no child was created.\n", strerrorname_np (r), strerror (r));
      printf ("  waitpid (-1, WNOHANG): %s\n", waitpid_says (WNOHANG));
      return 0;
    }
  if (r != 0)
    {
      printf ("pidfd_spawn: %s\n", strerror (r));
      return 1;
    }

  printf ("\n1. pidfd_spawn (\"sh -c 'exit 42'\") with POSIX_SPAWN_AUTOREAP\n");
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  poll (&pfd, 1, -1);
  printf ("   pidfd polls %s\n", pfd.revents & POLLIN ? "POLLIN (it exited)"
					       : "nothing");
  int wstatus;
  if ((r = exit_status (pidfd, &wstatus)) == 0)
    printf ("   PIDFD_GET_INFO: exit status %d\n", WEXITSTATUS (wstatus));
  else
    printf ("   PIDFD_GET_INFO: %s\n", strerrorname_np (r));
  siginfo_t si;
  printf ("   waitid (P_PIDFD): %s\n",
	  waitid (P_PIDFD, pidfd, &si, WEXITED) == 0 ? "returned it"
	  : strerrorname_np (errno));
  close (pidfd);
  printf ("   waitpid (-1): %s\n", waitpid_says (0));
  printf ("   SIGCHLD pending: %s\n", sigchld_pending (&set));

  enum { count = 100 };
  printf ("\n2. posix_spawn %d autoreaped children (\"sh -c 'exit 0'\")\n",
	  count);
  pid_t pid;
  for (int i = 0; i < count; i++)
    if ((r = start ("exit 0", 1, &pid, NULL)) != 0)
      {
	printf ("   posix_spawn: %s\n", strerror (r));
	return 1;
      }
  /* Once exec'd, an autoreaped child counts as running for wait, which
     returns ECHILD when the last of them is gone.  */
  printf ("   waitpid (-1, WNOHANG) at once: %s\n", waitpid_says (WNOHANG));
  printf ("   waitpid (-1) when they are gone: %s\n", waitpid_says (0));
  printf ("   zombies among our children: %d\n", count_zombies ());
  printf ("   SIGCHLD pending: %s\n", sigchld_pending (&set));

  printf ("\n3. for contrast, one ordinary child (\"sh -c 'exit 7'\")\n");
  start ("exit 7", 0, &pid, NULL);
  sigwaitinfo (&set, &si);
  printf ("   SIGCHLD arrived for pid %d: %s\n", (int) si.si_pid,
	  si.si_pid == pid ? "yes" : "no");
  printf ("   zombies among our children: %d\n", count_zombies ());
  int status;
  if (waitpid (-1, &status, 0) == pid)
    printf ("   waitpid (-1) returned it, exit status %d\n",
	    WEXITSTATUS (status));

  return helper_dies_with_parent ();
}
