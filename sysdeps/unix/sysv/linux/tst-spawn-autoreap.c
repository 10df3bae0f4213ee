/* Tests for posix_spawn with POSIX_SPAWN_AUTOREAP.  Linux version.
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

#include <array_length.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <support/check.h>
#include <support/descriptors.h>
#include <support/namespace.h>
#include <support/process_state.h>
#include <support/support.h>
#include <support/temp_file.h>
#include <support/xsignal.h>
#include <support/xstdio.h>
#include <support/xunistd.h>
#include <tst-spawn.h>
#include <tst-spawn-autoreap.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* Number of ordinary and autoreaped children in do_test_mixed.  */
enum { ordinary_children = 10, autoreaped_children = 100 };

/* Number of failed spawns in a row in do_test_exec_failure_release (a
   third of it for each of its deterministic variants) and
   do_test_cgroup.  */
enum { exec_failures = 300 };

/* Spawn the test program re-executed as "--restart MODE ARG" (ARG may be
   NULL) with FLAGS and FA.  Return the posix_spawn result.  */
static int
spawn_mode (PID_T_TYPE *child, short int flags,
	    const posix_spawn_file_actions_t *fa,
	    const posix_spawnattr_t *base_attr,
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

  posix_spawnattr_t attr;
  if (base_attr != NULL)
    attr = *base_attr;
  else
    TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setflags (&attr, flags), 0);
  int r = POSIX_SPAWN (child, args[0], fa, &attr, args, environ);
  if (base_attr == NULL)
    TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  return r;
}

/* Same as spawn_mode, but fail the test if the child can not be
   created.  */
static PID_T_TYPE
xspawn_mode (short int flags, const posix_spawn_file_actions_t *fa,
	     const posix_spawnattr_t *attr, const char *mode, const char *arg)
{
  PID_T_TYPE child;
  int r = spawn_mode (&child, flags, fa, attr, mode, arg);
  if (r != 0)
    FAIL_EXIT1 ("posix_spawn (%s): %s", mode, strerror (r));
  return child;
}

/* Return the process ID of CHILD, or -1 if the process has already been
   released by the kernel (only possible when CHILD is a pidfd).  */
static pid_t
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

static void
close_child (PID_T_TYPE child)
{
#ifdef TST_SPAWN_PIDFD
  xclose (child);
#endif
}

/* Check, without blocking, that no wait function reports the running
   autoreaped child PID (or any child, if PID is -1).  Before execve an
   autoreaped child is a "clone" child (its exit signal is 0), which wait
   ignores: ECHILD.  But execve makes the kernel reset the exit signal to
   SIGCHLD, so from then on wait sees a running child (WNOHANG gives 0)
   until it exits.  Either way it is never returned.  */
static void
check_not_reported (pid_t pid)
{
  int status;
  errno = 0;
  pid_t r = waitpid (pid, &status, WNOHANG);
  if (r != 0)
    {
      TEST_COMPARE (r, -1);
      TEST_COMPARE (errno, ECHILD);
    }

  siginfo_t si = { 0 };
  errno = 0;
  r = waitid (pid == -1 ? P_ALL : P_PID, pid == -1 ? 0 : pid, &si,
	      WEXITED | WNOHANG);
  if (r == 0)
    TEST_COMPARE (si.si_pid, 0);
  else
    {
      TEST_COMPARE (r, -1);
      TEST_COMPARE (errno, ECHILD);
    }
}

/* Check that there is nothing to wait for PID (or for any child, if PID
   is -1) once the autoreaped children terminate: a blocking wait returns
   ECHILD when the last of them is gone, and never returns one of them.  */
static void
check_not_waitable (pid_t pid)
{
  errno = 0;
  TEST_COMPARE (waitpid (pid, NULL, 0), -1);
  TEST_COMPARE (errno, ECHILD);

  siginfo_t si;
  errno = 0;
  TEST_COMPARE (waitid (pid == -1 ? P_ALL : P_PID, pid == -1 ? 0 : pid,
			&si, WEXITED), -1);
  TEST_COMPARE (errno, ECHILD);
}

/* Wait for the ordinary child CHILD and check that it exited with
   STATUS.  */
static void
reap_ordinary (PID_T_TYPE child, int status)
{
  siginfo_t si;
  TEST_COMPARE (WAITID (P_PID, child, &si, WEXITED), 0);
  TEST_COMPARE (si.si_code, CLD_EXITED);
  TEST_COMPARE (si.si_status, status);
  close_child (child);
}

/* Start the test program as "--restart MODE ARG" with FLAGS and ATTR
   (may be NULL) and its standard output on a pipe, store the child in
   *CHILD, and return everything the child writes there until it exits.
   With DIR, the child also changes to DIR and closes every descriptor
   from 3 on.  The string stays valid until the next call.  */
static char *
spawn_output (PID_T_TYPE *child, short int flags,
	      const posix_spawnattr_t *attr, const char *dir,
	      const char *mode, const char *arg)
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
  *child = xspawn_mode (flags, &fa, attr, mode, arg);
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

