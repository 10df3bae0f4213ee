/* Tests that posix_spawn keeps the helper's stack for the next call.
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
#include <support/xstdio.h>
#include <support/xthread.h>
#include <support/xunistd.h>

/* The size of the stacks that posix_spawn keeps (SPAWN_STACK_CACHE_SIZE
   in spawni.c).  */
#define STACK_SIZE (64 * 1024)

/* Return the number of lines of /proc/self/maps, or with STACKS only
   those of anonymous, private, writable mappings of STACK_SIZE bytes.  */
static int
count_mappings (bool stacks)
{
  FILE *f = xfopen ("/proc/self/maps", "r");
  char *line = NULL;
  size_t size = 0;
  int count = 0;
  while (xgetline (&line, &size, f) > 0)
    {
      unsigned long int start, end;
      char perms[5];
      int name = 0;
      if (!stacks)
	count++;
      else if (sscanf (line, "%lx-%lx %4s %*s %*s %*s%n", &start, &end,
		       perms, &name) == 3
	       && name > 0
	       && end - start == STACK_SIZE
	       && strcmp (perms, "rw-p") == 0
	       && line[name + strspn (line + name, " \n")] == '\0')
	count++;
    }
  free (line);
  xfclose (f);
  return count;
}

static char *exit_argv[] =
  { (char *) "sh", (char *) "-c", (char *) "exit 0", NULL };

/* Start the shell with ARGV and check that it exits with status 0.  */
static void
spawn_and_wait (char **argv)
{
  pid_t pid = xposix_spawn (_PATH_BSHELL, NULL, NULL, argv, NULL);
  int status;
  xwaitpid (pid, &status, 0);
  TEST_VERIFY (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

static void *
spawn_thread (void *closure)
{
  for (int i = 0; i < 20; i++)
    spawn_and_wait (exit_argv);
  return NULL;
}

static int
do_test (void)
{
  if (getpagesize () > STACK_SIZE)
    FAIL_UNSUPPORTED ("page size %d: posix_spawn keeps no stack",
		      getpagesize ());

  /* The first spawn leaves its stack behind, for the next one.  */
  int stacks = count_mappings (true);
  spawn_and_wait (exit_argv);
  TEST_COMPARE (count_mappings (true), stacks + 1);

  /* The next ones use it: they add no mapping and leave none.  */
  int mappings = count_mappings (false);
  for (int i = 0; i < 100; i++)
    spawn_and_wait (exit_argv);
  TEST_COMPARE (count_mappings (false), mappings);

  /* Nor does a spawn whose program cannot be executed.  */
  pid_t pid;
  char *missing_argv[] = { (char *) "missing", NULL };
  TEST_COMPARE (posix_spawn (&pid, "/nonexistent/program", NULL, NULL,
			     missing_argv, NULL), ENOENT);
  TEST_COMPARE (count_mappings (false), mappings);

  /* An argument vector too large for the kept stack gets a stack of its
     own, which is unmapped afterwards.  */
  enum { big = 16 * 1024 };
  char **big_argv = xcalloc (big + 4, sizeof (char *));
  memcpy (big_argv, exit_argv, 3 * sizeof (char *));
  for (int i = 3; i < big + 3; i++)
    big_argv[i] = (char *) "x";
  spawn_and_wait (big_argv);
  free (big_argv);
  TEST_COMPARE (count_mappings (false), mappings);

  /* Spawns from several threads at once: each maps a stack when the
     kept one is taken, and all but one are unmapped afterwards (or
     fewer stacks are seen, if the kernel merged two of them).  */
  pthread_t threads[4];
  for (int i = 0; i < 4; i++)
    threads[i] = xpthread_create (NULL, spawn_thread, NULL);
  for (int i = 0; i < 4; i++)
    xpthread_join (threads[i]);
  TEST_VERIFY (count_mappings (true) <= stacks + 1);

  /* A child of fork inherits the kept stack and can use it.  */
  stacks = count_mappings (true);
  pid = xfork ();
  if (pid == 0)
    {
      spawn_and_wait (exit_argv);
      TEST_COMPARE (count_mappings (true), stacks);
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  TEST_COMPARE (status, 0);

  return 0;
}

#include <support/test-driver.c>
