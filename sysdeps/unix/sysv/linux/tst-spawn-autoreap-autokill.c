/* Tests for POSIX_SPAWN_PIDFD_AUTOKILL.  Linux version.
   Copyright The GNU Toolchain Authors.
   This file is part of the GNU C Library.

   The GNU C Library is free software; you can redistribute it and/or
   modify it under the terms of the GNU Lesser General Public
   License as published by the Free Software Foundation; either
   version 2.1 of the License, or (at your option) any later version.

   The GNU C Library is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public
   License along with the GNU C Library; if not, see
   <https://www.gnu.org/licenses/>.  */

/* A child started by pidfd_spawn with POSIX_SPAWN_PIDFD_AUTOKILL (and
   POSIX_SPAWN_AUTOREAP, which it requires) is killed when the last
   reference to the pidfd's file goes away: when the caller closes it,
   or dies.  A pidfd from pidfd_open does not count; a dup does, and so
   does the copy that fork gives a child.  The
   misuses are EINVAL on every kernel (posix_spawn, or no AUTOREAP), and
   an unprivileged caller needs POSIX_SPAWN_NO_NEW_PRIVS (else EPERM).
   No failure leaves a process, descriptor, mapping or signal mask
   change behind.  */

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/check.h>
#include <support/descriptors.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-state.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* The flags that make a child die with its pidfd.  */
#define AUTOKILL_FLAGS \
  (POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_PIDFD_AUTOKILL | POSIX_SPAWN_NO_NEW_PRIVS)

/* Start the test program re-executed to sleep (or PATH if not NULL)
   with FLAGS, through pidfd_spawn if PIDFD, else posix_spawn.  Return
   the error, and store the pidfd or process ID in *CHILD.  */
static int
spawn_sleeper (int *child, short int flags, bool pidfd, const char *path)
{
  char *args[restart_argc + 3];
  make_restart_args (args, NULL, NULL);
  if (path != NULL)
    args[0] = (char *) path;
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setflags (&attr, flags), 0);
  int r;
  if (pidfd)
    r = pidfd_spawn (child, args[0], NULL, &attr, args, environ);
  else
    {
      pid_t pid = -1;
      r = posix_spawn (&pid, args[0], NULL, &attr, args, environ);
      *child = pid;
    }
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  return r;
}

/* What must not change when a spawn fails.  */
struct state
{
  struct support_descriptors *descriptors;
  unsigned long int mapped;
  sigset_t mask;
};

static void
save_state (struct state *s)
{
  s->descriptors = support_descriptors_list ();
  s->mapped = mapped_bytes ();
  get_sigmask (&s->mask);
}

static void
check_state (struct state *s)
{
  support_descriptors_check (s->descriptors);
  support_descriptors_free (s->descriptors);
  TEST_COMPARE (mapped_bytes (), s->mapped);
  compare_sigmask (&s->mask);
  wait_no_children ();
}

/* Check that spawning with FLAGS fails with ERROR and leaves nothing.  */
static void
check_spawn_fails (short int flags, bool pidfd, const char *path, int error)
{
  /* A first call may allocate what lazy binding needs.  */
  int child = -1;
  TEST_COMPARE (spawn_sleeper (&child, flags, pidfd, path), error);
  struct state s;
  save_state (&s);
  child = -1;
  TEST_COMPARE (spawn_sleeper (&child, flags, pidfd, path), error);
  TEST_COMPARE (child, -1);
  check_state (&s);
}

/* Wait until the process with the pidfd PIDFD has terminated, killed by
   SIGKILL.  */
static void
check_killed (int pidfd, pid_t pid)
{
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  TEST_COMPARE (poll (&pfd, 1, release_timeout_ms ()), 1);
  TEST_VERIFY (pfd.revents & POLLIN);
  /* The exit status is recorded when the kernel releases the child.  */
  wait_released (pid);
  struct pidfd_info info = { .mask = PIDFD_INFO_EXIT };
  TEST_COMPARE (ioctl (pidfd, PIDFD_GET_INFO, &info), 0);
  TEST_VERIFY (info.mask & PIDFD_INFO_EXIT);
  TEST_VERIFY (WIFSIGNALED (info.exit_code));
  TEST_COMPARE (WTERMSIG (info.exit_code), SIGKILL);
}