/* Check that an autoreaped child, once started, can not be waited for,
   and disappears after terminating with the wait status WSTATUS: by
   exiting (MODE "exit") or by being killed (MODE "pause").  */
static void
do_test_status (const char *mode, const char *arg, int wstatus)
{
  printf ("info: autoreaped child: %s%s%s\n", mode, arg ? " " : "",
	  arg ? arg : "");

  PID_T_TYPE child = xspawn_mode (POSIX_SPAWN_AUTOREAP, NULL, NULL, mode,
				  arg);
  pid_t pid = child_pid (child);

  if (WIFSIGNALED (wstatus))
    {
      /* The child is still running: it is a child of ours, but invisible
	 to wait.  */
      TEST_VERIFY_EXIT (pid > 0);
      support_process_state_wait (pid, support_process_state_sleeping);
      check_not_reported (pid);
      check_not_reported (-1);
      TEST_COMPARE (kill (pid, WTERMSIG (wstatus)), 0);
    }

#ifdef TST_SPAWN_PIDFD
  /* The pidfd still reports the termination and the exit status.  */
  struct pollfd pfd = { .fd = child, .events = POLLIN };
  TEST_COMPARE (poll (&pfd, 1, release_timeout_ms ()), 1);
  TEST_VERIFY (pfd.revents & POLLIN);

  /* POLLIN comes when the child exits, but the kernel records its exit
     status for PIDFD_GET_INFO only when it releases the child, a little
     later: in between the ioctl fails or leaves PIDFD_INFO_EXIT out of
     the mask.  */
  wait_released (pid);
  struct pidfd_info info = { .mask = PIDFD_INFO_EXIT };
  TEST_COMPARE (ioctl (child, PIDFD_GET_INFO, &info), 0);
  TEST_VERIFY (info.mask & PIDFD_INFO_EXIT);
  TEST_COMPARE (info.exit_code, wstatus);

  siginfo_t si;
  errno = 0;
  TEST_COMPARE (waitid (P_PIDFD, child, &si, WEXITED), -1);
  TEST_COMPARE (errno, ECHILD);
#endif

  check_not_waitable (-1);
  wait_released (pid);
  if (pid > 0)
    check_not_waitable (pid);
  wait_no_children ();
  close_child (child);
}

/* Autoreap applies to the children spawned with the flag only: mixing
   autoreaped children and ordinary children, waitpid (-1) returns exactly
   the ordinary ones, with their statuses.  */
static void
do_test_mixed (void)
{
  printf ("info: %d autoreaped and %d ordinary children\n",
	  autoreaped_children, ordinary_children);

  PID_T_TYPE autoreaped[autoreaped_children];
  pid_t ordinary[ordinary_children];
  PID_T_TYPE ordinary_handle[ordinary_children];
  for (int i = 0, o = 0; i < autoreaped_children; i++)
    {
      autoreaped[i] = xspawn_mode (POSIX_SPAWN_AUTOREAP, NULL, NULL, "exit",
				   "0");
      if (i % (autoreaped_children / ordinary_children) == 0)
	{
	  char status[16];
	  snprintf (status, sizeof (status), "%d", o + 1);
	  ordinary_handle[o] = xspawn_mode (0, NULL, NULL, "exit", status);
	  ordinary[o] = child_pid (ordinary_handle[o]);
	  TEST_VERIFY_EXIT (ordinary[o] > 0);
	  o++;
	}
    }

  bool seen[ordinary_children] = { false };
  for (int n = 0; n < ordinary_children; n++)
    {
      int status;
      pid_t pid = waitpid (-1, &status, 0);
      TEST_VERIFY_EXIT (pid > 0);
      int o;
      for (o = 0; o < ordinary_children; o++)
	if (ordinary[o] == pid)
	  break;
      if (o == ordinary_children)
	FAIL_EXIT1 ("waitpid returned %d, not an ordinary child", (int) pid);
      TEST_VERIFY (!seen[o]);
      seen[o] = true;
      TEST_VERIFY (WIFEXITED (status));
      TEST_COMPARE (WEXITSTATUS (status), o + 1);
    }
  /* Nothing else can be waited for, and the blocking wait does not
     wait for the autoreaped children either.  */
  errno = 0;
  TEST_COMPARE (waitpid (-1, NULL, 0), -1);
  TEST_COMPARE (errno, ECHILD);

  for (int i = 0; i < autoreaped_children; i++)
    {
      wait_released (child_pid (autoreaped[i]));
      close_child (autoreaped[i]);
    }
  for (int o = 0; o < ordinary_children; o++)
    close_child (ordinary_handle[o]);
  wait_no_children ();
}

/* No SIGCHLD is sent for an autoreaped child; one is sent for an
   ordinary child.  */
