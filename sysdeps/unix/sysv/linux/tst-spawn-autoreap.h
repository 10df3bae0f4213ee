/* Common definitions for the POSIX_SPAWN_AUTOREAP tests.  Linux version.
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

#ifndef TST_SPAWN_AUTOREAP_H
#define TST_SPAWN_AUTOREAP_H

#include <clone3.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
/* <sys/pidfd.h> of glibc 2.43 tests _PIDFD_H but does not define it, so
   it cannot be included twice: the test may have included it already.  */
#ifndef PIDFD_GET_INFO
# include <sys/pidfd.h>
#endif
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sysdep.h>
#include <time.h>
#include <unistd.h>

#include <spawn.h>
#include <support/check.h>
#include <support/descriptors.h>
#include <support/timespec.h>
#include <support/xstdio.h>
#include <support/xtime.h>
#include <support/xunistd.h>
/* PID_T_TYPE, POSIX_SPAWN and WAITID, unless tst-spawn-pidfd.h, included
   first, has made them use pidfd_spawn.  */
#include <tst-spawn.h>

/* posix_spawn can create an autoreaped child only where glibc has a
   clone3 wrapper; elsewhere it returns ENOTSUP.  */
#ifdef HAVE_CLONE3_WRAPPER
# define SPAWN_USES_CLONE3 1
#else
# define SPAWN_USES_CLONE3 0
#endif

/* Upper bound, in milliseconds, for a terminated autoreaped child to
   disappear.  */
static inline int
release_timeout_ms (void)
{
  const char *factor = getenv ("TIMEOUTFACTOR");
  int f = factor != NULL ? atoi (factor) : 0;
  return 10000 * (f > 0 ? f : 1);
}

/* Return the time on CLOCK_MONOTONIC release_timeout_ms from now.  */
static inline struct timespec
release_deadline (void)
{
  struct timespec now;
  xclock_gettime (CLOCK_MONOTONIC, &now);
  int ms = release_timeout_ms ();
  return timespec_add (now, make_timespec (ms / 1000, ms % 1000 * 1000000L));
}

/* Return true if DEADLINE, a time on CLOCK_MONOTONIC, has passed.  */
static inline bool
deadline_passed (struct timespec deadline)
{
  struct timespec now;
  xclock_gettime (CLOCK_MONOTONIC, &now);
  return (now.tv_sec > deadline.tv_sec
	  || (now.tv_sec == deadline.tv_sec
	      && now.tv_nsec >= deadline.tv_nsec));
}

static inline void
sleep_ms (int ms)
{
  struct timespec ts = { 0, ms * 1000000L };
  nanosleep (&ts, NULL);
}

/* Return true if the kernel supports CLONE_AUTOREAP, asking it directly
   with a fork-like clone3 call whose child exits at once.  If a sandbox
   denies clone3 with EPERM, which posix_spawn reports as it is, the test
   is unsupported.  */
static inline bool
kernel_has_autoreap (void)
{
#ifdef __NR_clone3
  struct clone_args args = { .flags = CLONE_AUTOREAP, .exit_signal = 0 };
  long int pid = syscall (__NR_clone3, &args, sizeof (args));
  if (pid == 0)
    _exit (0);
  if (pid > 0)
    return true;
  if (errno == EPERM)
    FAIL_UNSUPPORTED ("clone3 (CLONE_AUTOREAP) is denied: %m");
  if (errno != EINVAL && errno != ENOSYS)
    FAIL_EXIT1 ("clone3 (CLONE_AUTOREAP): %m");
#endif
  return false;
}

/* Return the state letter of process PID from /proc/PID/stat, or 0 if
   the process does not exist.  If PPID is not NULL, store its parent
   there.  */
