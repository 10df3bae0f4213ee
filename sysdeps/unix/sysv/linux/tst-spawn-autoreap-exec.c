/* posix_spawn with POSIX_SPAWN_AUTOREAP when the program cannot be executed.
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


/* When the exec fails, the spawn function returns the error, and the
   child has terminated by then: it leaves no zombie, takes no status of
   another child, and holds none of the caller's descriptors, as 100
   failed spawns in a row check each with a pipe that the child
   inherited.  With the descriptor table full, posix_spawn, which needs
   no descriptor, still creates an autoreaped child and still returns a
   failed exec only once the child is gone; pidfd_spawn fails with
   EMFILE and creates nothing.  tst-spawn-autoreap-exec-pidfd runs the
   same with pidfd_spawn.  */

#include <array_length.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/check.h>
#include <support/descriptors.h>
#include <support/process_state.h>
#include <support/temp_file.h>
#include <support/xunistd.h>
#include <tst-spawn.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* Number of failed spawns in a row in do_test_release.  */
enum { exec_failures = 100 };

/* A failed exec returns its error, leaves no process behind, no
   descriptor open (with pidfd_spawn, the pidfd is closed), and does
   not take the status of another child.  */
static void
do_test_exec_failure (void)
{
  printf ("info: exec failure\n");

  /* An ordinary child which has already exited, so that any wait for
     an unspecified child would collect it.  */
  PID_T_TYPE ordinary = xspawn_restart (0, NULL, NULL, "exit", "3");
  support_process_state_wait (child_pid (ordinary),
			      support_process_state_zombie);

  char *noexec;
  xclose (create_temp_file ("tst-spawn-autoreap-exec-", &noexec));
  TEST_COMPARE (chmod (noexec, 0600), 0);

  struct
  {
    const char *path;
    int error;
  } tests[] =
    {
      { "/nonexistent/tst-spawn-autoreap", ENOENT },
      { noexec, EACCES },
    };

  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  for (size_t i = 0; i < array_length (tests); i++)
    {
      struct support_descriptors *descriptors = support_descriptors_list ();
      char *args[] = { (char *) tests[i].path, NULL };
      PID_T_TYPE child = -1;
      TEST_COMPARE (POSIX_SPAWN (&child, tests[i].path, NULL, &attr, args,
				 environ), tests[i].error);
      TEST_COMPARE (child, -1);
      support_descriptors_check (descriptors);
      support_descriptors_free (descriptors);
    }
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  free (noexec);

  /* The ordinary child is still there to be collected, and nothing
     else is left.  */
  reap_ordinary (ordinary, 3);
  wait_no_children ();
}

/* The failed child is gone when the spawn function returns: the write
   end of a pipe that it inherited is closed everywhere as soon as the
   caller closes its own, each time of EXEC_FAILURES.  posix_spawn
   resumes when the child releases its memory, before the child would
   close its descriptors, so the child must close them itself first.  */
static void
do_test_release (void)
{
  printf ("info: %d failed execs, each child gone on return\n",
	  exec_failures);

  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  for (int i = 0; i < exec_failures; i++)
    {
      /* Without O_CLOEXEC: the child inherits both ends.  */
      int fds[2];
      xpipe (fds);
      check_failed_exec_pipe (&attr, fds, i);
    }
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  wait_no_children ();
}

/* Save the RLIMIT_NOFILE limits in *OLD, lower the soft limit to MAX
   at most, and fill the descriptor table up to it with close-on-exec
   copies of standard input (so that a program that a child executes
   can still open its files), stored in FDS, which has room for MAX.
   Return their number.  */
static int
fill_descriptors (int *fds, int max, struct rlimit *old)
{
  TEST_COMPARE (getrlimit (RLIMIT_NOFILE, old), 0);
  struct rlimit rl = *old;
  if (rl.rlim_cur > (rlim_t) max)
    rl.rlim_cur = max;
  TEST_COMPARE (setrlimit (RLIMIT_NOFILE, &rl), 0);
  int n = 0;
  while (true)
    {
      int fd = fcntl (STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
      if (fd < 0)
	{
	  TEST_COMPARE (errno, EMFILE);
	  break;
	}
      /* Descriptor 0 is open, so there are fewer than MAX.  */
      TEST_VERIFY_EXIT (n < max);
      fds[n++] = fd;
    }
  return n;
}

/* Undo fill_descriptors: close the N descriptors FDS and restore the
   limits OLD.  */
static void
unfill_descriptors (int *fds, int n, const struct rlimit *old)
{
  for (int i = 0; i < n; i++)
    xclose (fds[i]);
  TEST_COMPARE (setrlimit (RLIMIT_NOFILE, old), 0);
}

/* posix_spawn with POSIX_SPAWN_AUTOREAP needs no free descriptor, as
   without the flag, whether the exec succeeds or fails; pidfd_spawn
   fails with EMFILE and creates no process, with or without the
   flag.  */
static void
do_test_full_table (void)
{
  printf ("info: full descriptor table\n");

  struct support_descriptors *descriptors = support_descriptors_list ();
#ifndef TST_SPAWN_PIDFD
  /* Without O_CLOEXEC, for the failing child to inherit.  */
  int pipefds[2];
  xpipe (pipefds);
#endif
  struct rlimit old;
  int fds[256];
  int nfds = fill_descriptors (fds, array_length (fds), &old);

#ifdef TST_SPAWN_PIDFD
  /* A child created by mistake would stay ("pause"), and
     wait_no_children would fail.  */
  for (int autoreap = 1; autoreap >= 0; autoreap--)
    {
      PID_T_TYPE child = -1;
      TEST_COMPARE (spawn_restart (&child,
				   autoreap ? POSIX_SPAWN_AUTOREAP : 0,
				   NULL, NULL, "pause", NULL), EMFILE);
      TEST_COMPARE (child, -1);
    }
#else
  /* The child is created, without the pipe, which is for the next.  */
  posix_spawn_file_actions_t fa;
  TEST_COMPARE (posix_spawn_file_actions_init (&fa), 0);
  TEST_COMPARE (posix_spawn_file_actions_addclose (&fa, pipefds[0]), 0);
  TEST_COMPARE (posix_spawn_file_actions_addclose (&fa, pipefds[1]), 0);
  pid_t pid = xspawn_restart (POSIX_SPAWN_AUTOREAP, &fa, NULL, "exit",
			      "0");
  TEST_COMPARE (posix_spawn_file_actions_destroy (&fa), 0);

  /* A failed exec is still reported only once the child is gone.  */
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  check_failed_exec_pipe (&attr, pipefds, 0);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
#endif

  /* /proc needs descriptors.  */
  unfill_descriptors (fds, nfds, &old);
#ifndef TST_SPAWN_PIDFD
  wait_released (pid);
#endif
  wait_no_children ();
  support_descriptors_check (descriptors);
  support_descriptors_free (descriptors);
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: "exit STATUS" or "pause".  */
  if (restart)
    {
      if (argc == 3 && strcmp (argv[1], "exit") == 0)
	_exit (atoi (argv[2]));
      TEST_VERIFY_EXIT (argc == 2 && strcmp (argv[1], "pause") == 0);
      for (;;)
	pause ();
    }

  set_restart_argv (argc, argv);
  require_autoreap ();

  do_test_exec_failure ();
  do_test_release ();
  do_test_full_table ();

  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