static void
do_test_sigchld (void)
{
  printf ("info: SIGCHLD\n");

  sigset_t set, oldset;
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  xpthread_sigmask (SIG_BLOCK, &set, &oldset);
  const struct timespec zero = { 0, 0 };
  siginfo_t si;
  while (sigtimedwait (&set, &si, &zero) == SIGCHLD)
    ;

  PID_T_TYPE child = xspawn_mode (POSIX_SPAWN_AUTOREAP, NULL, NULL, "exit",
				  "0");
  wait_released (child_pid (child));
#ifdef TST_SPAWN_PIDFD
  struct pollfd pfd = { .fd = child, .events = POLLIN };
  TEST_COMPARE (poll (&pfd, 1, release_timeout_ms ()), 1);
#endif
  close_child (child);
  errno = 0;
  TEST_COMPARE (sigtimedwait (&set, &si, &zero), -1);
  TEST_COMPARE (errno, EAGAIN);

  child = xspawn_mode (0, NULL, NULL, "exit", "0");
  pid_t pid = child_pid (child);
  TEST_COMPARE (sigwaitinfo (&set, &si), SIGCHLD);
  TEST_COMPARE (si.si_pid, pid);
  TEST_COMPARE (si.si_code, CLD_EXITED);
  reap_ordinary (child, 0);

  xpthread_sigmask (SIG_SETMASK, &oldset, NULL);
}

/* A failed exec returns its error, leaves no process behind, no
   descriptor open, and does not steal the status of another child.  */
static void
do_test_exec_failure (void)
{
  printf ("info: exec failure\n");

  /* An ordinary child which has already exited, so that any wait for
     an unspecified child would collect it.  */
  PID_T_TYPE ordinary = xspawn_mode (0, NULL, NULL, "exit", "3");
  support_process_state_wait (child_pid (ordinary),
			      support_process_state_zombie);

  char *noexec;
  xclose (create_temp_file ("tst-spawn-autoreap-noexec-", &noexec));
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
  for (size_t i = 0; i < sizeof (tests) / sizeof (tests[0]); i++)
    {
      struct support_descriptors *descriptors = support_descriptors_list ();
      char *args[] = { (char *) tests[i].path, NULL };
      PID_T_TYPE child = -1;
      TEST_COMPARE (POSIX_SPAWN (&child, tests[i].path, NULL, &attr, args,
				 environ), tests[i].error);
      /* Nothing is returned; with pidfd_spawn the pidfd was closed.  */
      TEST_COMPARE (child, -1);
      support_descriptors_check (descriptors);
      support_descriptors_free (descriptors);
    }
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  free (noexec);

  /* The ordinary child is still there to be collected.  */
  reap_ordinary (ordinary, 3);
  wait_no_children ();
}

/* Save the RLIMIT_NOFILE limits in *OLD, lower the soft limit to LIMIT
   and fill the descriptor table up to it with close-on-exec copies of
   standard input (so that a program that a child executes can still
   open its files), stored in FDS, which has room for MAX.  Return their
   number, which must be below MAX.  */
