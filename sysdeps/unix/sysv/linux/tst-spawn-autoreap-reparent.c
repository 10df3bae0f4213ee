/* posix_spawn with POSIX_SPAWN_AUTOREAP: a child reparented to a subreaper.
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


/* The autoreap property survives reparenting: a helper spawns an
   autoreaped child and exits, and the test, a subreaper, inherits the
   child.  The wait functions never return it, and no SIGCHLD is sent
   when it terminates, to the process that adopted it either; it
   disappears by itself.  */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <support/check.h>
#include <support/xsignal.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* Return true if a SIGCHLD is pending, and accept all of them.  */
static bool
take_sigchld (void)
{
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  const struct timespec zero = { 0, 0 };
  bool pending = false;
  while (sigtimedwait (&set, NULL, &zero) == SIGCHLD)
    pending = true;
  TEST_COMPARE (errno, EAGAIN);
  return pending;
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: wait to be killed.  */
  if (restart)
    for (;;)
      pause ();

  set_restart_argv (argc, argv);
  require_autoreap ();

  TEST_COMPARE (prctl (PR_SET_CHILD_SUBREAPER, 1), 0);
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  xpthread_sigmask (SIG_BLOCK, &set, NULL);

  int fds[2];
  TEST_COMPARE (pipe2 (fds, O_CLOEXEC), 0);
  pid_t helper = xfork ();
  if (helper == 0)
    {
      xclose (fds[0]);
      pid_t pid = xspawn_restart (POSIX_SPAWN_AUTOREAP, NULL, NULL, "pause",
				  NULL);
      xwrite (fds[1], &pid, sizeof (pid));
      _exit (0);
    }
  xclose (fds[1]);
  pid_t pid;
  xread (fds[0], &pid, sizeof (pid));
  xclose (fds[0]);
  TEST_VERIFY_EXIT (pid > 0);

  int status;
  TEST_COMPARE (xwaitpid (helper, &status, 0), helper);
  TEST_COMPARE (status, 0);
  /* The helper's own SIGCHLD.  */
  TEST_VERIFY (take_sigchld ());

  /* The helper is gone, so the child now belongs to us.  */
  pid_t ppid = 0;
  TEST_VERIFY (proc_state (pid, &ppid) != 0);
  TEST_COMPARE (ppid, getpid ());

  /* While it runs, wait does not return it: ECHILD, or 0 with WNOHANG
     where the kernel counts it as a running child (see the note on
     execve in the manual).  */
  for (int i = 0; i < 2; i++)
    {
      errno = 0;
      pid_t r = waitpid (i == 0 ? pid : -1, NULL, WNOHANG);
      if (r != 0)
	{
	  TEST_COMPARE (r, -1);
	  TEST_COMPARE (errno, ECHILD);
	}
    }

  /* Once it has been killed, a blocking wait fails with ECHILD, and no
     SIGCHLD has come by the time it is released.  */
  TEST_COMPARE (kill (pid, SIGKILL), 0);
  errno = 0;
  TEST_COMPARE (waitpid (-1, NULL, 0), -1);
  TEST_COMPARE (errno, ECHILD);
  wait_released (pid);
  TEST_VERIFY (!take_sigchld ());
  wait_no_children ();

  xpthread_sigmask (SIG_UNBLOCK, &set, NULL);
  TEST_COMPARE (prctl (PR_SET_CHILD_SUBREAPER, 0), 0);
  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
