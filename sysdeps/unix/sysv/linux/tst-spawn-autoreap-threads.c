/* Stress test for POSIX_SPAWN_AUTOREAP with threads and a waiting thread.
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

/* Eight threads start autoreaped children while another thread starts
   ordinary children and yet another loops on waitpid (-1).  No wait may
   return an autoreaped child, each ordinary child is collected exactly
   once with its status, and in the end no child, descriptor or mapping
   is left.  The test is linked statically so that the many children,
   which are this program re-executed, start fast.  It is an xtest
   because of its 10,000 processes.  */

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <support/check.h>
#include <support/descriptors.h>
#include <support/xstdio.h>
#include <support/xthread.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap.h>
#include <tst-spawn-autoreap-state.h>

/* Nonzero if the program gets called via `exec'.  */
static int restart;

#define CMDLINE_OPTIONS \
  { "restart", no_argument, &restart, 1 },

/* 10,000 autoreaped children in all, from 8 threads at once.  */
enum
{
  spawning_threads = 8,
  children_per_thread = 1250,
  ordinary_children = 100,
};

/* The ordinary children, with their exit status (index + 1).  */
static pid_t ordinary[ordinary_children];
static pthread_mutex_t ordinary_lock = PTHREAD_MUTEX_INITIALIZER;
static int ordinary_started;

static void *
spawn_autoreaped (void *closure)
{
  int count = *(int *) closure;
  posix_spawnattr_t attr;
  TEST_COMPARE (posix_spawnattr_init (&attr), 0);
  TEST_COMPARE (posix_spawnattr_setautoreap (&attr, 1), 0);
  for (int i = 0; i < count; i++)
    {
      pid_t pid;
      int r = posix_spawn (&pid, restart_argv[0], NULL, &attr, restart_argv,
			   environ);
      if (r != 0)
	FAIL_EXIT1 ("posix_spawn (autoreap): %s", strerror (r));
    }
  TEST_COMPARE (posix_spawnattr_destroy (&attr), 0);
  return NULL;
}

static void *
spawn_ordinary (void *closure)
{
  for (int i = 0; i < ordinary_children; i++)
    {
      char status[16];
      snprintf (status, sizeof (status), "%d", i + 1);
      char *argv[restart_argc + 3];
      make_restart_args (argv, status, NULL);

      /* The lock makes the pid known before the waiter can see it.  */
      xpthread_mutex_lock (&ordinary_lock);
      int r = posix_spawn (&ordinary[i], argv[0], NULL, NULL, argv, environ);
      if (r != 0)
	FAIL_EXIT1 ("posix_spawn: %s", strerror (r));
      ordinary_started = i + 1;
      xpthread_mutex_unlock (&ordinary_lock);
    }
  return NULL;
}

static void *
waiter (void *closure)
{
  bool collected[ordinary_children] = { false };
  for (int n = 0; n < ordinary_children; n++)
    {
      int status;
      pid_t pid = waitpid (-1, &status, 0);
      if (pid == -1 && errno == ECHILD)
	{
	  /* No child at this instant: the ordinary ones are still to
	     come.  */
	  sleep_ms (1);
	  n--;
	  continue;
	}
      TEST_VERIFY_EXIT (pid > 0);
      xpthread_mutex_lock (&ordinary_lock);
      int i;
      for (i = 0; i < ordinary_started; i++)
	if (ordinary[i] == pid)
	  break;
      xpthread_mutex_unlock (&ordinary_lock);
      if (i == ordinary_started)
	FAIL_EXIT1 ("waitpid returned %d, not an ordinary child", (int) pid);
      TEST_VERIFY (!collected[i]);
      collected[i] = true;
      TEST_VERIFY (WIFEXITED (status));
      TEST_COMPARE (WEXITSTATUS (status), i + 1);
    }
  return NULL;
}

/* Start the waiter, the ordinary spawner and the threads which spawn
   COUNT autoreaped children each, and wait for them all.  */
static void
run (int count)
{
  /* Small stacks, so that glibc caches all of them after the first
     round and the mappings are the same after each round.  */
  pthread_attr_t attr;
  xpthread_attr_init (&attr);
  xpthread_attr_setstacksize (&attr, 256 * 1024);
  pthread_t t[spawning_threads + 2];
  int n = 0;
  ordinary_started = 0;
  t[n++] = xpthread_create (&attr, waiter, NULL);
  t[n++] = xpthread_create (&attr, spawn_ordinary, NULL);
  for (int i = 0; i < spawning_threads; i++)
    t[n++] = xpthread_create (&attr, spawn_autoreaped, &count);
  xpthread_attr_destroy (&attr);
  for (int i = 0; i < n; i++)
    xpthread_join (t[i]);

  /* Nothing is left to wait for, and the autoreaped children go away.  */
  errno = 0;
  TEST_COMPARE (waitpid (-1, NULL, 0), -1);
  TEST_COMPARE (errno, ECHILD);
  wait_no_children ();
}

static int
do_test (int argc, char *argv[])
{
  if (restart)
    return argc > 1 ? atoi (argv[1]) : 0;

  set_restart_argv (argc, argv);
  require_autoreap ();

  /* A first small round with the same threads, so that the thread stacks
     glibc caches and the like are in place before the descriptors and
     mapped bytes are counted.  */
  printf ("info: %d threads x %d autoreaped children, %d ordinary ones\n",
	  spawning_threads, children_per_thread, ordinary_children);
  run (2);
  struct support_descriptors *descriptors = support_descriptors_list ();
  unsigned long int mapped = mapped_bytes ();

  run (children_per_thread);

  support_descriptors_check (descriptors);
  support_descriptors_free (descriptors);
  TEST_COMPARE (mapped_bytes (), mapped);
  return 0;
}

/* Ten thousand processes take several minutes under emulation.  */
#define TIMEOUT 300
#define TEST_FUNCTION_ARGV do_test
#include <support/test-driver.c>
