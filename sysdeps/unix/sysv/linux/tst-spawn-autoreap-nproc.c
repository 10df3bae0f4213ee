/* Tests for POSIX_SPAWN_AUTOREAP when no process or memory can be had.
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

/* With RLIMIT_NPROC reached, posix_spawn with POSIX_SPAWN_AUTOREAP fails
   with EAGAIN; with RLIMIT_AS too small for the child's stack it fails
   with ENOMEM (a long argument vector there makes the stack larger than
   that of any earlier spawn).  Either way it leaves no process,
   descriptor, mapping or signal mask change behind, and works again
   once the limit is raised.  A process whose real user ID is root is
   not bound by RLIMIT_NPROC, so as root that part runs as user 65534
   (any other would do: with a limit of 0 no process is allowed).  */

#include <array_length.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <support/check.h>
#include <support/descriptors.h>
#include <support/xstdio.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-state.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* The arguments of the restarted test, then as many "x" as make its
   helper need a stack of more than 64 KiB, larger than that of any
   spawn before.  */
enum { extra_args = 8 * 1024 };
static char *big_argv[array_length (restart_argv) + extra_args];

/* Start the test again, autoreaped, with restart_argv or with BIG, with
   big_argv.  */
static int
spawn_autoreaped (bool big)
{
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  pid_t pid = -1;
  int r = posix_spawn (&pid, restart_argv[0], NULL, &attr,
		       big ? big_argv : restart_argv, environ);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  if (r != 0)
    TEST_COMPARE (pid, -1);
  else
    wait_released (pid);
  return r;
}

/* Return the size of the address space of the process.  */
static rlim_t
address_space (void)
{
  FILE *f = xfopen ("/proc/self/statm", "r");
  unsigned long int pages;
  TEST_COMPARE (fscanf (f, "%lu", &pages), 1);
  xfclose (f);
  return (rlim_t) pages * getpagesize ();
}

/* Call posix_spawn (with big_argv if BIG) with the soft limit of
   RESOURCE lowered to LIMIT (for RLIMIT_AS: to one page more than what
   is mapped), which must fail with ERROR, and check that it leaves
   nothing behind.  Then check that it works again with the old limit.  */
static void
check_failure (int resource, rlim_t limit, bool big, int error)
{
  sigset_t before;
  get_sigmask (&before);
  struct support_descriptors *descriptors = support_descriptors_list ();
  unsigned long int mapped = mapped_bytes ();

  struct rlimit old;
  TEST_COMPARE (getrlimit (resource, &old), 0);
  if (resource == RLIMIT_AS)
    limit = address_space () + getpagesize ();
  struct rlimit low = { limit, old.rlim_max };
  TEST_COMPARE (setrlimit (resource, &low), 0);
  int r = spawn_autoreaped (big);
  TEST_COMPARE (setrlimit (resource, &old), 0);
  TEST_COMPARE (r, error);

  support_descriptors_check (descriptors);
  support_descriptors_free (descriptors);
  TEST_COMPARE (mapped_bytes (), mapped);
  compare_sigmask (&before);
  wait_no_children ();

  /* Spawning works again, and leaves no new mapping either.  */
  TEST_COMPARE (spawn_autoreaped (big), 0);
  TEST_COMPARE (mapped_bytes (), mapped);
  wait_no_children ();
}

static void
do_test_nproc (void *closure)
{
  printf ("info: RLIMIT_NPROC\n");
  /* Warm up: what the first spawn allocates for good.  */
  TEST_COMPARE (spawn_autoreaped (false), 0);
  if (getuid () == 0)
    {
      /* It may not exist in a user namespace, nor be allowed to
	 execute the test program.  */
      const uid_t nobody = 65534;
      if (setgid (nobody) != 0 || setuid (nobody) != 0)
	{
	  printf ("info: can not switch to user %d (%m), not checked\n",
		  (int) nobody);
	  return;
	}
      if (access (restart_argv[0], X_OK) != 0)
	{
	  printf ("info: %s not executable as user %d (%m), not checked\n",
		  restart_argv[0], (int) nobody);
	  return;
	}
    }
  check_failure (RLIMIT_NPROC, 0, false, EAGAIN);
}

static void
do_test_as (void *closure)
{
  printf ("info: RLIMIT_AS\n");
  /* Warm up: what posix_spawn needs besides the child's stack.  */
  TEST_COMPARE (spawn_autoreaped (false), 0);
  /* One more page fits no child stack for big_argv.  */
  check_failure (RLIMIT_AS, 0, true, ENOMEM);
}

static int
do_test (int argc, char *argv[])
{
  if (restart)
    return 0;

  set_restart_argv (argc, argv);
  require_autoreap ();
  /* The "x" arguments replace the null pointer after the restart
     arguments; the static array's last element stays null.  */
  make_restart_args (big_argv, NULL, NULL);
  for (int i = 0; i < extra_args; i++)
    big_argv[restart_argc + i] = (char *) "x";

  /* Each part changes its limits or IDs for good.  */
  isolate_in_subprocess (do_test_as, NULL);
  isolate_in_subprocess (do_test_nproc, NULL);
  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