static int
fill_descriptors (int *fds, int max, rlim_t limit, struct rlimit *old)
{
  TEST_COMPARE (getrlimit (RLIMIT_NOFILE, old), 0);
  struct rlimit rl = *old;
  rl.rlim_cur = limit;
  TEST_COMPARE (setrlimit (RLIMIT_NOFILE, &rl), 0);
  int n = 0;
  while (n < max)
    {
      int fd = fcntl (STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
      if (fd < 0)
	{
	  TEST_COMPARE (errno, EMFILE);
	  break;
	}
      fds[n++] = fd;
    }
  TEST_VERIFY_EXIT (n < max);
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

/* When posix_spawn reports that the child could not exec, the child is
   gone.  Its parent resumes as soon as the failed child releases its
   memory, which comes before the child closes its descriptors, so
   posix_spawn must wait for the rest of the exit: right after it
   returns, the write end of a pipe that the child inherited is closed
   everywhere once the caller closes its own, every time.

   With PREEMPT, the test runs on one CPU with SCHED_FIFO and the child
   with SCHED_OTHER, so that the parent, once the failing child lets it
   resume, always runs before the child can close its descriptors:
   without the wait the first spawn fails.  With CHILD_FULL too, a file
   action fills the child's descriptor table (the caller has one free
   descriptor), so the child must make room to obtain its pidfd.  */
static void
do_test_exec_failure_release (int count, bool preempt, bool child_full)
{
  printf ("info: %d failed execs, each child gone on return%s%s\n",
	  count, preempt ? ", the parent preempting the child" : "",
	  child_full ? ", its descriptor table full" : "");

  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  cpu_set_t old_affinity;
  if (preempt)
    {
      struct sched_param param = { .sched_priority = 1 };
      if (sched_setscheduler (0, SCHED_FIFO, &param) != 0)
	{
	  TEST_COMPARE (errno, EPERM);
	  printf ("info: no SCHED_FIFO (%m), case skipped\n");
	  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
	  return;
	}
      TEST_COMPARE (sched_getaffinity (0, sizeof (old_affinity),
				       &old_affinity), 0);
      cpu_set_t one;
      CPU_ZERO (&one);
      CPU_SET (sched_getcpu (), &one);
      TEST_COMPARE (sched_setaffinity (0, sizeof (one), &one), 0);
      param.sched_priority = 0;
      TEST_COMPARE (posix_spawnattr_setschedpolicy (&attr, SCHED_OTHER), 0);
      TEST_COMPARE (posix_spawnattr_setschedparam (&attr, &param), 0);
      TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP
					      | POSIX_SPAWN_SETSCHEDULER), 0);
    }
  char *args[] = { (char *) "/nonexistent/tst-spawn-autoreap", NULL };
  for (int i = 0; i < count; i++)
    {
      /* Without O_CLOEXEC: the child inherits both ends.  */
      int fds[2];
      xpipe (fds);

      /* Fill the table up to RLIMIT_NOFILE but for one descriptor,
	 which the child's file action takes.  */
      struct rlimit old_limit;
      int fill[64];
      int nfill = 0;
      posix_spawn_file_actions_t fa;
      TEST_COMPARE (posix_spawn_file_actions_init (&fa), 0);
      if (child_full)
	{
	  nfill = fill_descriptors (fill, array_length (fill),
				    array_length (fill), &old_limit);
	  TEST_VERIFY_EXIT (nfill > 0);
	  int free_fd = fill[--nfill];
	  xclose (free_fd);
	  TEST_COMPARE (posix_spawn_file_actions_adddup2 (&fa, STDIN_FILENO,
							  free_fd), 0);
	}

      PID_T_TYPE child = -1;
      TEST_COMPARE (POSIX_SPAWN (&child, args[0], &fa, &attr, args,
				 environ), ENOENT);
      TEST_COMPARE (child, -1);
      xclose (fds[1]);
      struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
      TEST_COMPARE (poll (&pfd, 1, 0), 1);
      if (!(pfd.revents & POLLHUP))
	FAIL_EXIT1 ("failed exec %d: posix_spawn returned while the child"
		    " still held the pipe (revents %#x)", i, pfd.revents);
      xclose (fds[0]);

      TEST_COMPARE (posix_spawn_file_actions_destroy (&fa), 0);
      if (child_full)
	unfill_descriptors (fill, nfill, &old_limit);
    }
  if (preempt)
    {
      TEST_COMPARE (sched_setaffinity (0, sizeof (old_affinity),
				       &old_affinity), 0);
      struct sched_param param = { .sched_priority = 0 };
      TEST_COMPARE (sched_setscheduler (0, SCHED_OTHER, &param), 0);
    }
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  wait_no_children ();
}

/* An invalid argument is EINVAL with POSIX_SPAWN_AUTOREAP as without
   it, not ENOTSUP, which means that the kernel lacks CLONE_AUTOREAP: a
   cgroup descriptor of -1 with POSIX_SPAWN_SETCGROUP.  No process is
   created and no descriptor is left.  */
static void
do_test_einval (void)
{
  printf ("info: invalid cgroup: EINVAL, not ENOTSUP\n");

  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setcgroup_np (&attr, -1), 0);
  for (int i = 0; i < 2; i++)
    {
      struct support_descriptors *descriptors = support_descriptors_list ();
      short int flags = POSIX_SPAWN_SETCGROUP
			| (i == 0 ? POSIX_SPAWN_AUTOREAP : 0);
      PID_T_TYPE child = -1;
      TEST_COMPARE (spawn_mode (&child, flags, NULL, &attr, "exit", "0"),
		    EINVAL);
      TEST_COMPARE (child, -1);
      support_descriptors_check (descriptors);
      support_descriptors_free (descriptors);
      wait_no_children ();
    }
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
}

/* posix_spawn with POSIX_SPAWN_AUTOREAP needs no free descriptor, as
   without the flag: with the descriptor table full it runs the child,
   and still reports a failed exec (it opens a pidfd for the child only
   then, to wait for it, and without one it cannot wait), also when the
   child cannot open one either (RLIMIT_NOFILE 0).  pidfd_spawn
   fails with EMFILE and creates no process, with or without the
   flag.  */
