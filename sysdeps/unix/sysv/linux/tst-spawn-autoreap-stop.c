/* posix_spawn with POSIX_SPAWN_AUTOREAP: SIGCHLD on stop and continue only.
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


/* The termination of an automatically reaped child, by exit or by a
   signal, sends no SIGCHLD to the parent, while an ordinary child's
   does.  Stopping or continuing it still sends SIGCHLD, with si_code
   CLD_STOPPED or CLD_CONTINUED, as for any child, and not if the parent
   set SA_NOCLDSTOP.  A wait with WUNTRACED or WCONTINUED reports these
   changes exactly when the kernel counts the child as a running child
   after execve (see tst-spawn-autoreap.c), and never its
   termination.  */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <support/check.h>
#include <support/process_state.h>
#include <support/xsignal.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* SIGCHLD, blocked for the whole test and accepted with sigtimedwait.  */
static sigset_t chld;

/* Check that a SIGCHLD for child PID with CODE and STATUS is pending, or
   comes within the release timeout, and accept it.  */
static void
expect_sigchld (pid_t pid, int code, int status)
{
  struct timespec timeout = { release_timeout_ms () / 1000, 0 };
  siginfo_t si;
  if (sigtimedwait (&chld, &si, &timeout) != SIGCHLD)
    FAIL_EXIT1 ("no SIGCHLD for code %d: %m", code);
  TEST_COMPARE (si.si_pid, pid);
  TEST_COMPARE (si.si_code, code);
  TEST_COMPARE (si.si_status, status);
}

/* Check that no SIGCHLD is pending.  */
static void
expect_no_sigchld (void)
{
  const struct timespec zero = { 0, 0 };
  siginfo_t si;
  errno = 0;
  if (sigtimedwait (&chld, &si, &zero) == SIGCHLD)
    FAIL ("unexpected SIGCHLD from %d, code %d, status %d",
	  (int) si.si_pid, si.si_code, si.si_status);
  else
    TEST_COMPARE (errno, EAGAIN);
}

/* Start an autoreaped child that waits to be killed.  */
static pid_t
spawn_paused (void)
{
  pid_t pid = xspawn_restart (POSIX_SPAWN_AUTOREAP, NULL, NULL, "pause",
			      NULL);
  expect_no_sigchld ();
  return pid;
}

/* Kill the child PID, and check that no SIGCHLD is sent for it by the
   time it is released.  */
static void
kill_child (pid_t pid)
{
  TEST_COMPARE (kill (pid, SIGKILL), 0);
  wait_released (pid);
  expect_no_sigchld ();
  wait_no_children ();
}

/* No SIGCHLD when the child exits; one for an ordinary child.  */
static void
do_test_exit (void)
{
  printf ("info: exit\n");

  pid_t pid = xspawn_restart (POSIX_SPAWN_AUTOREAP, NULL, NULL, "exit",
			      NULL);
  wait_released (pid);
  expect_no_sigchld ();
  wait_no_children ();

  pid = xspawn_restart (0, NULL, NULL, "exit", NULL);
  expect_sigchld (pid, CLD_EXITED, 0);
  int status;
  TEST_COMPARE (xwaitpid (pid, &status, 0), pid);
  TEST_COMPARE (status, 0);
}

/* Check what waitpid (PID, ..., OPTIONS | WNOHANG) returns for the
   child PID, which has just stopped or continued: if RUNNING (waitpid
   counted the running child), PID with a status for which CHECK is
   true, and ECHILD otherwise.  */
static void
expect_wait (pid_t pid, int options, bool running, int (*check) (int))
{
  int status = 0;
  errno = 0;
  pid_t r = waitpid (pid, &status, options | WNOHANG);
  if (running)
    {
      TEST_COMPARE (r, pid);
      TEST_VERIFY (check (status));
    }
  else
    {
      TEST_COMPARE (r, -1);
      TEST_COMPARE (errno, ECHILD);
    }
}

static int
is_stopped (int status)
{
  return WIFSTOPPED (status) && WSTOPSIG (status) == SIGSTOP;
}

static int
is_continued (int status)
{
  return WIFCONTINUED (status);
}

/* SIGCHLD with CLD_STOPPED and CLD_CONTINUED, a few times over, and
   wait reports of the same where the kernel counts the child as
   running.  */
static void
do_test_notify (void)
{
  printf ("info: stopped and continued\n");

  pid_t pid = spawn_paused ();
  errno = 0;
  pid_t r = waitpid (pid, NULL, WNOHANG);
  if (r != 0)
    {
      TEST_COMPARE (r, -1);
      TEST_COMPARE (errno, ECHILD);
    }
  bool running = r == 0;
  printf ("info: wait %s the child after execve\n",
	  running ? "counts" : "ignores");
  for (int i = 0; i < 3; i++)
    {
      TEST_COMPARE (kill (pid, SIGSTOP), 0);
      expect_sigchld (pid, CLD_STOPPED, SIGSTOP);
      expect_wait (pid, WUNTRACED, running, is_stopped);
      TEST_COMPARE (kill (pid, SIGCONT), 0);
      expect_sigchld (pid, CLD_CONTINUED, SIGCONT);
      expect_wait (pid, WCONTINUED, running, is_continued);
    }
  kill_child (pid);
}

/* With SA_NOCLDSTOP, neither.  */
static void
do_test_nocldstop (void)
{
  printf ("info: stopped and continued, SA_NOCLDSTOP\n");

  struct sigaction sa = { .sa_handler = SIG_DFL, .sa_flags = SA_NOCLDSTOP };
  struct sigaction oldsa;
  sigemptyset (&sa.sa_mask);
  xsigaction (SIGCHLD, &sa, &oldsa);

  pid_t pid = spawn_paused ();
  TEST_COMPARE (kill (pid, SIGSTOP), 0);
  support_process_state_wait (pid, support_process_state_stopped);
  TEST_COMPARE (kill (pid, SIGCONT), 0);
  /* The child sleeps in pause again only after the kernel has sent, or
     not, the notifications of both the stop and the continuation.  */
  support_process_state_wait (pid, support_process_state_sleeping);
  expect_no_sigchld ();
  kill_child (pid);

  xsigaction (SIGCHLD, &oldsa, NULL);
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: "exit", or "pause" to wait to be
     killed.  */
  if (restart)
    {
      TEST_VERIFY_EXIT (argc == 2);
      if (strcmp (argv[1], "exit") == 0)
	_exit (0);
      TEST_VERIFY_EXIT (strcmp (argv[1], "pause") == 0);
      for (;;)
	pause ();
    }

  set_restart_argv (argc, argv);
  require_autoreap ();

  /* SIGCHLD must not be ignored, which would make the kernel reap every
     child.  */
  struct sigaction sa = { .sa_handler = SIG_DFL };
  sigemptyset (&sa.sa_mask);
  xsigaction (SIGCHLD, &sa, NULL);
  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  xpthread_sigmask (SIG_BLOCK, &chld, NULL);

  do_test_exit ();
  do_test_notify ();
  do_test_nocldstop ();

  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
