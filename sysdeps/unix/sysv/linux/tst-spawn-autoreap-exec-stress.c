/* Stress test for POSIX_SPAWN_AUTOREAP when the program cannot be executed.
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

/* The failed child is gone when posix_spawn returns the error, in
   longer runs than tst-spawn-autoreap-exec makes: 300 failed spawns in
   a row, each returning only once the child has closed a pipe that it
   inherited; 100 more with the caller on one CPU with SCHED_FIFO and
   the child with SCHED_OTHER, so that the caller, once the failing
   child lets it resume, always runs before the child can go on with
   its exit (needs privileges).  tst-spawn-cgroup-autoreap-stress makes
   failed spawns into a cgroup.  */

#include <errno.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <unistd.h>

#include <support/check.h>
#include <support/descriptors.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>

enum
{
  pipe_failures = 300,
  preempt_failures = 100,
};

/* Spawn a program that does not exist COUNT times with ATTR, which has
   POSIX_SPAWN_AUTOREAP, and check each time that the child has closed
   the pipe it inherited.  */
static void
spawn_failures (const posix_spawnattr_t *attr, int count)
{
  for (int i = 0; i < count; i++)
    {
      /* Without O_CLOEXEC: the child inherits both ends.  */
      int fds[2];
      xpipe (fds);
      check_failed_exec_pipe (attr, fds, i);
    }
  wait_no_children ();
}

static void
do_test_pipe (void)
{
  printf ("info: %d failed execs, each child gone on return\n",
	  pipe_failures);
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  spawn_failures (&attr, pipe_failures);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
}

static void
do_test_preempt (void)
{
  printf ("info: %d failed execs, the caller preempting the child\n",
	  preempt_failures);

  struct sched_param param = { .sched_priority = 1 };
  if (sched_setscheduler (0, SCHED_FIFO, &param) != 0)
    {
      TEST_COMPARE (errno, EPERM);
      printf ("info: no SCHED_FIFO (%m), case skipped\n");
      return;
    }
  cpu_set_t old_affinity;
  TEST_COMPARE (sched_getaffinity (0, sizeof (old_affinity), &old_affinity),
		0);
  cpu_set_t one;
  CPU_ZERO (&one);
  CPU_SET (sched_getcpu (), &one);
  TEST_COMPARE (sched_setaffinity (0, sizeof (one), &one), 0);

  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  param.sched_priority = 0;
  TEST_COMPARE (posix_spawnattr_setschedpolicy (&attr, SCHED_OTHER), 0);
  TEST_COMPARE (posix_spawnattr_setschedparam (&attr, &param), 0);
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP
					  | POSIX_SPAWN_SETSCHEDULER), 0);
  spawn_failures (&attr, preempt_failures);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);

  TEST_COMPARE (sched_setaffinity (0, sizeof (old_affinity), &old_affinity),
		0);
  TEST_COMPARE (sched_setscheduler (0, SCHED_OTHER, &param), 0);
}

static int
do_test (void)
{
  require_autoreap ();

  struct support_descriptors *descriptors = support_descriptors_list ();
  do_test_pipe ();
  do_test_preempt ();
  support_descriptors_check (descriptors);
  support_descriptors_free (descriptors);

  return 0;
}

#include <support/test-driver.c>