static void
do_test_emfile (void)
{
  printf ("info: full descriptor table\n");

  struct support_descriptors *descriptors = support_descriptors_list ();
  struct rlimit old;
  TEST_COMPARE (getrlimit (RLIMIT_NOFILE, &old), 0);
  int fds[256];
  int nfds = fill_descriptors (fds, array_length (fds),
			       old.rlim_cur < 256 ? old.rlim_cur : 256, &old);

  PID_T_TYPE child = -1;
#ifdef TST_SPAWN_PIDFD
  TEST_COMPARE (spawn_mode (&child, POSIX_SPAWN_AUTOREAP, NULL, NULL,
			    "exit", "0"), EMFILE);
  TEST_COMPARE (child, -1);
  TEST_COMPARE (spawn_mode (&child, 0, NULL, NULL, "exit", "0"), EMFILE);
  TEST_COMPARE (child, -1);
#else
  /* Checked once the table has room again (for /proc).  */
  pid_t autoreaped = xspawn_mode (POSIX_SPAWN_AUTOREAP, NULL, NULL,
				  "exit", "0");

  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  char *args[] = { (char *) "/nonexistent/tst-spawn-autoreap", NULL };
  child = -1;
  TEST_COMPARE (POSIX_SPAWN (&child, args[0], NULL, &attr, args, environ),
		ENOENT);
  TEST_COMPARE (child, -1);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);

  TEST_COMPARE (spawn_mode (&child, 0, NULL, NULL, "exit", "0"), 0);
  reap_ordinary (child, 0);

  /* With no descriptor allowed at all, the failing child cannot obtain
     a pidfd even after making room: posix_spawn still reports the
     failed exec, without waiting.  */
  struct rlimit none = old;
  none.rlim_cur = 0;
  TEST_COMPARE (setrlimit (RLIMIT_NOFILE, &none), 0);
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  child = -1;
  TEST_COMPARE (POSIX_SPAWN (&child, args[0], NULL, &attr, args, environ),
		ENOENT);
  TEST_COMPARE (child, -1);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
#endif

  unfill_descriptors (fds, nfds, &old);
#ifndef TST_SPAWN_PIDFD
  wait_released (autoreaped);
#endif
  wait_no_children ();
  support_descriptors_check (descriptors);
  support_descriptors_free (descriptors);
}

/* The autoreap property survives reparenting: a helper spawns an
   autoreaped grandchild and exits; the test, a subreaper, inherits the
   grandchild but never sees it in wait.  */
static void
do_test_reparent (void)
{
  printf ("info: reparenting to a subreaper\n");

  TEST_COMPARE (prctl (PR_SET_CHILD_SUBREAPER, 1), 0);

  int fds[2];
  TEST_COMPARE (pipe2 (fds, O_CLOEXEC), 0);
  pid_t helper = xfork ();
  if (helper == 0)
    {
      xclose (fds[0]);
      PID_T_TYPE grandchild = xspawn_mode (POSIX_SPAWN_AUTOREAP, NULL, NULL,
					   "pause", NULL);
      pid_t pid = child_pid (grandchild);
      xwrite (fds[1], &pid, sizeof (pid));
      _exit (0);
    }
  xclose (fds[1]);
  pid_t grandchild;
  xread (fds[0], &grandchild, sizeof (grandchild));
  xclose (fds[0]);
  TEST_VERIFY_EXIT (grandchild > 0);

  int status;
  TEST_COMPARE (xwaitpid (helper, &status, 0), helper);
  TEST_COMPARE (status, 0);

  /* The helper is gone, so the grandchild now belongs to us.  */
  pid_t ppid = 0;
  TEST_VERIFY (proc_state (grandchild, &ppid) != 0);
  TEST_COMPARE (ppid, getpid ());
  check_not_reported (grandchild);
  check_not_reported (-1);

  TEST_COMPARE (kill (grandchild, SIGKILL), 0);
  check_not_waitable (-1);
  wait_released (grandchild);
  wait_no_children ();

  TEST_COMPARE (prctl (PR_SET_CHILD_SUBREAPER, 0), 0);
}

/* The autoreap property is not inherited: the ordinary children of an
   autoreaped child are waited for as usual (see handle_fork_wait).  */
static void
do_test_no_inherit (void)
{
  printf ("info: no inheritance\n");

  PID_T_TYPE child;
  TEST_COMPARE_STRING (spawn_output (&child, POSIX_SPAWN_AUTOREAP, NULL,
				     NULL, "fork-wait", NULL),
		       "fork-wait: ok\n");

  wait_released (child_pid (child));
  close_child (child);
  wait_no_children ();
}

/* The other attributes and the file actions still take effect with
   POSIX_SPAWN_AUTOREAP.  The child prints what it sees (handle_report).  */
