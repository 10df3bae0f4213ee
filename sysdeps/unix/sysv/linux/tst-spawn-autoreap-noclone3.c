/* Tests for POSIX_SPAWN_AUTOREAP on kernels without clone3 support for it.
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

/* The old-kernel path is simulated with a seccomp filter which fails
   every clone3 call (the filter can not read the clone_args structure):
   with ENOSYS, as kernels before 5.3 and some sandboxes answer, with
   EINVAL, as kernels 5.3 to 7.0 answer to the unknown CLONE_AUTOREAP
   flag, and with E2BIG, as 5.3 to 5.6 answer to a cgroup.  posix_spawn
   and pidfd_spawn with POSIX_SPAWN_AUTOREAP, alone and with
   POSIX_SPAWN_SETCGROUP (whose EINVAL posix_spawn tells apart with a
   second clone3, failing too here), must then fail with ENOTSUP without
   creating a process or leaving a descriptor, a mapping or a signal
   mask change behind, while posix_spawn without the flag still works
   through the clone fallback, or fails as before.  */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/check.h>
#include <support/descriptors.h>
#include <support/namespace.h>
#include <support/xstdio.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-state.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* Check that the calling process has no child at all.  */
static void
check_no_children (void)
{
  errno = 0;
  TEST_COMPARE (waitpid (-1, NULL, __WALL | WNOHANG), -1);
  TEST_COMPARE (errno, ECHILD);
}

/* Check that posix_spawn and pidfd_spawn with FLAGS in ATTR fail with
   ENOTSUP and leave nothing behind.  */
static void
check_enotsup (posix_spawnattr_t *attr, short int flags)
{
  printf ("info:   flags %#x\n", flags);
  TEST_COMPARE (posix_spawnattr_setflags (attr, flags), 0);
  struct support_descriptors *descriptors = support_descriptors_list ();
  unsigned long int mapped = mapped_bytes ();
  sigset_t mask;
  get_sigmask (&mask);

  for (int i = 0; i < 3; i++)
    {
      pid_t pid = -1;
      TEST_COMPARE (posix_spawn (&pid, restart_argv[0], NULL, attr,
				 restart_argv, environ), ENOTSUP);
      TEST_COMPARE (pid, -1);
      int pidfd = -1;
      TEST_COMPARE (pidfd_spawn (&pidfd, restart_argv[0], NULL, attr,
				 restart_argv, environ), ENOTSUP);
      TEST_COMPARE (pidfd, -1);
      check_no_children ();
    }

  support_descriptors_check (descriptors);
  support_descriptors_free (descriptors);
  TEST_COMPARE (mapped_bytes (), mapped);
  compare_sigmask (&mask);
}

static void
do_test_error (void *closure)
{
  int error = *(int *) closure;
#ifdef __NR_clone3
  printf ("info: clone3 fails with %s\n", strerror (error));
  fail_clone3 (error);
#else
  printf ("info: no clone3 system call\n");
#endif

  /* Signals blocked by the caller stay blocked, nothing else is.  */
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGUSR1);
  TEST_COMPARE (sigprocmask (SIG_BLOCK, &set, NULL), 0);

  /* clone3 never gets to look at the cgroup.  */
  int cgroup = xopen ("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setcgroup_np (&attr, cgroup), 0);

  /* The first call may allocate what lazy binding needs; later calls
     must not change anything.  */
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP), 0);
  pid_t pid = -1;
  TEST_COMPARE (posix_spawn (&pid, restart_argv[0], NULL, &attr,
			     restart_argv, environ), ENOTSUP);
  check_enotsup (&attr, POSIX_SPAWN_AUTOREAP);
  check_enotsup (&attr, POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_SETCGROUP);

  /* Without the flag, the clone fallback creates an ordinary child,
     except where clone3 failed with E2BIG, which stays an error.  Where
     glibc has no clone3 wrapper, posix_spawn uses clone directly.  */
  TEST_COMPARE (posix_spawnattr_setflags (&attr, 0), 0);
  int r = posix_spawn (&pid, restart_argv[0], NULL, &attr, restart_argv,
		       environ);
  if (error == E2BIG && SPAWN_USES_CLONE3)
    TEST_COMPARE (r, E2BIG);
  else
    {
      TEST_COMPARE (r, 0);
      int status;
      TEST_COMPARE (xwaitpid (pid, &status, 0), pid);
      TEST_VERIFY (WIFEXITED (status));
      TEST_COMPARE (WEXITSTATUS (status), 0);
    }
  check_no_children ();

  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  xclose (cgroup);
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: just exit.  */
  if (restart)
    return 0;

  set_restart_argv (argc, argv);

  /* The seccomp filter can not be removed, so each case runs in its own
     process.  Without a clone3 system call, there is nothing to filter:
     the one case checks the kernel as it is.  */
#ifdef __NR_clone3
  static const int errors[] = { ENOSYS, EINVAL, E2BIG };
#else
  static const int errors[] = { ENOSYS };
#endif
  for (size_t e = 0; e < array_length (errors); e++)
    isolate_in_subprocess (do_test_error, (void *) &errors[e]);

  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
