/* The soak of "make check-faults" (tests/faults/run), in the VM on the
   project's Linux 7.2: COUNT children (1,000,000) started with
   POSIX_SPAWN_AUTOREAP by THREADS threads (4), the program CHILD
   (tests/bench/child.c, which exits at once), the even-numbered threads
   with posix_spawn and the odd-numbered ones with pidfd_spawn.  Each thread keeps at most
   WINDOW (16) of its children alive: it holds a pidfd for each (pidfd_open
   after posix_spawn) and, with WINDOW alive, waits for one of them to
   poll readable, as a caller that starts helpers and does not wait for
   them has some bound.  Without one (WINDOW 0) the children start faster
   than they exit and pile up in exit (docs/faults.md), and the rate
   measures that backlog.  Meanwhile another thread loops, 10 ms apart,
   on waitpid (-1, &status, WNOHANG), which must fail with ECHILD (on a
   kernel without the project's fix it returns 0 for a child that has
   executed its program), and on waitid (P_ALL, 0, &info, WEXITED |
   WNOHANG | __WALL), which counts the children as running but must
   never return one.  Every tenth of them (100,000) it samples the
   zombies among our children (only one still a zombie 200 ms later
   counts: an automatically reaped child is a zombie for a moment while
   the kernel releases it), our live children, RSS and descriptors, the
   kernel's unreclaimable slab, task_structs in use and number of tasks,
   and the rate of that tenth.  Passes if every spawn returned 0; the
   waits never returned a child and waitpid always failed with ECHILD;
   no sample saw a lasting zombie; no sample saw more than 2 * THREADS *
   WINDOW live children (THREADS * WINDOW that have not exited, and
   slack: a child's pidfd polls readable a moment before the kernel
   releases it, and /proc's list of children is not read at one
   instant; not checked without a WINDOW) or more descriptors than
   THREADS * WINDOW above the start; RSS stayed within 1 MiB from the first tenth on (the
   threads' first samples allocate); once the children are gone, none is
   left, the descriptors are those of the start, and the kernel has no
   more tasks than at the start (2 more at most: the VM's own come and
   go); and the last three tenths were started at least 0.75 times as
   fast as the first three (the host is shared, so the rate is noisy).
   A soak where a spawn does not return, or no child of a thread exits,
   in 60 s fails at once.  Prints "PASS: ..." or "FAIL: ..." for each, the samples to
   TABLE as Markdown, and exits 1 if any check failed.

   usage: soak CHILD TABLE [COUNT [THREADS [WINDOW]]]  */

#include "../bench/bench.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAMPLES 11
#define MAX_WINDOW 256

static char *child_argv[2];
static long count, step;
static int window;
static posix_spawnattr_t attr;
static atomic_long started, spawn_errors;
static atomic_int first_error;
static atomic_long waitpid_calls, waitpid_returned, waitpid_zero;
static atomic_long waitpid_other_errors;
static atomic_bool spawning_done;
/* When each spawning thread's current spawn began (0 between spawns),
   for the watchdog.  */
static _Atomic double spawn_began[64];

struct sample
{
  long n;
  double t;
  int zombies;
  int children;
  long rss_kib;
  int fds;
  long sunreclaim_kib;
  long task_structs;
  int tasks;
};
/* By tenths; and once every child is gone.  */
static struct sample samples[SAMPLES], end_sample;
static atomic_int nsamples;
static pthread_mutex_t sample_lock = PTHREAD_MUTEX_INITIALIZER;
static double t0;

/* If process PID is a zombie child of ours, return 1.  */
static int
our_zombie (int pid)
{
  char name[16], state;
  int ppid;
  snprintf (name, sizeof name, "%d", pid);
  return proc_stat (name, &state, &ppid) == 0 && state == 'Z'
	 && ppid == getpid ();
}

/* The zombies among our children that are still zombies 200 ms after
   they were first seen.  */
static int
lasting_child_zombies (void)
{
  int seen[64];
  int n = 0;
  DIR *d = opendir ("/proc");
  if (d == NULL)
    die ("/proc: %m");
  struct dirent *e;
  while ((e = readdir (d)) != NULL && n < 64)
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9'
	&& our_zombie (atoi (e->d_name)))
      seen[n++] = atoi (e->d_name);
  closedir (d);
  if (n == 0)
    return 0;
  usleep (200000);
  int lasting = 0;
  for (int i = 0; i < n; i++)
    lasting += our_zombie (seen[i]);
  return lasting;
}

