/* Test when POSIX_SPAWN_NO_NEW_PRIVS takes effect.  Linux version.
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

/* With CLONE_NNP (Linux 7.1 and later) the kernel sets no_new_privs
   when it creates the child, before the file actions run; without it
   (older kernels, or clone3 failing) the child sets it with prctl after
   them, just before the exec.  The file action here opens a FIFO for
   writing as the child's standard output, which blocks the child until
   a second thread of the test opens the FIFO for reading; meanwhile
   that thread reads the child's NoNewPrivs from /proc.  The program the
   child executes then reports its own on the FIFO.  */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <support/check.h>
#include <support/namespace.h>
#include <support/support.h>
#include <support/temp_file.h>
#include <support/xthread.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-spawn.h>
#include <tst-spawn-autoreap-state.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* The FIFO that the child opens as its standard output.  */
static char *fifo;

/* For one child: SPAWNED is set by the spawning thread when the spawn
   function has returned; the observing thread stores the child's
   NoNewPrivs while it waits in the open (or -1) in IN_OPEN, and what
   the program it executes writes on the FIFO in REPORT.  */
struct observation
{
  int spawned;
  int in_open;
  char report[64];
};

/* Return true if the kernel supports CLONE_NNP, asking it with a
   fork-like clone3 call whose child checks its no_new_privs.  */