static void
do_test_combined (void)
{
  printf ("info: combined with other attributes\n");

  char *tmpdir = support_create_temp_directory ("tst-spawn-autoreap-");
  char *cwd = realpath (tmpdir, NULL);
  TEST_VERIFY_EXIT (cwd != NULL);

  /* SIGUSR2 is ignored in the parent; POSIX_SPAWN_SETSIGDEF resets it.  */
  struct sigaction sa = { .sa_handler = SIG_IGN }, oldsa;
  xsigaction (SIGUSR2, &sa, &oldsa);

  /* A descriptor without O_CLOEXEC, which closefrom closes.  */
  int extra = xopen ("/dev/null", O_RDONLY, 0);
  char extra_str[16];
  snprintf (extra_str, sizeof (extra_str), "%d", extra);

  pid_t sid = getsid (0);
  pid_t pgid = getpgid (0);

  /* POSIX_SPAWN_SETSCHEDULER can only change the policy to a real-time
     one, which needs privileges.  */
  int policy_set = geteuid () == 0 ? SCHED_RR : SCHED_OTHER;
  struct sched_param param = { 0 };
  if (policy_set != SCHED_OTHER)
    param.sched_priority = sched_get_priority_min (policy_set);

  for (int setsid = 1; setsid >= 0; setsid--)
    {
      posix_spawnattr_t attr;
      TEST_COMPARE (posix_spawnattr_init (&attr), 0);
      sigset_t set;
      sigemptyset (&set);
      sigaddset (&set, SIGUSR1);
      TEST_COMPARE (posix_spawnattr_setsigmask (&attr, &set), 0);
      sigemptyset (&set);
      sigaddset (&set, SIGUSR2);
      TEST_COMPARE (posix_spawnattr_setsigdefault (&attr, &set), 0);
      TEST_COMPARE (posix_spawnattr_setpgroup (&attr, 0), 0);
      TEST_COMPARE (posix_spawnattr_setschedpolicy (&attr, policy_set), 0);
      TEST_COMPARE (posix_spawnattr_setschedparam (&attr, &param), 0);
      short int flags = POSIX_SPAWN_AUTOREAP | POSIX_SPAWN_SETSIGMASK
			| POSIX_SPAWN_SETSIGDEF
			| (setsid ? POSIX_SPAWN_SETSID
			   : POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_USEVFORK
			     | POSIX_SPAWN_SETSCHEDULER);
      PID_T_TYPE child;
      char *report = spawn_output (&child, flags, &attr, tmpdir, "report",
				   extra_str);
      TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
      printf ("info: %s report: %s", setsid ? "setsid" : "setpgroup",
	      report);

      int cpid, csid, cpgid, usr1, usr2_dfl, extra_open, policy;
      char ccwd[PATH_MAX];
      TEST_COMPARE (sscanf (report,
			    "pid=%d sid=%d pgid=%d usr1=%d usr2_dfl=%d "
			    "extra=%d policy=%d cwd=%4095s", &cpid, &csid,
			    &cpgid, &usr1, &usr2_dfl, &extra_open, &policy,
			    ccwd), 8);
      pid_t pid = child_pid (child);
      if (pid > 0)
	TEST_COMPARE (cpid, pid);
      if (setsid)
	{
	  TEST_COMPARE (csid, cpid);
	  TEST_COMPARE (cpgid, cpid);
	}
      else
	{
	  TEST_COMPARE (csid, sid);
	  TEST_COMPARE (cpgid, cpid);
	  TEST_VERIFY (cpgid != pgid);
	}
      TEST_COMPARE (usr1, 1);
      TEST_COMPARE (usr2_dfl, 1);
      TEST_COMPARE (extra_open, 0);
      TEST_COMPARE (policy, setsid ? sched_getscheduler (0) : policy_set);
      TEST_COMPARE_STRING (ccwd, cwd);

      wait_released (cpid);
      check_not_waitable (-1);
      close_child (child);
    }

  wait_no_children ();
  xclose (extra);
  xsigaction (SIGUSR2, &oldsa, NULL);
  free (cwd);
  free (tmpdir);
}

/* POSIX_SPAWN_RESETIDS still takes effect with POSIX_SPAWN_AUTOREAP:
   with the effective user ID switched to nobody, the child gets back the
   real user ID as its effective one.  Runs in a subprocess, which changes
   its IDs (see do_test_resetids).  */
static void
do_test_resetids_subprocess (void *closure)
{
  uid_t uid = getuid ();
  const uid_t nobody = 65534;
  TEST_COMPARE (seteuid (nobody), 0);

  for (int resetids = 0; resetids <= 1; resetids++)
    {
      PID_T_TYPE child;
      char *report = spawn_output (&child, POSIX_SPAWN_AUTOREAP
				   | (resetids ? POSIX_SPAWN_RESETIDS : 0),
				   NULL, NULL, "ids", NULL);
      printf ("info: %s: %s", resetids ? "RESETIDS" : "no RESETIDS", report);

      int euid = -1;
      TEST_COMPARE (sscanf (report, "euid=%d", &euid), 1);
      TEST_COMPARE (euid, resetids ? uid : nobody);
      wait_released (child_pid (child));
      close_child (child);
    }
  check_not_waitable (-1);
  wait_no_children ();
}

static void
do_test_resetids (void)
{
  printf ("info: combined with POSIX_SPAWN_RESETIDS\n");
  if (getuid () != 0)
    {
      /* Without privileges the effective user ID can not differ from the
	 real one, so there is nothing to reset.  */
      printf ("info: not root, RESETIDS only checked not to fail\n");
      PID_T_TYPE child = xspawn_mode (POSIX_SPAWN_AUTOREAP
				      | POSIX_SPAWN_RESETIDS, NULL, NULL,
				      "exit", "0");
      wait_released (child_pid (child));
      close_child (child);
      return;
    }
  support_isolate_in_subprocess (do_test_resetids_subprocess, NULL);
}