static void
fill_sample (struct sample *s, long n)
{
  s->n = n;
  s->t = now () - t0;
  s->zombies = lasting_child_zombies ();
  s->children = count_children ();
  s->rss_kib = proc_number ("/proc/self/status", "VmRSS");
  s->fds = count_fds ();
  s->sunreclaim_kib = proc_number ("/proc/meminfo", "SUnreclaim");
  s->task_structs = proc_number ("/proc/slabinfo", "task_struct");
  s->tasks = count_tasks ();
  fprintf (stderr, "soak: %ld started in %.0f s, %d lasting zombies,"
	   " %d children, RSS %ld KiB, %d descriptors, SUnreclaim %ld KiB,"
	   " %ld task_structs, %d tasks\n", s->n, s->t, s->zombies,
	   s->children, s->rss_kib, s->fds, s->sunreclaim_kib,
	   s->task_structs, s->tasks);
}

/* Sample the tenth that N completes.  */
static void
take_sample (long n)
{
  pthread_mutex_lock (&sample_lock);
  fill_sample (&samples[n / step], n);
  nsamples++;
  pthread_mutex_unlock (&sample_lock);
}

/* Wait until at least one of the *N pidfds in FDS polls readable (its
   child has exited), close those that do and take them out of FDS.  A
   child that has not exited in 60 s fails the soak at once.  */
static void
wait_for_exit (int *fds, int *n)
{
  struct pollfd p[MAX_WINDOW];
  for (int i = 0; i < *n; i++)
    p[i] = (struct pollfd) { .fd = fds[i], .events = POLLIN };
  int r;
  while ((r = poll (p, *n, 60000)) < 0 && errno == EINTR)
    ;
  if (r < 0)
    die ("poll: %m");
  if (r == 0)
    {
      printf ("FAIL: soak: none of %d children exited in 60 s\n", *n);
      fflush (stdout);
      _exit (1);
    }
  /* From the end, so that the pidfd moved into a freed slot has been
     looked at already.  */
  for (int i = *n - 1; i >= 0; i--)
    if (p[i].revents & (POLLNVAL | POLLERR))
      die ("pidfd %d: poll returned %#x", fds[i], p[i].revents);
    else if (p[i].revents != 0)
      {
	if (close (fds[i]) != 0)
	  die ("close of pidfd %d: %m", fds[i]);
	fds[i] = fds[--*n];
      }
}

/* Thread ARG spawns with pidfd_spawn if ARG is odd, with posix_spawn
   if it is even.  */
static void *
spawner (void *arg)
{
  int self = (intptr_t) arg;
  bool use_pidfd = self % 2 != 0;
  int fds[MAX_WINDOW], nfds = 0;
  long i;
  while ((i = atomic_fetch_add (&started, 1)) < count)
    {
      if (window > 0 && nfds == window)
	wait_for_exit (fds, &nfds);
      pid_t pid;
      int pidfd = -1;
      spawn_began[self] = now ();
      int ec = (use_pidfd
		? pidfd_spawn (&pidfd, child_argv[0], NULL, &attr, child_argv,
			       environ)
		: posix_spawn (&pid, child_argv[0], NULL, &attr, child_argv,
			       environ));
      spawn_began[self] = 0;
      if (ec != 0 && atomic_fetch_add (&spawn_errors, 1) == 0)
	first_error = ec;
      /* The kernel hands out PIDs in turn: PID is not another process's
	 before some 32,000 more have started.  ESRCH: the child has
	 gone already.  */
      if (ec == 0 && !use_pidfd && window > 0
	  && (pidfd = pidfd_open (pid, 0)) < 0 && errno != ESRCH)
	die ("pidfd_open: %m");
      if (pidfd >= 0 && window > 0)
	fds[nfds++] = pidfd;
      else if (pidfd >= 0)
	close (pidfd);
      if ((i + 1) % step == 0)
	take_sample (i + 1);
    }
  while (nfds > 0)
    wait_for_exit (fds, &nfds);
  return NULL;
}

/* The waits; and the watchdog: a soak in which a spawn has not
   returned in 60 s fails at once.  */
