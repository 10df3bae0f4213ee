/* Spawning the test program again, for the POSIX_SPAWN_AUTOREAP tests.
   Linux version.
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

#ifndef TST_SPAWN_AUTOREAP_SPAWN_H
#define TST_SPAWN_AUTOREAP_SPAWN_H

#include <tst-spawn-autoreap.h>

/* Start the test program re-executed as "--restart MODE ARG" (without
   ARG if it is NULL) with the spawn flags FLAGS, the file actions FA
   and the other attributes of ATTR (both may be NULL; FLAGS replaces
   the flags of ATTR).  Store the child in *CHILD: its process ID, or
   its pidfd in the tests that include tst-spawn-pidfd.h.  Return the
   result of the spawn function.  */
static inline int
spawn_restart (PID_T_TYPE *child, short int flags,
	       const posix_spawn_file_actions_t *fa, posix_spawnattr_t *attr,
	       const char *mode, const char *arg)
{
  char *args[restart_argc + 3];
  make_restart_args (args, mode, arg);

  posix_spawnattr_t own;
  if (attr == NULL)
    {
      TEST_COMPARE (posix_spawnattr_init (&own), 0);
      attr = &own;
    }
  TEST_COMPARE (posix_spawnattr_setflags (attr, flags), 0);
  int r = POSIX_SPAWN (child, args[0], fa, attr, args, environ);
  if (attr == &own)
    TEST_COMPARE (posix_spawnattr_destroy (&own), 0);
  return r;
}

/* Same as spawn_restart, but fail the test if the child cannot be
   created, and return it.  */
static inline PID_T_TYPE
xspawn_restart (short int flags, const posix_spawn_file_actions_t *fa,
		posix_spawnattr_t *attr, const char *mode, const char *arg)
{
  PID_T_TYPE child;
  int r = spawn_restart (&child, flags, fa, attr, mode, arg);
  if (r != 0)
    FAIL_EXIT1 ("spawn (%s): %s", mode, strerror (r));
  return child;
}

/* Return the process ID of CHILD, or -1 if the kernel has already
   released the process (possible only when CHILD is a pidfd).  */
static inline pid_t
child_pid (PID_T_TYPE child)
{
#ifdef TST_SPAWN_PIDFD
  pid_t pid = pidfd_getpid (child);
  if (pid == -1)
    TEST_COMPARE (errno, ESRCH);
  return pid;
#else
  return child;
#endif
}

/* Close CHILD if it is a pidfd.  */
static inline void
close_child (PID_T_TYPE child)
{
#ifdef TST_SPAWN_PIDFD
  xclose (child);
#endif
}

/* Wait for the ordinary child CHILD and check that it exited with
   STATUS.  */
static inline void
reap_ordinary (PID_T_TYPE child, int status)
{
  siginfo_t si;
  TEST_COMPARE (WAITID (P_PID, child, &si, WEXITED), 0);
  TEST_COMPARE (si.si_code, CLD_EXITED);
  TEST_COMPARE (si.si_status, status);
  close_child (child);
}

/* Wait for the child that PIDFD refers to to terminate, and return its
   wait status, which PIDFD_GET_INFO reports.  The kernel records it when
   it releases the child, a moment after the pidfd polls readable, so
   the request is retried until then.  */
static inline int
pidfd_exit_status (int pidfd)
{
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  TEST_COMPARE (poll (&pfd, 1, release_timeout_ms ()), 1);
  TEST_VERIFY (pfd.revents & POLLIN);
  for (int ms = 0; ms < release_timeout_ms (); ms++)
    {
      struct pidfd_info info = { .mask = PIDFD_INFO_EXIT };
      if (ioctl (pidfd, PIDFD_GET_INFO, &info) == 0)
	{
	  if (info.mask & PIDFD_INFO_EXIT)
	    return info.exit_code;
	}
      else
	TEST_COMPARE (errno, ESRCH);
      sleep_ms (1);
    }
  FAIL_EXIT1 ("PIDFD_GET_INFO reports no exit status");
}

/* Create a pipe in FDS, and in *FA file actions that make it the
   standard output of the child.  The caller destroys *FA and passes
   FDS to read_pipe.  */
static inline void
stdout_to_pipe (posix_spawn_file_actions_t *fa, int fds[2])
{
  if (pipe2 (fds, O_CLOEXEC) != 0)
    FAIL_EXIT1 ("pipe2: %m");
  TEST_COMPARE (posix_spawn_file_actions_init (fa), 0);
  TEST_COMPARE (posix_spawn_file_actions_adddup2 (fa, fds[1],
						  STDOUT_FILENO), 0);
}

/* Close the write end of the pipe FDS and return everything written to
   it until every writer has closed it; close the read end.  The string
   stays valid until the next call.  */
static inline char *
read_pipe (int fds[2])
{
  xclose (fds[1]);
  static char buf[4096];
  size_t total = 0;
  while (total < sizeof (buf) - 1)
    {
      ssize_t n = read (fds[0], buf + total, sizeof (buf) - 1 - total);
      if (n < 0)
	FAIL_EXIT1 ("read: %m");
      if (n == 0)
	break;
      total += n;
    }
  buf[total] = '\0';
  xclose (fds[0]);
  return buf;
}

/* Start the test program as "--restart MODE ARG" with FLAGS and ATTR
   (may be NULL) and its standard output on a pipe, store the child in
   *CHILD, and return everything the child writes there until it exits.
   With DIR, the child also changes to DIR and closes every descriptor
   from 3 on.  The string stays valid until the next call.  */
static inline char *
spawn_output (PID_T_TYPE *child, short int flags, posix_spawnattr_t *attr,
	      const char *dir, const char *mode, const char *arg)
{
  int fds[2];
  posix_spawn_file_actions_t fa;
  stdout_to_pipe (&fa, fds);
  if (dir != NULL)
    {
      TEST_COMPARE (posix_spawn_file_actions_addchdir_np (&fa, dir), 0);
      TEST_COMPARE (posix_spawn_file_actions_addclosefrom_np (&fa, 3), 0);
    }
  *child = xspawn_restart (flags, &fa, attr, mode, arg);
  TEST_COMPARE (posix_spawn_file_actions_destroy (&fa), 0);
  return read_pipe (fds);
}

/* Spawn a program that does not exist with ATTR, which has
   POSIX_SPAWN_AUTOREAP, and check that the spawn fails with ENOENT and
   returns only once the failed child has closed the write end of the
   pipe FDS, which it inherited: after the caller closes its own, poll
   sees POLLHUP at once.  Close FDS.  I numbers the attempt.  */
static inline void
check_failed_exec_pipe (const posix_spawnattr_t *attr, int fds[2], int i)
{
  char *args[] = { (char *) "/nonexistent/tst-spawn-autoreap", NULL };
  PID_T_TYPE child = -1;
  TEST_COMPARE (POSIX_SPAWN (&child, args[0], NULL, attr, args, environ),
		ENOENT);
  TEST_COMPARE (child, -1);
  xclose (fds[1]);
  struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
  int r = poll (&pfd, 1, 0);
  if (r != 1 || !(pfd.revents & POLLHUP))
    FAIL_EXIT1 ("failed exec %d: the spawn returned while the child still"
		" held the pipe (poll %d, revents %#x)", i, r, pfd.revents);
  xclose (fds[0]);
}

#endif /* tst-spawn-autoreap-spawn.h */
