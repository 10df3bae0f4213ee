/* Tests for POSIX_SPAWN_AUTOREAP and ptrace.
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

/* While its parent traces it, an autoreaped child is not reaped by the
   kernel: when it terminates it becomes a zombie, and the tracer's wait
   reports it (and so reaps it).  Once detached, it is autoreaped again.
   This pins down the behaviour of Linux 7.1, so that a change is
   noticed.  */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/check.h>
#include <support/process_state.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* Start an autoreaped child which waits to be killed, and seize it.  */
static pid_t
spawn_traced (void)
{
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  pid_t pid;
  TEST_COMPARE (posix_spawn (&pid, restart_argv[0], NULL, &attr, restart_argv,
			     environ), 0);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  support_process_state_wait (pid, support_process_state_sleeping);
  if (ptrace (PTRACE_SEIZE, pid, 0, 0) != 0)
    {
      kill (pid, SIGKILL);
      FAIL_UNSUPPORTED ("ptrace (PTRACE_SEIZE): %m");
    }
  return pid;
}

static int
do_test (int argc, char *argv[])
{
  if (restart)
    for (;;)
      pause ();

  set_restart_argv (argc, argv);
  require_autoreap ();

  /* Killed while traced: a zombie until the tracer collects it.  */
  pid_t pid = spawn_traced ();
  TEST_COMPARE (kill (pid, SIGKILL), 0);
  support_process_state_wait (pid, support_process_state_zombie);
  int status;
  TEST_COMPARE (waitpid (pid, &status, __WALL), pid);
  TEST_VERIFY (WIFSIGNALED (status));
  TEST_COMPARE (WTERMSIG (status), SIGKILL);
  wait_released (pid);
  wait_no_children ();

  /* Detached before it is killed: autoreaped again.  */
  pid = spawn_traced ();
  TEST_COMPARE (ptrace (PTRACE_INTERRUPT, pid, 0, 0), 0);
  TEST_COMPARE (waitpid (pid, &status, __WALL), pid);
  TEST_VERIFY (WIFSTOPPED (status));
  TEST_COMPARE (status >> 16, PTRACE_EVENT_STOP);
  TEST_COMPARE (ptrace (PTRACE_DETACH, pid, 0, 0), 0);
  TEST_COMPARE (kill (pid, SIGKILL), 0);
  errno = 0;
  TEST_COMPARE (waitpid (-1, &status, 0), -1);
  TEST_COMPARE (errno, ECHILD);
  wait_released (pid);
  wait_no_children ();

  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