/* Check that the process PID is alive (running or sleeping).  */
static void
check_alive (pid_t pid)
{
  char state = proc_state (pid, NULL);
  if (state == 0 || state == 'Z' || state == 'X')
    FAIL_EXIT1 ("process %d is gone (state %c)", (int) pid,
		state == 0 ? '-' : state);
}

/* Closing the pidfd kills the child; holding a pidfd_open descriptor
   does not keep it alive, a dup or a copy inherited through fork
   does.  */
static void
do_test_close (void)
{
  printf ("info: closing the pidfd\n");
  int pidfd;
  TEST_COMPARE (spawn_sleeper (&pidfd, AUTOKILL_FLAGS, true, NULL), 0);
  pid_t pid = pidfd_getpid (pidfd);
  TEST_VERIFY_EXIT (pid > 0);
  int other = pidfd_open (pid, 0);
  TEST_VERIFY_EXIT (other >= 0);
  check_alive (pid);
  xclose (pidfd);
  check_killed (other, pid);
  xclose (other);

  printf ("info: a dup of the pidfd\n");
  TEST_COMPARE (spawn_sleeper (&pidfd, AUTOKILL_FLAGS, true, NULL), 0);
  pid = pidfd_getpid (pidfd);
  TEST_VERIFY_EXIT (pid > 0);
  other = pidfd_open (pid, 0);
  TEST_VERIFY_EXIT (other >= 0);
  int copy = xdup (pidfd);
  xclose (pidfd);
  sleep_ms (100);
  check_alive (pid);
  struct pollfd pfd = { .fd = other, .events = POLLIN };
  TEST_COMPARE (poll (&pfd, 1, 0), 0);
  xclose (copy);
  check_killed (other, pid);
  xclose (other);

  printf ("info: a copy of the pidfd inherited through fork\n");
  TEST_COMPARE (spawn_sleeper (&pidfd, AUTOKILL_FLAGS, true, NULL), 0);
  pid = pidfd_getpid (pidfd);
  TEST_VERIFY_EXIT (pid > 0);
  other = pidfd_open (pid, 0);
  TEST_VERIFY_EXIT (other >= 0);
  pid_t holder = xfork ();
  if (holder == 0)
    for (;;)
      pause ();
  xclose (pidfd);
  sleep_ms (100);
  check_alive (pid);
  pfd.fd = other;
  TEST_COMPARE (poll (&pfd, 1, 0), 0);
  TEST_COMPARE (kill (holder, SIGKILL), 0);
  int status;
  TEST_COMPARE (xwaitpid (holder, &status, 0), holder);
  check_killed (other, pid);
  xclose (other);
  wait_no_children ();
}

/* A process that started an autokill child and is then killed with
   SIGKILL takes the child with it.  */