/* The number of calls of sigchld_handler, and the pid of the last one.  */
static volatile sig_atomic_t sigchld_calls;
static volatile sig_atomic_t sigchld_pid;

static void
sigchld_handler (int sig, siginfo_t *si, void *ctx)
{
  sigchld_pid = si->si_pid;
  sigchld_calls = sigchld_calls + 1;
}

/* A SIGCHLD handler installed by the program is never called for an
   autoreaped child, and is called for each ordinary one.  */
static void
do_test_sigchld_handler (void)
{
  printf ("info: SIGCHLD handler\n");

  struct sigaction sa = { .sa_sigaction = sigchld_handler,
			  .sa_flags = SA_SIGINFO | SA_RESTART }, oldsa;
  sigemptyset (&sa.sa_mask);
  xsigaction (SIGCHLD, &sa, &oldsa);
  sigset_t chld, oldset;
  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  xpthread_sigmask (SIG_UNBLOCK, &chld, &oldset);

  enum { rounds = 5 };
  for (int i = 0; i < rounds; i++)
    {
      /* SIGCHLD is unblocked: a signal for the autoreaped child would be
	 handled before the child is released.  */
      PID_T_TYPE child = xspawn_mode (POSIX_SPAWN_AUTOREAP, NULL, NULL,
				      "exit", "0");
      wait_released (child_pid (child));
      close_child (child);
      TEST_COMPARE (sigchld_calls, i);

      /* Block SIGCHLD until sigsuspend, so that the call is not lost.  */
      xpthread_sigmask (SIG_BLOCK, &chld, NULL);
      child = xspawn_mode (0, NULL, NULL, "exit", "0");
      pid_t pid = child_pid (child);
      sigset_t wait_mask;
      xpthread_sigmask (SIG_BLOCK, NULL, &wait_mask);
      sigdelset (&wait_mask, SIGCHLD);
      while (sigchld_calls == i)
	sigsuspend (&wait_mask);
      xpthread_sigmask (SIG_UNBLOCK, &chld, NULL);
      TEST_COMPARE (sigchld_calls, i + 1);
      TEST_COMPARE (sigchld_pid, pid);
      reap_ordinary (child, 0);
    }

  xpthread_sigmask (SIG_SETMASK, &oldset, NULL);
  xsigaction (SIGCHLD, &oldsa, NULL);
  wait_no_children ();
}

#ifndef CGROUP2_SUPER_MAGIC
# define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* Return the cgroup v2 path of process PID, or NULL if it has none.  */
static char *
get_cgroup (pid_t pid)
{
  char path[64];
  snprintf (path, sizeof (path), "/proc/%d/cgroup", (int) pid);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return NULL;
  char *cgroup = NULL;
  char *line = NULL;
  size_t linesiz = 0;
  while (xgetline (&line, &linesiz, f) > 0)
    if (strncmp (line, "0::", 3) == 0)
      {
	line[strcspn (line, "\n")] = '\0';
	cgroup = xstrdup (line + 3);
	break;
      }
  xfclose (f);
  free (line);
  return cgroup;
}

/* POSIX_SPAWN_SETCGROUP still takes effect with POSIX_SPAWN_AUTOREAP.
   Needs a writable cgroup v2 hierarchy, so it comes last.  */
