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
   longer runs than tst-spawn-autoreap-exec and tst-spawn-cgroup-autoreap
   make: 300 failed spawns in a row, each returning only once the child
   has closed a pipe that it inherited; 100 more with the caller on one
   CPU with SCHED_FIFO and the child with SCHED_OTHER, so that the
   caller, once the failing child lets it resume, always runs before the
   child can go on with its exit (needs privileges); and 300 into a new
   cgroup, which can be removed at once each time (needs a writable
   cgroup v2 hierarchy), alternating posix_spawn and pidfd_spawn.  */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <support/check.h>
#include <support/descriptors.h>
#include <support/support.h>
#include <support/temp_file.h>
#include <support/xstdio.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>

#ifndef CGROUP2_SUPER_MAGIC
# define CGROUP2_SUPER_MAGIC 0x63677270
#endif

enum
{
  pipe_failures = 300,
  preempt_failures = 100,
  cgroup_failures = 300,
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

/* Return the path of a new cgroup v2 group below the one of the
   process, or NULL if none can be created.  The group is removed at
   exit if it still exists.  */
static char *
create_cgroup (void)
{
  struct statfs fs;
  if (statfs ("/sys/fs/cgroup", &fs) != 0 || fs.f_type != CGROUP2_SUPER_MAGIC)
    {
      printf ("info: no cgroup v2 hierarchy at /sys/fs/cgroup\n");
      return NULL;
    }
  FILE *f = xfopen ("/proc/self/cgroup", "re");
  char *cgroup = NULL;
  char *line = NULL;
  size_t linesiz = 0;
  while (cgroup == NULL && xgetline (&line, &linesiz, f) > 0)
    if (strncmp (line, "0::", 3) == 0)
      {
	line[strcspn (line, "\n")] = '\0';
	cgroup = xasprintf ("/sys/fs/cgroup%s%stst-spawn-autoreap-%d",
			    line + 3, strcmp (line + 3, "/") == 0 ? "" : "/",
			    (int) getpid ());
      }
  xfclose (f);
  free (line);
  if (cgroup == NULL)
    printf ("info: the process is in no cgroup v2 group\n");
  else if (mkdir (cgroup, 0755) != 0)
    {
      if (errno != EACCES && errno != EPERM && errno != EROFS)
	FAIL_EXIT1 ("mkdir (%s): %m", cgroup);
      printf ("info: cannot create a cgroup v2 group: %m\n");
      free (cgroup);
      cgroup = NULL;
    }
  else
    add_temp_file (cgroup);
  return cgroup;
}

static void
do_test_cgroup (void)
{
  printf ("info: %d failed execs into a cgroup, each removable on return\n",
	  cgroup_failures);

  char *cgpath = create_cgroup ();
  if (cgpath == NULL)
    {
      printf ("info: case skipped\n");
      return;
    }

  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP
					  | POSIX_SPAWN_SETCGROUP), 0);
  char *args[] = { (char *) "/nonexistent/tst-spawn-autoreap", NULL };
  for (int i = 0; i < cgroup_failures; i++)
    {
      int cgfd = xopen (cgpath, O_DIRECTORY | O_RDONLY | O_CLOEXEC, 0);
      TEST_COMPARE (posix_spawnattr_setcgroup_np (&attr, cgfd), 0);
      int child = -1;
      int r = (i % 2 == 0
	       ? posix_spawn (&child, args[0], NULL, &attr, args, environ)
	       : pidfd_spawn (&child, args[0], NULL, &attr, args, environ));
      TEST_COMPARE (r, ENOENT);
      TEST_COMPARE (child, -1);
      xclose (cgfd);
      if (rmdir (cgpath) != 0)
	FAIL_EXIT1 ("failed exec %d: rmdir (%s) right after %s: %m", i,
		    cgpath, i % 2 == 0 ? "posix_spawn" : "pidfd_spawn");
      xmkdir (cgpath, 0755);
    }
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  wait_no_children ();
  free (cgpath);
}

static int
do_test (void)
{
  require_autoreap ();

  struct support_descriptors *descriptors = support_descriptors_list ();
  do_test_pipe ();
  do_test_preempt ();
  do_test_cgroup ();
  support_descriptors_check (descriptors);
  support_descriptors_free (descriptors);

  return 0;
}

#include <support/test-driver.c>