static inline char
proc_state (pid_t pid, pid_t *ppid)
{
  char path[64];
  snprintf (path, sizeof (path), "/proc/%d/stat", (int) pid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      /* ESRCH while the process is being released.  */
      TEST_VERIFY (errno == ENOENT || errno == ESRCH);
      return 0;
    }
  char buf[1024];
  ssize_t n = read (fd, buf, sizeof (buf) - 1);
  xclose (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* The command name may contain spaces and parentheses.  */
  char *p = strrchr (buf, ')');
  TEST_VERIFY_EXIT (p != NULL);
  char state;
  int parent;
  TEST_COMPARE (sscanf (p + 1, " %c %d", &state, &parent), 2);
  if (ppid != NULL)
    *ppid = parent;
  return state;
}

/* Wait until process PID (an autoreaped child that is terminating) no
   longer exists.  While the kernel releases it, /proc may show it as a
   zombie for a moment (seen on Linux 7.2), but it must not stay one.  */
static inline void
wait_released (pid_t pid)
{
  if (pid == -1)
    return;
  struct timespec deadline = release_deadline ();
  while (true)
    {
      char state = proc_state (pid, NULL);
      if (state == 0)
	return;
      if (deadline_passed (deadline))
	FAIL_EXIT1 ("autoreaped process %d still exists (state %c)%s",
		    (int) pid, state, state == 'Z' ? ": a zombie" : "");
      sleep_ms (1);
    }
}

/* Wait until the calling process has no child at all, of any kind and in
   any state; no child may be reaped by this.  */
static inline void
wait_no_children (void)
{
  struct timespec deadline = release_deadline ();
  while (true)
    {
      int status;
      pid_t r = waitpid (-1, &status, __WALL | WNOHANG);
      if (r == -1)
	{
	  TEST_COMPARE (errno, ECHILD);
	  return;
	}
      if (r > 0)
	FAIL_EXIT1 ("waitpid (__WALL) returned child %d (status %#x)",
		    (int) r, status);
      if (deadline_passed (deadline))
	FAIL_EXIT1 ("the test process still has children");
      sleep_ms (1);
    }
}

/* The arguments that re-execute the test program as a child: the
   optional loader and library path and the program name, then
   "--direct" and "--restart", and room for two more arguments and a
   final NULL.  */
static char *restart_argv[9];
static int restart_argc;

/* Set up restart_argv from the arguments of the initial test process,
   which must be one or four:
     + argv[1]: path for ld.so        optional
     + argv[2]: "--library-path"      optional
     + argv[3]: the library path      optional
     + argv[4]: the application name  */
static inline void
set_restart_argv (int argc, char *argv[])
{
  TEST_VERIFY_EXIT (argc == 2 || argc == 5);
  int i;
  for (i = 0; i < argc - 1; i++)
    restart_argv[i] = argv[i + 1];
  restart_argv[i++] = (char *) "--direct";
  restart_argv[i++] = (char *) "--restart";
  restart_argv[i] = NULL;
  restart_argc = i;
}

/* Store in ARGS, which has room for restart_argc + 3 pointers, the
   arguments that re-execute the test program as "--restart MODE ARG"
   (without MODE if it is NULL, without ARG if it is NULL), then a null
   pointer.  */
static inline void
make_restart_args (char **args, const char *mode, const char *arg)
{
  int argc = 0;
  for (int i = 0; i < restart_argc; i++)
    args[argc++] = restart_argv[i];
  if (mode != NULL)
    {
      args[argc++] = (char *) mode;
      if (arg != NULL)
	args[argc++] = (char *) arg;
    }
  args[argc] = NULL;
}

/* Check that posix_spawn with POSIX_SPAWN_AUTOREAP fails with ENOTSUP
   and leaves no process and no descriptor behind, as it must where it
   cannot create autoreaped children.  */
static inline void
check_autoreap_enotsup (void)
{
  struct support_descriptors *descriptors = support_descriptors_list ();
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP), 0);
  char *args[] = { (char *) "true", NULL };
  pid_t pid = -1;
  TEST_COMPARE (posix_spawn (&pid, "/bin/true", NULL, &attr, args, NULL),
		ENOTSUP);
  TEST_COMPARE (pid, -1);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  errno = 0;
  TEST_COMPARE (waitpid (-1, NULL, __WALL | WNOHANG), -1);
  TEST_COMPARE (errno, ECHILD);
  support_descriptors_check (descriptors);
  support_descriptors_free (descriptors);
}

/* End the test as unsupported unless posix_spawn can create autoreaped
   children here, after checking that it says so properly.  */
static inline void
require_autoreap (void)
{
  bool supported = kernel_has_autoreap ();
  /* The kernel reaps the probe's child, but only once it has exited,
     which may not be yet.  */
  wait_no_children ();
  if (!supported || !SPAWN_USES_CLONE3)
    {
      check_autoreap_enotsup ();
      if (!supported)
	FAIL_UNSUPPORTED ("kernel does not support CLONE_AUTOREAP");
      FAIL_UNSUPPORTED ("posix_spawn does not use clone3 on this"
			" architecture");
    }
}

#endif /* tst-spawn-autoreap.h */