static void
do_test_cgroup (void)
{
  printf ("info: combined with POSIX_SPAWN_SETCGROUP\n");

  struct statfs fs;
  if (statfs ("/sys/fs/cgroup", &fs) != 0
      || fs.f_type != CGROUP2_SUPER_MAGIC)
    FAIL_UNSUPPORTED ("no cgroup v2 hierarchy at /sys/fs/cgroup");
  char *cgroup = get_cgroup (getpid ());
  if (cgroup == NULL)
    FAIL_UNSUPPORTED ("the process is in no cgroup v2 group");
  char *newcgroup = xasprintf ("%s%stst-spawn-autoreap-%d", cgroup,
			       strcmp (cgroup, "/") == 0 ? "" : "/",
			       (int) getpid ());
  char *cgpath = xasprintf ("/sys/fs/cgroup%s", newcgroup);
  if (mkdir (cgpath, 0755) != 0)
    {
      if (errno == EACCES || errno == EPERM || errno == EROFS)
	FAIL_UNSUPPORTED ("can not create a cgroup v2 group: %m");
      FAIL_EXIT1 ("mkdir (%s): %m", cgpath);
    }
  add_temp_file (cgpath);
  int cgfd = xopen (cgpath, O_DIRECTORY | O_RDONLY | O_CLOEXEC, 0);

  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setcgroup_np (&attr, cgfd), 0);
  PID_T_TYPE child = xspawn_mode (POSIX_SPAWN_AUTOREAP
				  | POSIX_SPAWN_SETCGROUP, NULL, &attr,
				  "pause", NULL);
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  pid_t pid = child_pid (child);
  TEST_VERIFY_EXIT (pid > 0);

  char *childcgroup = get_cgroup (pid);
  TEST_VERIFY (childcgroup != NULL);
  if (childcgroup != NULL)
    TEST_COMPARE_STRING (childcgroup, newcgroup);
  check_not_reported (pid);

  TEST_COMPARE (kill (pid, SIGKILL), 0);
  wait_released (pid);
  close_child (child);
  wait_no_children ();
  xclose (cgfd);

  /* The cgroup of a child that failed to exec can be removed when
     posix_spawn returns, at once, every time.  */
  printf ("info: %d failed execs into a cgroup, each removable on return\n",
	  exec_failures);
  TEST_COMPARE (rmdir (cgpath), 0);
  char *args[] = { (char *) "/nonexistent/tst-spawn-autoreap", NULL };
  for (int i = 0; i < exec_failures; i++)
    {
      xmkdir (cgpath, 0755);
      cgfd = xopen (cgpath, O_DIRECTORY | O_RDONLY | O_CLOEXEC, 0);
      TEST_COMPARE (posix_spawnattr_init (&attr), 0);
      TEST_COMPARE (posix_spawnattr_setcgroup_np (&attr, cgfd), 0);
      TEST_COMPARE (posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP
						     | POSIX_SPAWN_SETCGROUP),
		    0);
      PID_T_TYPE failed = -1;
      TEST_COMPARE (POSIX_SPAWN (&failed, args[0], NULL, &attr, args,
				 environ), ENOENT);
      TEST_COMPARE (failed, -1);
      TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
      xclose (cgfd);
      if (rmdir (cgpath) != 0)
	FAIL_EXIT1 ("failed exec %d: rmdir (%s) right after posix_spawn:"
		    " %m", i, cgpath);
    }
  /* add_temp_file removes it once more at exit.  */
  xmkdir (cgpath, 0755);
  wait_no_children ();

  free (childcgroup);
  free (cgpath);
  free (newcgroup);
  free (cgroup);
}

/* Re-executed child: fork an ordinary child and wait for it, and report
   the result on standard output.  */
static int
handle_fork_wait (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    _exit (7);
  int status;
  if (pid < 0)
    printf ("fork-wait: fork: %m\n");
  else if (waitpid (pid, &status, 0) != pid)
    printf ("fork-wait: waitpid: %m\n");
  else if (!WIFEXITED (status) || WEXITSTATUS (status) != 7)
    printf ("fork-wait: status %#x\n", status);
  else
    printf ("fork-wait: ok\n");
  return 0;
}

/* Re-executed child: report the process attributes on standard output.
   EXTRA is a descriptor which is expected to be closed.  */
static int
handle_report (const char *extra)
{
  sigset_t set;
  sigprocmask (SIG_BLOCK, NULL, &set);
  struct sigaction sa;
  sigaction (SIGUSR2, NULL, &sa);
  char *cwd = getcwd (NULL, 0);
  printf ("pid=%d sid=%d pgid=%d usr1=%d usr2_dfl=%d extra=%d policy=%d "
	  "cwd=%s\n",
	  (int) getpid (), (int) getsid (0), (int) getpgid (0),
	  sigismember (&set, SIGUSR1), sa.sa_handler == SIG_DFL,
	  fcntl (atoi (extra), F_GETFD) != -1, sched_getscheduler (0), cwd);
  free (cwd);
  return 0;
}

static int
handle_restart (int argc, char *argv[])
{
  TEST_VERIFY_EXIT (argc >= 1);
  if (strcmp (argv[0], "exit") == 0 && argc == 2)
    _exit (atoi (argv[1]));
  if (strcmp (argv[0], "pause") == 0)
    for (;;)
      pause ();
  if (strcmp (argv[0], "fork-wait") == 0)
    return handle_fork_wait ();
  if (strcmp (argv[0], "report") == 0 && argc == 2)
    return handle_report (argv[1]);
  if (strcmp (argv[0], "ids") == 0)
    {
      printf ("euid=%d\n", (int) geteuid ());
      return 0;
    }
  FAIL_EXIT1 ("unknown mode: %s", argv[0]);
}

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: the mode and its argument.  */
  if (restart)
    return handle_restart (argc - 1, &argv[1]);

  set_restart_argv (argc, argv);
  require_autoreap ();

  do_test_status ("exit", "0", W_EXITCODE (0, 0));
  do_test_status ("exit", "42", W_EXITCODE (42, 0));
  do_test_status ("pause", NULL, SIGKILL);

  do_test_mixed ();
  do_test_sigchld ();
  do_test_exec_failure ();
  do_test_exec_failure_release (exec_failures / 3, true, false);
  do_test_exec_failure_release (exec_failures / 3, true, true);
  do_test_exec_failure_release (exec_failures, false, false);
  do_test_einval ();
  do_test_emfile ();
  do_test_reparent ();
  do_test_no_inherit ();
  do_test_combined ();
  do_test_resetids ();
  do_test_sigchld_handler ();
  do_test_cgroup ();

  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