static void *
waiter (void *arg)
{
  int nthreads = (intptr_t) arg;
  while (!spawning_done)
    {
      int status;
      pid_t r = waitpid (-1, &status, WNOHANG);
      waitpid_calls++;
      if (r > 0 && waitpid_returned++ == 0)
	fprintf (stderr, "soak: waitpid (-1) returned %d\n", (int) r);
      if (r == 0)
	waitpid_zero++;
      if (r < 0 && errno != ECHILD)
	waitpid_other_errors++;
      siginfo_t info = { 0 };
      if (waitid (P_ALL, 0, &info, WEXITED | WNOHANG | __WALL) == 0
	  && info.si_pid != 0 && waitpid_returned++ == 0)
	fprintf (stderr, "soak: waitid (P_ALL, __WALL) returned %d\n",
		 (int) info.si_pid);
      for (int i = 0; i < nthreads; i++)
	{
	  double began = spawn_began[i];
	  if (began != 0 && now () - began > 60)
	    {
	      printf ("FAIL: soak: a spawn of thread %d has not returned in"
		      " 60 s\n", i);
	      fflush (stdout);
	      _exit (1);
	    }
	}
      usleep (10000);
    }
  return NULL;
}

/* ARG as a number, or -1 if it is not one.  */
static long
number (const char *arg)
{
  char *end;
  errno = 0;
  long v = strtol (arg, &end, 10);
  return errno == 0 && end != arg && *end == '\0' ? v : -1;
}

/* The rate of the children from sample A to sample B.  */
static double
rate (int a, int b)
{
  return (samples[b].n - samples[a].n) / (samples[b].t - samples[a].t);
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fputs ("usage: soak CHILD TABLE [COUNT [THREADS [WINDOW]]]\n",
	     stderr);
      return 2;
    }
  child_argv[0] = argv[1];
  count = argc > 3 ? number (argv[3]) : 1000000;
  long nthreads_arg = argc > 4 ? number (argv[4]) : 4;
  long window_arg = argc > 5 ? number (argv[5]) : 16;
  if (count < 10 || count % 10 != 0 || nthreads_arg < 1 || nthreads_arg > 64
      || window_arg < 0 || window_arg > MAX_WINDOW)
    die ("COUNT must be a multiple of 10, THREADS from 1 to 64, WINDOW"
	 " from 0 to %d", MAX_WINDOW);
  int nthreads = nthreads_arg;
  window = window_arg;
  struct rlimit nofile;
  if (getrlimit (RLIMIT_NOFILE, &nofile) != 0
      || nofile.rlim_cur < (rlim_t) count_fds () + nthreads * window + 16)
    die ("THREADS * WINDOW pidfds would not fit in RLIMIT_NOFILE");
  step = count / 10;
  FILE *table = fopen (argv[2], "we");
  if (table == NULL)
    die ("%s: %m", argv[2]);
  if (posix_spawnattr_init (&attr) != 0
      || posix_spawnattr_setflags (&attr, POSIX_SPAWN_AUTOREAP) != 0)
    die ("cannot set POSIX_SPAWN_AUTOREAP");

  pthread_t w, t[64];
  t0 = now ();
  take_sample (0);
  if (pthread_create (&w, NULL, waiter, (void *) (intptr_t) nthreads) != 0)
    die ("cannot create the waiting thread");
  for (int i = 0; i < nthreads; i++)
    if (pthread_create (&t[i], NULL, spawner, (void *) (intptr_t) i) != 0)
      die ("cannot create spawning thread %d", i);
  for (int i = 0; i < nthreads; i++)
    pthread_join (t[i], NULL);
  /* Let the last children go, so that a wait that would return one of
     them late has the chance to.  */
  double until = now () + 60;
  while (count_children () > 0 && now () < until)
    usleep (10000);
  sleep (1);
  spawning_done = true;
  pthread_join (w, NULL);
  int left = count_children ();
  /* The kernel frees a task_struct after an RCU grace period: the
     table's count includes those.  */
  sleep (1);
  fill_sample (&end_sample, count);

  fprintf (table, "| children started | s | children/s in the tenth |"
	   " lasting zombies | live children | RSS (KiB) | descriptors |"
	   " SUnreclaim (KiB) | task_structs | tasks |\n"
	   "| -: | -: | -: | -: | -: | -: | -: | -: | -: | -: |\n");
  /* A thread holds up to WINDOW pidfds; with no window, a pidfd_spawn
     thread holds one for a moment.  */
  int fds_bound = samples[0].fds + nthreads * (window > 0 ? window : 1);
  int zombies = 0, fds_over = 0, children_max = 0;
  long rss_min = samples[1].rss_kib, rss_max = rss_min;
  for (int i = 0; i < nsamples; i++)
    {
      const struct sample *p = &samples[i];
      fprintf (table, "| %ld | %.0f | %.0f | %d | %d | %ld | %d | %ld | %ld |"
	       " %d |\n", p->n, p->t, i > 0 ? rate (i - 1, i) : 0.0,
	       p->zombies, p->children, p->rss_kib, p->fds,
	       p->sunreclaim_kib, p->task_structs, p->tasks);
      zombies += samples[i].zombies;
      fds_over += samples[i].fds > fds_bound;
      if (samples[i].children > children_max)
	children_max = samples[i].children;
      if (i > 0 && samples[i].rss_kib < rss_min)
	rss_min = samples[i].rss_kib;
      if (i > 0 && samples[i].rss_kib > rss_max)
	rss_max = samples[i].rss_kib;
    }
  fprintf (table, "| all gone | %.0f | | %d | %d | %ld | %d | %ld | %ld |"
	   " %d |\n", end_sample.t, end_sample.zombies, end_sample.children,
	   end_sample.rss_kib, end_sample.fds, end_sample.sunreclaim_kib,
	   end_sample.task_structs, end_sample.tasks);
  fclose (table);

  int failed = 0;
