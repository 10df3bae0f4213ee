/* posix_spawn with POSIX_SPAWN_AUTOREAP: no zombie, no wait, no SIGCHLD.
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

/* An automatically reaped child, whether it exits or is killed, is never
   returned by a wait function and disappears by itself.  Among ordinary
   children, waitpid (-1) returns exactly the ordinary ones.  A SIGCHLD
   handler is not called for it.  The children it creates are ordinary
   ones.
   tst-spawn-autoreap-pidfd runs the same with pidfd_spawn, whose pidfd
   also reports the exit status, and tst-spawn-autoreap-static with the
   test linked statically.  */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/check.h>
#include <support/process_state.h>
#include <support/xsignal.h>
#include <support/xunistd.h>
#include <tst-spawn.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* Number of ordinary and autoreaped children in do_test_mixed.  */
enum { ordinary_children = 10, autoreaped_children = 50 };

/* Check, without blocking, that no wait function reports the running
   autoreaped child PID (or any child, if PID is -1).  Before execve an
   autoreaped child is a "clone" child (its exit signal is 0), which wait
   ignores: ECHILD.  But execve makes Linux 7.1 and 7.2 reset the exit
   signal to SIGCHLD, so from then on wait sees a running child (WNOHANG
   gives 0) until it exits.  Either way it is never returned.  */
static void
check_not_reported (pid_t pid)
{
  errno = 0;
  pid_t r = waitpid (pid, NULL, WNOHANG);
  if (r != 0)
    {
      TEST_COMPARE (r, -1);
      TEST_COMPARE (errno, ECHILD);
    }

  siginfo_t si = { 0 };
  errno = 0;
  r = waitid (pid == -1 ? P_ALL : P_PID, pid == -1 ? 0 : pid, &si,
	      WEXITED | WNOHANG);
  if (r == 0)
    TEST_COMPARE (si.si_pid, 0);
  else
    {
      TEST_COMPARE (r, -1);
      TEST_COMPARE (errno, ECHILD);
    }
}

/* Check that there is nothing to wait for PID (or for any child, if PID
   is -1) once the autoreaped children terminate: a blocking wait fails
   with ECHILD when the last of them is gone, and never returns one.  */
static void
check_not_waitable (pid_t pid)
{
  errno = 0;
  TEST_COMPARE (waitpid (pid, NULL, 0), -1);
  TEST_COMPARE (errno, ECHILD);

  siginfo_t si;
  errno = 0;
  TEST_COMPARE (waitid (pid == -1 ? P_ALL : P_PID, pid == -1 ? 0 : pid,
			&si, WEXITED), -1);
  TEST_COMPARE (errno, ECHILD);
}

/* Check that an autoreaped child, once started, cannot be waited for,
   and disappears after terminating with the wait status WSTATUS: by
   exiting (MODE "exit") or by being killed (MODE "pause").  */
static void
do_test_status (const char *mode, const char *arg, int wstatus)
{
  printf ("info: autoreaped child: %s%s%s\n", mode, arg ? " " : "",
	  arg ? arg : "");

  PID_T_TYPE child = xspawn_restart (POSIX_SPAWN_AUTOREAP, NULL, NULL,
				     mode, arg);
  pid_t pid = child_pid (child);

  if (WIFSIGNALED (wstatus))
    {
      /* The child is still running: it is a child of ours, but wait
	 does not return it.  */
      TEST_VERIFY_EXIT (pid > 0);
      support_process_state_wait (pid, support_process_state_sleeping);
      check_not_reported (pid);
      check_not_reported (-1);
#ifdef TST_SPAWN_PIDFD
      TEST_COMPARE (pidfd_send_signal (child, WTERMSIG (wstatus), NULL, 0),
		    0);
#else
      TEST_COMPARE (kill (pid, WTERMSIG (wstatus)), 0);
#endif
    }

#ifdef TST_SPAWN_PIDFD
  /* The pidfd still reports the termination and the wait status, but
     waitid does not.  */
  TEST_COMPARE (pidfd_exit_status (child), wstatus);
  siginfo_t si;
  errno = 0;
  TEST_COMPARE (waitid (P_PIDFD, child, &si, WEXITED), -1);
  TEST_COMPARE (errno, ECHILD);
#endif

  check_not_waitable (-1);
  wait_released (pid);
  if (pid > 0)
    check_not_waitable (pid);
  wait_no_children ();
  close_child (child);
}

/* Autoreap applies to the children spawned with the flag only: mixing
   autoreaped children and ordinary children, waitpid (-1) returns exactly
   the ordinary ones, with their statuses.  */