static bool
kernel_has_nnp (void)
{
#ifdef __NR_clone3
  struct clone_args args = { .flags = CLONE_NNP, .exit_signal = SIGCHLD };
  long int pid = syscall (__NR_clone3, &args, sizeof (args));
  if (pid == 0)
    _exit (prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
  if (pid > 0)
    {
      int status;
      TEST_COMPARE (xwaitpid (pid, &status, 0), pid);
      TEST_COMPARE (status, 0);
      return true;
    }
  if (errno != EINVAL && errno != ENOSYS && errno != EPERM)
    FAIL_EXIT1 ("clone3 (CLONE_NNP): %m");
#endif
  return false;
}

/* Return the NoNewPrivs value of process PID, or -1.  */
static int
proc_no_new_privs (pid_t pid)
{
  char *path = xasprintf ("/proc/%d/status", (int) pid);
  FILE *f = fopen (path, "re");
  free (path);
  int value = -1;
  char line[256];
  while (f != NULL && fgets (line, sizeof (line), f) != NULL)
    if (sscanf (line, "NoNewPrivs: %d", &value) == 1)
      break;
  if (f != NULL)
    fclose (f);
  return value;
}

/* Return the child of this process once it sleeps, which it does only
   in the open of the FIFO, or -1 if the spawn function returns first or
   the child does not get there in time.  The child is found by its
   parent in /proc/PID/stat: /proc/PID/task/TID/children, the children
   of the spawning thread, needs CONFIG_PROC_CHILDREN.  */
static pid_t
find_waiting_child (struct observation *obs)
{
  struct timespec deadline = release_deadline ();
  while (!deadline_passed (deadline))
    {
      if (__atomic_load_n (&obs->spawned, __ATOMIC_ACQUIRE))
	{
	  FAIL ("the spawn returned before the child opened the FIFO");
	  return -1;
	}
      DIR *dir = opendir ("/proc");
      TEST_VERIFY (dir != NULL);
      if (dir == NULL)
	return -1;
      pid_t child = -1;
      char state = 0;
      struct dirent64 *e;
      while (child < 0 && (e = readdir64 (dir)) != NULL)
	{
	  pid_t pid = atoi (e->d_name), ppid = 0;
	  if (pid > 0 && (state = proc_state (pid, &ppid)) != 0
	      && ppid == getpid ())
	    child = pid;
	}
      closedir (dir);
      if (child > 0 && state == 'S')
	return child;
      sleep_ms (1);
    }
  FAIL ("no child waits in the open of the FIFO");
  return -1;
}

/* The observing thread: read the NoNewPrivs of the child waiting in
   the open, then open the FIFO to let it go on, and read its report.
   If there is no such child, open the FIFO without waiting for one,
   which lets a late child go on as well.  */
static void *
observe (void *closure)
{
  struct observation *obs = closure;
  pid_t child = find_waiting_child (obs);
  if (child > 0)
    obs->in_open = proc_no_new_privs (child);
  int fd = open (fifo, O_RDONLY | O_CLOEXEC | (child > 0 ? 0 : O_NONBLOCK));
  if (fd < 0)
    {
      FAIL ("open (\"%s\"): %m", fifo);
      return NULL;
    }
  size_t total = 0;
  ssize_t n;
  while (child > 0 && total < sizeof (obs->report) - 1
	 && (n = read (fd, obs->report + total,
		       sizeof (obs->report) - 1 - total)) > 0)
    total += n;
  xclose (fd);
  return NULL;
}

/* Spawn the test program with FLAGS and check its no_new_privs while it
   waits in the open file action (IN_OPEN) and when it executes the
   program (set with the flag).  */
static void
check_spawn (short int flags, int in_open)
{
  struct observation obs = { .in_open = -1 };
  pthread_t thr = xpthread_create (NULL, observe, &obs);
  posix_spawn_file_actions_t fa;
  TEST_COMPARE (posix_spawn_file_actions_init (&fa), 0);
  TEST_COMPARE (posix_spawn_file_actions_addopen (&fa, STDOUT_FILENO, fifo,
						  O_WRONLY, 0), 0);
  pid_t pid;
  int r = spawn_restart (&pid, flags, &fa, NULL, "report", NULL);
  __atomic_store_n (&obs.spawned, 1, __ATOMIC_RELEASE);
  xpthread_join (thr);
  TEST_COMPARE (posix_spawn_file_actions_destroy (&fa), 0);
  if (r != 0)
    FAIL_EXIT1 ("posix_spawn: %s", strerror (r));
  reap_ordinary (pid, 0);

  int at_exec = -1;
  TEST_COMPARE (sscanf (obs.report, "nnp=%d", &at_exec), 1);
  printf ("info: flags %#x: no_new_privs %d in the open, %d at exec\n",
	  flags, obs.in_open, at_exec);
  TEST_COMPARE (obs.in_open, in_open);
  TEST_COMPARE (at_exec, (flags & POSIX_SPAWN_NO_NEW_PRIVS) != 0);
}

#ifdef __NR_clone3
/* With clone3 failing, posix_spawn uses clone, without CLONE_NNP: the
   child sets no_new_privs after the file actions.  */
static void
do_test_noclone3 (void *closure)
{
  /* Without CAP_SYS_ADMIN the filter needs no_new_privs, which the
     children would inherit.  */
  if (fail_clone3 (ENOSYS))
    {
      printf ("info: no CAP_SYS_ADMIN: the seccomp filter set"
	      " no_new_privs, the case without clone3 is not checked\n");
      return;
    }
  printf ("info: clone3 fails with ENOSYS\n");
  check_spawn (0, 0);
  check_spawn (POSIX_SPAWN_NO_NEW_PRIVS, 0);
}
#endif

static int
do_test (int argc, char *argv[])
{
  /* Called through re-execution: report.  */
  if (restart)
    {
      printf ("nnp=%d\n", read_no_new_privs ());
      return 0;
    }

  set_restart_argv (argc, argv);
  if (read_no_new_privs () != 0)
    FAIL_UNSUPPORTED ("the test already runs with no_new_privs");
  bool clone_nnp = SPAWN_USES_CLONE3 && kernel_has_nnp ();
  printf ("info: CLONE_NNP %s\n", clone_nnp ? "used" : "not used");

  char *dir = support_create_temp_directory ("tst-spawn-nnp-timing-");
  fifo = xasprintf ("%s/fifo", dir);
  TEST_COMPARE (mkfifo (fifo, 0600), 0);
  add_temp_file (fifo);

  check_spawn (0, 0);
  check_spawn (POSIX_SPAWN_NO_NEW_PRIVS, clone_nnp);
#ifdef __NR_clone3
  isolate_in_subprocess (do_test_noclone3, NULL);
#endif
  TEST_COMPARE (read_no_new_privs (), 0);
  wait_no_children ();
  free (fifo);
  free (dir);
  return 0;
}

#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
