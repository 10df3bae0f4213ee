/* posix_spawn with POSIX_SPAWN_AUTOREAP: no RUSAGE_CHILDREN accounting.
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


/* The CPU time of an automatically reaped child is not added to what
   getrusage reports for RUSAGE_CHILDREN, since no wait collects it:
   the figures do not change at all while a child that uses at least
   burn_ms of CPU time runs and is released.  The same child, spawned
   as an ordinary child and waited for, adds at least that much.  */

#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <support/check.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* The CPU time each child uses, in milliseconds.  */
enum { burn_ms = 100 };

/* Re-executed child: use CPU time until the process has used MS
   milliseconds of it in all.  */
static int
handle_burn (int ms)
{
  volatile unsigned long int counter = 0;
  while (true)
    {
      struct timespec ts;
      TEST_COMPARE (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts), 0);
      if (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 >= ms)
	return 0;
      for (int i = 0; i < 100000; i++)
	counter++;
    }
}

/* Return the user and system CPU time of the waited-for children, in
   microseconds.  */
static long long int
children_cpu_us (void)
{
  struct rusage ru;
  TEST_COMPARE (getrusage (RUSAGE_CHILDREN, &ru), 0);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL
	 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: "burn MS".  */
  if (restart)
    {
      TEST_VERIFY_EXIT (argc == 3 && strcmp (argv[1], "burn") == 0);
      return handle_burn (atoi (argv[2]));
    }

  set_restart_argv (argc, argv);
  require_autoreap ();

  char ms[16];
  snprintf (ms, sizeof (ms), "%d", (int) burn_ms);

  long long int before = children_cpu_us ();
  pid_t pid = xspawn_restart (POSIX_SPAWN_AUTOREAP, NULL, NULL, "burn", ms);
  wait_released (pid);
  wait_no_children ();
  long long int after = children_cpu_us ();
  printf ("info: autoreaped child: RUSAGE_CHILDREN %lld us, then %lld us\n",
	  before, after);
  TEST_COMPARE (after, before);

  /* The control: an ordinary child that is waited for.  */
  before = after;
  pid = xspawn_restart (0, NULL, NULL, "burn", ms);
  int status;
  TEST_COMPARE (xwaitpid (pid, &status, 0), pid);
  TEST_COMPARE (status, 0);
  after = children_cpu_us ();
  printf ("info: ordinary child: RUSAGE_CHILDREN %lld us, then %lld us\n",
	  before, after);
  /* The child used burn_ms and more; allow for the accounting.  */
  TEST_VERIFY (after - before >= burn_ms * 900LL);

  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
