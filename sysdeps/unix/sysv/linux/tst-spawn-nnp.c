/* Tests for POSIX_SPAWN_NO_NEW_PRIVS.  Linux version.
   Copyright (C) 2026 Free Software Foundation, Inc.
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
   for posix_spawn and pidfd_spawn alike.  A set-user-ID-root program
   started by an unprivileged process then keeps that process's
   effective user ID.  The test is linked statically so that such a copy
   of it can be executed directly.  */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/check.h>
#include <support/namespace.h>
#include <support/support.h>
#include <support/temp_file.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* Start PROGRAM (the test program or a copy of it) as "--restart" with
   FLAGS, through pidfd_spawn if PIDFD, and return its no_new_privs
   setting; store its effective user ID in *EUID.  */
static int
spawn_report (const char *program, short int flags, bool pidfd, int *euid)
{
  char *args[restart_argc + 1];
  for (int i = 0; i < restart_argc; i++)
    args[i] = restart_argv[i];
  args[0] = (char *) program;
  args[restart_argc] = NULL;

  int fds[2];
  TEST_COMPARE (pipe2 (fds, O_CLOEXEC), 0);
  posix_spawn_file_actions_t fa;
  TEST_COMPARE (posix_spawn_file_actions_init (&fa), 0);
  TEST_COMPARE (posix_spawn_file_actions_adddup2 (&fa, fds[1],
						  STDOUT_FILENO), 0);
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setflags (&attr, flags), 0);
  int status;
  if (pidfd)
    {
      int fd;
      int r = pidfd_spawn (&fd, program, &fa, &attr, args, environ);
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
      TEST_COMPARE (posix_spawn (&pid, program, &fa, &attr, args, environ),
		    0);
      int wstatus;
      TEST_COMPARE (xwaitpid (pid, &wstatus, 0), pid);
      TEST_VERIFY (WIFEXITED (wstatus));
      status = WEXITSTATUS (wstatus);
    }
  TEST_COMPARE (status, 0);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  TEST_COMPARE (posix_spawn_file_actions_destroy (&fa), 0);
  xclose (fds[1]);

  char buf[64] = "";
  ssize_t n = read (fds[0], buf, sizeof (buf) - 1);
  TEST_VERIFY (n > 0);
  xclose (fds[0]);
  int nnp = -1;
  *euid = -1;
  TEST_COMPARE (sscanf (buf, "nnp=%d euid=%d", &nnp, euid), 2);
  return nnp;
}

/* Running as an unprivileged user, start the set-user-ID-root program
   CLOSURE with and without the flag.  */
static void
do_test_setuid_subprocess (void *closure)
{
  const char *program = closure;
  const uid_t nobody = 65534;
  TEST_COMPARE (setgroups (0, NULL), 0);
  TEST_COMPARE (setgid (nobody), 0);
  TEST_COMPARE (setuid (nobody), 0);
  for (int pidfd = 0; pidfd <= 1; pidfd++)
    {
      int euid;
      TEST_COMPARE (spawn_report (program, 0, pidfd, &euid), 0);
      TEST_COMPARE (euid, 0);
      TEST_COMPARE (spawn_report (program, POSIX_SPAWN_NO_NEW_PRIVS, pidfd,
				  &euid), 1);
      TEST_COMPARE (euid, nobody);
    }
  TEST_COMPARE (read_no_new_privs (), 0);
}

static void
do_test_setuid (void)
{
  printf ("info: a set-user-ID-root program\n");
  if (getuid () != 0)
    {
      printf ("info: not root, no set-user-ID-root program to try\n");
      return;
    }
  char *dir = support_create_temp_directory ("tst-spawn-nnp-");
  struct statvfs st;
  TEST_COMPARE (statvfs (dir, &st), 0);
  if (st.f_flag & ST_NOSUID)
    {
      printf ("info: %s is nosuid, no set-user-ID-root program to try\n",
	      dir);
      free (dir);
      return;
    }
  TEST_COMPARE (chmod (dir, 0755), 0);
  char *copy = xasprintf ("%s/tst-spawn-nnp", dir);
  support_copy_file (restart_argv[0], copy);
  add_temp_file (copy);
  TEST_COMPARE (chmod (copy, 04755), 0);
  support_isolate_in_subprocess (do_test_setuid_subprocess, copy);
  free (copy);
  free (dir);
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: report.  */
  if (restart)
    {
      printf ("nnp=%d euid=%d\n", read_no_new_privs (), (int) geteuid ());
      return 0;
    }

  set_restart_argv (argc, argv);
  if (read_no_new_privs () != 0)
    FAIL_UNSUPPORTED ("the test already runs with no_new_privs");

  for (int pidfd = 0; pidfd <= 1; pidfd++)
    {
      int euid;
      printf ("info: %s\n", pidfd ? "pidfd_spawn" : "posix_spawn");
      TEST_COMPARE (spawn_report (restart_argv[0], 0, pidfd, &euid), 0);
      TEST_COMPARE (spawn_report (restart_argv[0], POSIX_SPAWN_NO_NEW_PRIVS,
				  pidfd, &euid), 1);
      TEST_COMPARE (euid, geteuid ());
      /* Together with another attribute.  */
      TEST_COMPARE (spawn_report (restart_argv[0], POSIX_SPAWN_NO_NEW_PRIVS
				  | POSIX_SPAWN_SETSID, pidfd, &euid), 1);
    }
  TEST_COMPARE (read_no_new_privs (), 0);

  do_test_setuid ();
  TEST_COMPARE (read_no_new_privs (), 0);
  wait_no_children ();
  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