static void
do_test_parent_killed (void)
{
  printf ("info: the parent killed with SIGKILL\n");
  int fds[2];
  xpipe (fds);
  pid_t middle = xfork ();
  if (middle == 0)
    {
      xclose (fds[0]);
      int pidfd;
      TEST_COMPARE (spawn_sleeper (&pidfd, AUTOKILL_FLAGS, true, NULL), 0);
      pid_t pid = pidfd_getpid (pidfd);
      xwrite (fds[1], &pid, sizeof (pid));
      for (;;)
	pause ();
    }
  xclose (fds[1]);
  pid_t pid;
  TEST_COMPARE (read (fds[0], &pid, sizeof (pid)), sizeof (pid));
  xclose (fds[0]);
  TEST_VERIFY_EXIT (pid > 0);
  int pidfd = pidfd_open (pid, 0);
  TEST_VERIFY_EXIT (pidfd >= 0);
  check_alive (pid);

  TEST_COMPARE (kill (middle, SIGKILL), 0);
  int status;
  TEST_COMPARE (xwaitpid (middle, &status, 0), middle);
  TEST_VERIFY (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  check_killed (pidfd, pid);
  xclose (pidfd);
  wait_no_children ();
}

/* Return true if CAP_SYS_ADMIN is in the effective capability set of
   the calling process.  */
static bool
has_cap_sys_admin (void)
{
  FILE *f = xfopen ("/proc/self/status", "re");
  char line[256];
  unsigned long long int caps = 0;
  while (fgets (line, sizeof (line), f) != NULL)
    if (sscanf (line, "CapEff: %llx", &caps) == 1)
      break;
  xfclose (f);
  return (caps & (1ULL << 21)) != 0;
}

/* Without POSIX_SPAWN_NO_NEW_PRIVS a caller without CAP_SYS_ADMIN gets
   EPERM; with it, the child is created.  A privileged test process
   becomes user 65534 for that.  */
static void
do_test_eperm_subprocess (void *closure)
{
  if (!has_cap_sys_admin ())
    printf ("info: no CAP_SYS_ADMIN already\n");
  /* User 65534 may not exist in a user namespace, nor be allowed to
     execute the test program.  */
  else if (setgroups (0, NULL) != 0 || setgid (65534) != 0
	   || setuid (65534) != 0)
    {
      printf ("info: can not switch to user 65534 (%m), EPERM not"
	      " checked\n");
      return;
    }
  else if (access (restart_argv[0], X_OK) != 0)
    {
      printf ("info: %s not executable as user 65534 (%m), EPERM not"
	      " checked\n", restart_argv[0]);
      return;
    }
  check_spawn_fails (POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_PIDFD_AUTOKILL, true,
		     NULL, EPERM);
  int pidfd;
  TEST_COMPARE (spawn_sleeper (&pidfd, AUTOKILL_FLAGS, true, NULL), 0);
  pid_t pid = pidfd_getpid (pidfd);
  int other = pidfd_open (pid, 0);
  TEST_VERIFY_EXIT (other >= 0);
  xclose (pidfd);
  check_killed (other, pid);
  xclose (other);
}

static void
do_test_eperm (void)
{
  printf ("info: unprivileged caller\n");
  isolate_in_subprocess (do_test_eperm_subprocess, NULL);
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: sleep until killed.  */
  if (restart)
    for (;;)
      pause ();

  set_restart_argv (argc, argv);

  /* The misuses are caught before the kernel is asked.  */
  printf ("info: EINVAL\n");
  check_spawn_fails (POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_PIDFD_AUTOKILL,
		     false, NULL, EINVAL);
  check_spawn_fails (POSIX_SPAWN_PIDFD_AUTOKILL | POSIX_SPAWN_NO_NEW_PRIVS,
		     true, NULL, EINVAL);
  check_spawn_fails (POSIX_SPAWN_PIDFD_AUTOKILL, false, NULL, EINVAL);
  /* Without a place for the pidfd.  */
  {
    posix_spawnattr_t attr;
    TEST_COMPARE (posix_spawnattr_init (&attr), 0);
    TEST_COMPARE (posix_spawnattr_setflags (&attr, AUTOKILL_FLAGS), 0);
    TEST_COMPARE (pidfd_spawn (NULL, restart_argv[0], NULL, &attr,
			       restart_argv, environ), EINVAL);
    TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
    wait_no_children ();
  }

  require_autoreap ();

  do_test_close ();
  do_test_parent_killed ();
  do_test_eperm ();

  /* A failed exec leaves nothing behind.  */
  printf ("info: exec failure\n");
  check_spawn_fails (AUTOKILL_FLAGS, true, "/nonexistent/tst-spawn-autoreap",
		     ENOENT);
  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