#define CHECK(ok, ...)							\
  do {									\
    failed += !(ok);							\
    printf ("%s: soak: ", (ok) ? "PASS" : "FAIL");			\
    printf (__VA_ARGS__);						\
    putchar ('\n');							\
  } while (0)
  int last = nsamples - 1;
  CHECK (nsamples == SAMPLES, "%d samples of %d", nsamples, SAMPLES);
  char bound[64] = "no bound";
  if (window > 0)
    snprintf (bound, sizeof bound, "at most %d alive each", window);
  CHECK (spawn_errors == 0, "%ld children started with POSIX_SPAWN_AUTOREAP"
	 " by %d threads (%d with posix_spawn, %d with pidfd_spawn), %s,"
	 " in %.0f s; %ld spawns failed%s%s", count, nthreads,
	 (nthreads + 1) / 2, nthreads / 2, bound, samples[last].t,
	 (long) spawn_errors,
	 spawn_errors ? ", first with " : "",
	 spawn_errors ? strerrorname_np (first_error) : "");
  CHECK (waitpid_returned == 0 && waitpid_zero == 0
	 && waitpid_other_errors == 0, "in %ld rounds, waitpid (-1, WNOHANG)"
	 " and waitid (P_ALL, __WALL) returned %ld children, and waitpid"
	 " returned 0 %ld times and failed otherwise than with ECHILD %ld"
	 " times", (long) waitpid_calls, (long) waitpid_returned,
	 (long) waitpid_zero, (long) waitpid_other_errors);
  CHECK (left == 0 && end_sample.zombies == 0, "once the children were"
	 " gone: %d left, %d lasting zombies", left, end_sample.zombies);
  CHECK (end_sample.tasks <= samples[0].tasks + 2, "the kernel has %d"
	 " tasks at the end, %d at the start (at most 2 more: the VM's own)",
	 end_sample.tasks, samples[0].tasks);
  CHECK (zombies == 0, "%d lasting zombies over %d samples", zombies,
	 nsamples);
  if (window > 0)
    CHECK (children_max <= 2 * nthreads * window, "%d live children at"
	   " most at a sample (limit %d: 2 * THREADS * WINDOW)",
	   children_max, 2 * nthreads * window);
  CHECK (fds_over == 0 && end_sample.fds == samples[0].fds, "%d"
	 " descriptors at the start, %d at the end; %d samples above %d",
	 samples[0].fds, end_sample.fds, fds_over, fds_bound);
  CHECK (rss_max - rss_min <= 1024, "RSS from %ld to %ld KiB after the"
	 " first tenth (at most 1024 KiB apart)", rss_min, rss_max);
  double first = rate (0, 3), end = rate (last - 3, last);
  CHECK (end >= 0.75 * first, "%.0f children/s over the first %ld, %.0f"
	 " over the last %ld (%.2f; at least 0.75)", first, 3 * step, end,
	 3 * step, end / first);
  return failed > 0;
}
