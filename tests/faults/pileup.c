/* Whether children started as fast as 4 threads can start them pile up
   in exit the same way automatically reaped or not: the measurement
   behind docs/faults.md's "Why the soak bounds its children", run by
   hand in the VM (tests/faults/run does not).  4 threads start COUNT
   children of CHILD (tests/bench/child.c) with no bound, with
   POSIX_SPAWN_AUTOREAP or (MODE "wait") without, while a fifth thread
   reaps the latter, blocked in waitpid (-1) (for the former there is
   no such thread); every tenth it prints the time, the number of tasks
   in the system (/proc/loadavg) and the children reaped, and at the end
   the rate of the starts and the time until the system is back to at
   most 2 tasks more than at the start (the VM's own come and go).

   Build and run it (as tests/faults/run does the soak):
     tests/build/cc -O2 -Wall -o build/exp/pileup tests/faults/pileup.c \
       tests/bench/proc.c -lpthread
     tests/vm/run-in-vm --kernel build/kernel/bzImage -- sh -c \
       'cp build/faults/soak-child /tmp/c && build/exp/pileup /tmp/c 20000 wait'

   usage: pileup CHILD COUNT autoreap|wait  */

#include "../bench/bench.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *child_argv[2];
static long count;
static atomic_long started, reaped;
static posix_spawnattr_t attr;
static double t0;

static void *
spawner (void *arg)
{
  long i;
  while ((i = atomic_fetch_add (&started, 1)) < count)
    {
      pid_t pid;
      int ec = posix_spawn (&pid, child_argv[0], NULL, &attr, child_argv,
			    environ);
      if (ec != 0)
	die ("posix_spawn: %s", strerror (ec));
      if ((i + 1) % (count / 10) == 0)
	printf ("%ld started in %.1f s, %d tasks, %ld reaped\n", i + 1,
		now () - t0, count_tasks (), (long) reaped);
    }
  return NULL;
}

static void *
reaper (void *arg)
{
  for (;;)
    if (waitpid (-1, NULL, 0) > 0)
      reaped++;
    else if (errno == ECHILD)
      usleep (1000);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 4 || (count = atol (argv[2])) < 10 || count % 10 != 0
      || (strcmp (argv[3], "autoreap") != 0 && strcmp (argv[3], "wait") != 0))
    {
      fputs ("usage: pileup CHILD COUNT autoreap|wait (COUNT a multiple"
	     " of 10)\n", stderr);
      return 2;
    }
  child_argv[0] = argv[1];
  bool autoreap = strcmp (argv[3], "autoreap") == 0;
  if (posix_spawnattr_init (&attr) != 0
      || (autoreap
	  && posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP) != 0))
    die ("cannot set POSIX_SPAWN_AUTOREAP");
  int tasks0 = count_tasks ();
  t0 = now ();
  pthread_t w, t[4];
  /* The reaper stays.  */
  if (!autoreap)
    {
      if (pthread_create (&w, NULL, reaper, NULL) != 0)
	return 2;
      tasks0++;
    }
  for (int i = 0; i < 4; i++)
    if (pthread_create (&t[i], NULL, spawner, NULL) != 0)
      return 2;
  for (int i = 0; i < 4; i++)
    pthread_join (t[i], NULL);
  double t_started = now () - t0;
  int tasks_then = count_tasks ();
  while (count_tasks () > tasks0 + 2)
    {
      if (now () - t0 > t_started + 600)
	{
	  fputs ("pileup: the tasks are not back after 600 s\n", stderr);
	  return 1;
	}
      usleep (10000);
    }
  double t_gone = now () - t0;
  printf ("%s: %ld started in %.1f s (%.0f/s), %d tasks then; back to"
	  " %d tasks at %.1f s (%.0f/s over all); %ld reaped by waitpid\n",
	  argv[3], count, t_started, count / t_started, tasks_then, tasks0,
	  t_gone, count / t_gone, (long) reaped);
  return 0;
}
