/* Tests that posix_spawn keeps the helper's stack for the next call.
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

#include <array_length.h>
#include <errno.h>
#include <paths.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <support/check.h>
#include <support/support.h>
#include <support/xspawn.h>
#include <support/xthread.h>
#include <support/xunistd.h>
#include <tst-spawn-autoreap-state.h>

/* The size of the stacks that posix_spawn keeps (SPAWN_STACK_CACHE_SIZE
   in spawni.c).  */
#define STACK_SIZE (64 * 1024)

static char *exit_argv[] =
  { (char *) "sh", (char *) "-c", (char *) "exit 0", NULL };
static char *empty_envp[] = { NULL };

/* Start the shell with ARGV and check that it exits with status 0.  */
static void
spawn_and_wait (char **argv)
{
  pid_t pid = xposix_spawn (_PATH_BSHELL, NULL, NULL, argv, empty_envp);
  int status;
  xwaitpid (pid, &status, 0);
  TEST_VERIFY (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

static pthread_barrier_t barrier;

/* Wait until all threads run, so that each has a stack of its own.  */
static void *
idle_thread (void *closure)
{
  xpthread_barrier_wait (&barrier);
  return NULL;
}

static void *
spawn_thread (void *closure)
{
  xpthread_barrier_wait (&barrier);
  for (int i = 0; i < 10; i++)
    spawn_and_wait (exit_argv);
  return NULL;
}

/* Run FN in 4 threads at once.  */
static void
run_threads (void *(*fn) (void *))
{
  pthread_t threads[4];
  xpthread_barrier_init (&barrier, NULL, array_length (threads));
  for (int i = 0; i < array_length (threads); i++)
    threads[i] = xpthread_create (NULL, fn, NULL);
  for (int i = 0; i < array_length (threads); i++)
    xpthread_join (threads[i]);
  xpthread_barrier_destroy (&barrier);
}

static int
do_test (void)
{
  bool exec_stack = false;
  unsigned long int bytes = mapped_bytes_exec_stack (&exec_stack);
  if (getpagesize () > STACK_SIZE)
    FAIL_UNSUPPORTED ("page size %d: posix_spawn keeps no stack",
		      getpagesize ());
  if (exec_stack)
    FAIL_UNSUPPORTED ("executable stack: posix_spawn keeps no stack");

  /* The first spawn leaves its stack behind, for the next one.  */
  spawn_and_wait (exit_argv);
  TEST_COMPARE (mapped_bytes (), bytes + STACK_SIZE);

  /* The next ones use it: they map nothing more and leave nothing.  */
  bytes = mapped_bytes ();
  for (int i = 0; i < 50; i++)
    spawn_and_wait (exit_argv);
  TEST_COMPARE (mapped_bytes (), bytes);

  /* Nor does a spawn whose program cannot be executed: it gives the
     stack back, so that the next spawn does not map one.  */
  pid_t pid;
  char *missing_argv[] = { (char *) "missing", NULL };
  TEST_COMPARE (posix_spawn (&pid, "/nonexistent/program", NULL, NULL,
			     missing_argv, empty_envp), ENOENT);
  spawn_and_wait (exit_argv);
  TEST_COMPARE (mapped_bytes (), bytes);

  /* An argument vector too large for the kept stack gets a stack of its
     own, which is unmapped afterwards, and the kept one stays.  */
  enum { big = 8 * 1024 };
  char **big_argv = xcalloc (big + 4, sizeof (char *));
  memcpy (big_argv, exit_argv, 3 * sizeof (char *));
  for (int i = 3; i < big + 3; i++)
    big_argv[i] = (char *) "x";
  spawn_and_wait (big_argv);
  free (big_argv);
  spawn_and_wait (exit_argv);
  TEST_COMPARE (mapped_bytes (), bytes);

  /* Spawns from 4 threads at once: a spawn that finds the kept stack
     taken maps one of its own, and every stack but one is unmapped
     afterwards.  The threads' own stacks are those of 4 idle threads
     before them, which glibc keeps for reuse.  */
  run_threads (idle_thread);
  bytes = mapped_bytes ();
  run_threads (spawn_thread);
  TEST_COMPARE (mapped_bytes (), bytes);

  /* A child of fork inherits the kept stack and uses it.  */
  pid = xfork ();
  if (pid == 0)
    {
      TEST_COMPARE (mapped_bytes (), bytes);
      spawn_and_wait (exit_argv);
      TEST_COMPARE (mapped_bytes (), bytes);
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  TEST_COMPARE (status, 0);

  return 0;
}

#include <support/test-driver.c>
