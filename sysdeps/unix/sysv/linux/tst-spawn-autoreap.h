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

#include <array_length.h>
#include <clone3.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
/* <sys/pidfd.h> of glibc 2.43 tests _PIDFD_H but does not define it, so
   it cannot be included twice: the test may have included it already.  */
#ifndef PIDFD_GET_INFO
# include <sys/pidfd.h>
#endif
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sysdep.h>
#include <time.h>
#include <unistd.h>

#include <spawn.h>
#include <support/check.h>
#include <support/descriptors.h>
#include <support/test-driver.h>
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

/* Run CALLBACK (CLOSURE) in a subprocess, as
   support_isolate_in_subprocess does, but end the test as unsupported
   if the subprocess did (exit status EXIT_UNSUPPORTED) instead of
   failing it.  */
static inline void
isolate_in_subprocess (void (*callback) (void *), void *closure)
{
  pid_t pid = xfork ();
  if (pid == 0)
    {
      callback (closure);
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  if (WIFEXITED (status) && WEXITSTATUS (status) == EXIT_UNSUPPORTED)
    FAIL_UNSUPPORTED ("subprocess %d was unsupported", (int) pid);
  if (status != 0)
    FAIL_EXIT1 ("subprocess %d: status %#x", (int) pid, status);
}

#ifdef __NR_clone3
/* Install the seccomp filter PROG in the calling process.  Without
   CAP_SYS_ADMIN that needs no_new_privs, which the children then
   inherit: return true if it had to be set.  End the test as
   unsupported if the kernel has no seccomp filters.  */
static inline bool
install_seccomp_filter (const struct sock_fprog *prog)
{
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) == 0)
    return false;
  if (errno == EACCES && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
      && prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) == 0)
    return true;
  FAIL_UNSUPPORTED ("can not install a seccomp filter: %m");
}

/* Make every clone3 call of the calling process (and of the children it
   forks later) fail with ERROR, as on a kernel without clone3 (ENOSYS)
   or one that rejects its flags (EINVAL, or E2BIG for a clone_args
   structure larger than it knows).  The filter can not read the
   clone_args structure, and does not check seccomp_data.arch: the tests
   make no system call of another ABI.  Return what
   install_seccomp_filter returns.  */
static inline bool
fail_clone3 (int error)
{
  struct sock_filter filter[] =
    {
      BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | error),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
  struct sock_fprog prog = { .len = array_length (filter), .filter = filter };
  return install_seccomp_filter (&prog);
}
#endif

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
  if (!supported)
    {
      if (SPAWN_USES_CLONE3)
	check_autoreap_enotsup ();
      FAIL_UNSUPPORTED ("kernel does not support CLONE_AUTOREAP");
    }
  if (!SPAWN_USES_CLONE3)
    {
      check_autoreap_enotsup ();
      FAIL_UNSUPPORTED ("posix_spawn does not use clone3 on this"
			" architecture");
    }
}

/* Store the signal mask of the calling thread in *SET.  */
static inline void
get_sigmask (sigset_t *set)
{
  TEST_COMPARE (sigprocmask (SIG_BLOCK, NULL, set), 0);
}

/* Check that the signal mask of the calling thread is *EXPECTED.  */
static inline void
compare_sigmask (const sigset_t *expected)
{
  sigset_t set;
  get_sigmask (&set);
  for (int sig = 1; sig < NSIG; sig++)
    if (sigismember (&set, sig) != sigismember (expected, sig))
      FAIL ("signal %d: blocked %d, expected %d", sig,
	    sigismember (&set, sig), sigismember (expected, sig));
}

/* Return the number of bytes mapped in the process but for the heap and
   the main thread's stack, which grow as the test runs.  The bytes are
   counted, not the mappings, which the kernel may merge.  */
static inline unsigned long int
mapped_bytes (void)
{
  FILE *f = xfopen ("/proc/self/maps", "r");
  char *line = NULL;
  size_t size = 0;
  unsigned long int bytes = 0;
  while (xgetline (&line, &size, f) > 0)
    {
      unsigned long int start, end;
      if (sscanf (line, "%lx-%lx", &start, &end) != 2)
	FAIL_EXIT1 ("unexpected line in /proc/self/maps: %s", line);
      if (strstr (line, "[heap]") == NULL && strstr (line, "[stack]") == NULL)
	bytes += end - start;
    }
  free (line);
  xfclose (f);
  return bytes;
}

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
  int argc = 0;
  for (int i = 0; i < restart_argc; i++)
    args[argc++] = restart_argv[i];
  args[argc++] = (char *) mode;
  if (arg != NULL)
    args[argc++] = (char *) arg;
  args[argc] = NULL;

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
  TEST_COMPARE (pipe2 (fds, O_CLOEXEC), 0);
  posix_spawn_file_actions_t fa;
  TEST_COMPARE (posix_spawn_file_actions_init (&fa), 0);
  TEST_COMPARE (posix_spawn_file_actions_adddup2 (&fa, fds[1],
						  STDOUT_FILENO), 0);
  if (dir != NULL)
    {
      TEST_COMPARE (posix_spawn_file_actions_addchdir_np (&fa, dir), 0);
      TEST_COMPARE (posix_spawn_file_actions_addclosefrom_np (&fa, 3), 0);
    }
  *child = xspawn_restart (flags, &fa, attr, mode, arg);
  TEST_COMPARE (posix_spawn_file_actions_destroy (&fa), 0);
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

#endif /* tst-spawn-autoreap.h */