static void
do_test_mixed (void)
{
  printf ("info: %d autoreaped and %d ordinary children\n",
	  autoreaped_children, ordinary_children);

  PID_T_TYPE autoreaped[autoreaped_children];
  PID_T_TYPE ordinary[ordinary_children];
  pid_t ordinary_pid[ordinary_children];
  for (int i = 0, o = 0; i < autoreaped_children; i++)
    {
      autoreaped[i] = xspawn_restart (POSIX_SPAWN_AUTOREAP, NULL, NULL,
				      "exit", "0");
      if (i % (autoreaped_children / ordinary_children) == 0)
	{
	  char status[16];
	  snprintf (status, sizeof (status), "%d", o + 1);
	  ordinary[o] = xspawn_restart (0, NULL, NULL, "exit", status);
	  ordinary_pid[o] = child_pid (ordinary[o]);
	  TEST_VERIFY_EXIT (ordinary_pid[o] > 0);
	  o++;
	}
    }

  bool seen[ordinary_children] = { false };
  for (int n = 0; n < ordinary_children; n++)
    {
      int status;
      pid_t pid = waitpid (-1, &status, 0);
      TEST_VERIFY_EXIT (pid > 0);
      int o;
      for (o = 0; o < ordinary_children; o++)
	if (ordinary_pid[o] == pid)
	  break;
      if (o == ordinary_children)
	FAIL_EXIT1 ("waitpid returned %d, not an ordinary child", (int) pid);
      TEST_VERIFY (!seen[o]);
      seen[o] = true;
      TEST_VERIFY (WIFEXITED (status));
      TEST_COMPARE (WEXITSTATUS (status), o + 1);
    }
  /* Nothing else can be waited for, and the blocking wait does not
     return the autoreaped children either.  */
  check_not_waitable (-1);

  for (int i = 0; i < autoreaped_children; i++)
    {
      wait_released (child_pid (autoreaped[i]));
      close_child (autoreaped[i]);
    }
  for (int o = 0; o < ordinary_children; o++)
    close_child (ordinary[o]);
  wait_no_children ();
}

/* The number of calls of sigchld_handler, and the pid of the last one.  */
static volatile sig_atomic_t sigchld_calls;
static volatile sig_atomic_t sigchld_pid;

static void
sigchld_handler (int sig, siginfo_t *si, void *ctx)
{
  sigchld_pid = si->si_pid;
  sigchld_calls = sigchld_calls + 1;
}

/* A SIGCHLD handler installed by the program is never called for an
   autoreaped child, and is called for each ordinary one.  */
static void
do_test_sigchld_handler (void)
{
  printf ("info: SIGCHLD handler\n");

  struct sigaction sa = { .sa_sigaction = sigchld_handler,
			  .sa_flags = SA_SIGINFO | SA_RESTART }, oldsa;
  sigemptyset (&sa.sa_mask);
  xsigaction (SIGCHLD, &sa, &oldsa);
  sigset_t chld, oldset;
  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  xpthread_sigmask (SIG_UNBLOCK, &chld, &oldset);

  enum { rounds = 5 };
  for (int i = 0; i < rounds; i++)
    {
      /* SIGCHLD is unblocked: a signal for the autoreaped child would be
	 handled before the child is released.  */
      PID_T_TYPE child = xspawn_restart (POSIX_SPAWN_AUTOREAP, NULL, NULL,
					 "exit", "0");
      wait_released (child_pid (child));
      close_child (child);
      TEST_COMPARE (sigchld_calls, i);

      /* Block SIGCHLD until sigsuspend, so that the call is not lost.  */
      xpthread_sigmask (SIG_BLOCK, &chld, NULL);
      child = xspawn_restart (0, NULL, NULL, "exit", "0");
      pid_t pid = child_pid (child);
      sigset_t wait_mask;
      xpthread_sigmask (SIG_BLOCK, NULL, &wait_mask);
      sigdelset (&wait_mask, SIGCHLD);
      while (sigchld_calls == i)
	sigsuspend (&wait_mask);
      xpthread_sigmask (SIG_UNBLOCK, &chld, NULL);
      TEST_COMPARE (sigchld_calls, i + 1);
      TEST_COMPARE (sigchld_pid, pid);
      reap_ordinary (child, 0);
    }

  xpthread_sigmask (SIG_SETMASK, &oldset, NULL);
  xsigaction (SIGCHLD, &oldsa, NULL);
  wait_no_children ();
}

/* The autoreap property is not inherited: an autoreaped child can wait
   for its own children as usual (see handle_fork_wait).  */
static void
do_test_no_inherit (void)
{
  printf ("info: no inheritance\n");

  PID_T_TYPE child;
  TEST_COMPARE_STRING (spawn_output (&child, POSIX_SPAWN_AUTOREAP, NULL,
				     NULL, "fork-wait", NULL),
		       "fork-wait: ok\n");
  wait_released (child_pid (child));
  close_child (child);
  wait_no_children ();
}

/* Re-executed child: fork an ordinary child and wait for it, and report
   the result on standard output.  */
static int
handle_fork_wait (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    _exit (7);
  int status;
  if (pid < 0)
    printf ("fork-wait: fork: %m\n");
  else if (waitpid (pid, &status, 0) != pid)
    printf ("fork-wait: waitpid: %m\n");
  else if (!WIFEXITED (status) || WEXITSTATUS (status) != 7)
    printf ("fork-wait: status %#x\n", status);
  else
    printf ("fork-wait: ok\n");
  return 0;
}

static int
handle_restart (int argc, char *argv[])
{
  TEST_VERIFY_EXIT (argc >= 1);
  if (strcmp (argv[0], "exit") == 0 && argc == 2)
    _exit (atoi (argv[1]));
  if (strcmp (argv[0], "pause") == 0)
    for (;;)
      pause ();
  if (strcmp (argv[0], "fork-wait") == 0)
    return handle_fork_wait ();
  FAIL_EXIT1 ("unknown mode: %s", argv[0]);
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: the mode and its argument.  */
  if (restart)
    return handle_restart (argc - 1, &argv[1]);

  set_restart_argv (argc, argv);
  require_autoreap ();

  do_test_status ("exit", "0", W_EXITCODE (0, 0));
  do_test_status ("exit", "42", W_EXITCODE (42, 0));
  do_test_status ("pause", NULL, SIGKILL);
  do_test_mixed ();
  do_test_sigchld_handler ();
  do_test_no_inherit ();

  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
