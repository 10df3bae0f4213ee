/* Tests for POSIX_SPAWN_NO_NEW_PRIVS.  Linux version.
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

/* POSIX_SPAWN_NO_NEW_PRIVS works on every kernel: with CLONE_NNP on
   Linux 7.1 and later, with prctl in the child before: the child starts
   with no_new_privs set and the caller's own setting does not change,
   for posix_spawn and pidfd_spawn alike.  A set-group-ID program then
   does not gain its group: support_capture_subprogram_self_sgid runs a
   set-group-ID copy of the test, which sets its effective group ID to
   its real one (the saved set-group-ID keeps the file's group) and
   starts itself again, with and without the flag.  The test is linked
   statically so that the copy can be executed directly, not through
   the dynamic loader.  */

#include <errno.h>
#include <getopt.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/capture_subprocess.h>
#include <support/check.h>
#include <support/support.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>
#include <tst-spawn-autoreap-state.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* The argument with which support_capture_subprogram_self_sgid runs
   the set-group-ID copy.  */
static char SGID_ARGUMENT[] = "tst-spawn-nnp-sgid";

/* Start the test program again as "--restart" (see restart_argv) with
   FLAGS, through pidfd_spawn if PIDFD, and return its no_new_privs
   setting; store its effective group ID in *EGID.  */
static int
spawn_report (short int flags, bool pidfd, int *egid)
{
  int fds[2];
  posix_spawn_file_actions_t fa;
  stdout_to_pipe (&fa, fds);
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setflags (&attr, flags), 0);
  int status;
  if (pidfd)
    {
      int fd;
      int r = pidfd_spawn (&fd, restart_argv[0], &fa, &attr, restart_argv,
			   environ);
      if (r == ENOSYS)
	FAIL_UNSUPPORTED ("kernel does not support pidfd_spawn");
      TEST_COMPARE (r, 0);
      siginfo_t si;
      TEST_COMPARE (waitid (P_PIDFD, fd, &si, WEXITED), 0);
      TEST_COMPARE (si.si_code, CLD_EXITED);
      status = si.si_status;
      xclose (fd);
    }
  else
    {
      pid_t pid;
      TEST_COMPARE (posix_spawn (&pid, restart_argv[0], &fa, &attr,
				 restart_argv, environ), 0);
      int wstatus;
      TEST_COMPARE (xwaitpid (pid, &wstatus, 0), pid);
      TEST_VERIFY (WIFEXITED (wstatus));
      status = WEXITSTATUS (wstatus);
    }
  TEST_COMPARE (status, 0);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  TEST_COMPARE (posix_spawn_file_actions_destroy (&fa), 0);

  const char *buf = read_pipe (fds);
  int nnp = -1;
  *egid = -1;
  TEST_COMPARE (sscanf (buf, "nnp=%d egid=%d", &nnp, egid), 2);
  return nnp;
}

/* Run in the set-group-ID copy SELF, executed directly.  Without the
   flag, the program it starts gains the file's group again; with the
   flag, it keeps the real group ID.  */
static void
do_test_sgid (char *self)
{
  gid_t gid = getgid ();
  gid_t file_gid = getegid ();
  if (gid == file_gid)
    /* This can happen if the file system is mounted nosuid.  */
    FAIL_UNSUPPORTED ("SGID failed: GID and EGID match (%jd)",
		      (intmax_t) gid);
  printf ("info: set-group-ID program: real %jd, file %jd\n",
	  (intmax_t) gid, (intmax_t) file_gid);
  TEST_COMPARE (setegid (gid), 0);
  gid_t r, e, s;
  TEST_COMPARE (getresgid (&r, &e, &s), 0);
  TEST_COMPARE (e, gid);
  TEST_COMPARE (s, file_gid);

  /* The copy was executed directly: execute it the same way.  */
  char *args[] = { NULL, self };
  set_restart_argv (2, args);
  for (int pidfd = 0; pidfd <= 1; pidfd++)
    {
      int egid;
      TEST_COMPARE (spawn_report (0, pidfd, &egid), 0);
      TEST_COMPARE (egid, file_gid);
      TEST_COMPARE (spawn_report (POSIX_SPAWN_NO_NEW_PRIVS, pidfd, &egid), 1);
      TEST_COMPARE (egid, gid);
    }
  TEST_COMPARE (read_no_new_privs (), 0);
  TEST_COMPARE (getegid (), gid);
}

static void
alternative_main (int argc, char **argv)
{
  if (argc == 2 && strcmp (argv[1], SGID_ARGUMENT) == 0)
    {
      do_test_sgid (argv[0]);
      support_record_failure_barrier ();
      exit (EXIT_SUCCESS);
    }
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: report.  */
  if (restart)
    {
      printf ("nnp=%d egid=%d\n", read_no_new_privs (), (int) getegid ());
      return 0;
    }

  set_restart_argv (argc, argv);
  if (read_no_new_privs () != 0)
    FAIL_UNSUPPORTED ("the test already runs with no_new_privs");

  for (int pidfd = 0; pidfd <= 1; pidfd++)
    {
      int egid;
      printf ("info: %s\n", pidfd ? "pidfd_spawn" : "posix_spawn");
      TEST_COMPARE (spawn_report (0, pidfd, &egid), 0);
      TEST_COMPARE (spawn_report (POSIX_SPAWN_NO_NEW_PRIVS, pidfd, &egid), 1);
      TEST_COMPARE (egid, getegid ());
      /* Together with another attribute.  */
      TEST_COMPARE (spawn_report (POSIX_SPAWN_NO_NEW_PRIVS | POSIX_SPAWN_SETSID,
				  pidfd, &egid), 1);
    }
  TEST_COMPARE (read_no_new_privs (), 0);
  wait_no_children ();

  /* Last: it ends the test as unsupported if the copy cannot be made
     set-group-ID, or run as such.  */
  support_capture_subprogram_self_sgid (SGID_ARGUMENT);
  TEST_COMPARE (read_no_new_privs (), 0);
  return 0;
}

#define PREPARE alternative_main
#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
