/* What an autoreaped spawn costs next to the other ways of starting a
   child that nobody waits for.  Built against the patched glibc with
   tests/build/cc and run in the Linux 7.x VM by tests/bench/run ("make bench").

   The strategies, each starting CHILD (a static program that exits at
   once):
     1 wait        posix_spawn, then waitpid for that child
     2 autoreap    posix_spawn with POSIX_SPAWN_AUTOREAP, no wait
     3 sigign      posix_spawn with SIGCHLD set to SIG_IGN, no wait
     4 doublefork  fork; the middle process posix_spawns and _exits;
                   waitpid for the middle process
     5 pidfd-ar    pidfd_spawn with POSIX_SPAWN_AUTOREAP; poll the pidfd,
                   then PIDFD_GET_INFO (PIDFD_INFO_EXIT)
     6 pidfd-wait  pidfd_spawn; waitid (P_PIDFD)
   A batch starts COUNT children with one strategy; every child inherits
   the write end of a pipe, so the read end's EOF tells when all have
   exited.  Rounds run every strategy's batch once, in an order rotated
   round by round, so that drift of the machine hits all alike.  Reported
   per strategy: the median time spent in the call that starts a child
   (for 4, fork up to the middle process's waitpid), the median batch
   throughput (children started and finished per second), and after the
   batches the largest number of zombies seen, the RSS and the number of
   open descriptors.  Three series compare 1 and 2: the start call with
   one child at a time (each child gone before the next starts, as in 1,
   so that the call does not compete with exiting children; 3 too),
   parent RSS (touched memory) and 1 versus 2 spawning threads.  The
   soak starts many autoreaped children without any wait.

   usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] [-k SOAK] CHILD OUTDIR
     -s  smoke mode: few spawns, only checks that it works
   Writes OUTDIR/bench.json (raw figures and machine facts), bench.md (the
   report, also printed) and bench.dat (for gnuplot).  Exits 1 if a zombie
   was left, 2 on an error.  */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __x86_64__
# include <cpuid.h>
#endif

extern char **environ;

enum strategy
{
  S_WAIT, S_AUTOREAP, S_SIGIGN, S_DOUBLEFORK, S_PIDFD_AR, S_PIDFD_WAIT,
  S_COUNT
};

static const char *const key[S_COUNT] =
{
  "wait", "autoreap", "sigign", "doublefork", "pidfd-autoreap", "pidfd-wait"
};

static const char *const title[S_COUNT] =
{
  "posix_spawn + waitpid",
  "posix_spawn + AUTOREAP",
  "posix_spawn, SIGCHLD SIG_IGN",
  "double fork",
  "pidfd_spawn + AUTOREAP, poll + PIDFD_GET_INFO",
  "pidfd_spawn + waitid (P_PIDFD)",
};

static const char *child;
static char *child_argv[] = { (char *) "child", NULL };
static posix_spawnattr_t plain_attr, autoreap_attr;

static void __attribute__ ((noreturn, format (printf, 1, 2)))
die (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("bench: ", stderr);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (2);
}

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A growing list of numbers.  */
struct samples
{
  double *v;
  size_t n, cap;
};

static void
add (struct samples *s, double x)
{
  if (s->n == s->cap)
    {
      s->cap = s->cap ? 2 * s->cap : 256;
      s->v = realloc (s->v, s->cap * sizeof *s->v);
      if (s->v == NULL)
	die ("out of memory");
    }
  s->v[s->n++] = x;
}

static void
merge (struct samples *to, const struct samples *from)
{
  for (size_t i = 0; i < from->n; i++)
    add (to, from->v[i]);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (struct samples *s)
{
  if (s->n == 0)
    return 0;
  qsort (s->v, s->n, sizeof *s->v, cmp_double);
  return s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
}

/* Process facts from /proc.  */

static long
status_kib (const char *field)
{
  FILE *f = fopen ("/proc/self/status", "r");
  if (f == NULL)
    die ("/proc/self/status: %m");
  char line[256];
  long v = -1;
  size_t len = strlen (field);
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, field, len) == 0 && line[len] == ':')
      v = atol (line + len + 1);
  fclose (f);
  return v;
}

static long
meminfo_kib (const char *field)
{
  FILE *f = fopen ("/proc/meminfo", "r");
  if (f == NULL)
    return -1;
  char line[256];
  long v = -1;
  size_t len = strlen (field);
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, field, len) == 0 && line[len] == ':')
      v = atol (line + len + 1);
  fclose (f);
  return v;
}

/* The number of allocated objects in slab cache NAME (root only; -1 if
   unreadable).  */
static long
slab_objects (const char *name)
{
  FILE *f = fopen ("/proc/slabinfo", "r");
  if (f == NULL)
    return -1;
  char line[512];
  long v = -1;
  size_t len = strlen (name);
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, name, len) == 0 && line[len] == ' ')
      v = atol (line + len);
  fclose (f);
  return v;
}

static int
count_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    die ("/proc/self/fd: %m");
  int n = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    n += e->d_name[0] != '.';
  closedir (d);
  return n - 1;			/* Not the directory's own descriptor.  */
}

/* Count the processes in the system and those of them that are zombies.
   A process may vanish while it is read: it is then not counted.  */
static void
count_processes (int *procs, int *zombies)
{
  DIR *d = opendir ("/proc");
  if (d == NULL)
    die ("/proc: %m");
  *procs = *zombies = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] < '1' || e->d_name[0] > '9')
	continue;
      char path[300], buf[512];
      snprintf (path, sizeof path, "/proc/%s/stat", e->d_name);
      int fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
	continue;
      ssize_t n = read (fd, buf, sizeof buf - 1);
      close (fd);
      if (n <= 0)
	continue;
      buf[n] = '\0';
      char *p = strrchr (buf, ')');
      if (p == NULL || p[1] != ' ')
	continue;
      ++*procs;
      *zombies += p[2] == 'Z';
    }
  closedir (d);
}

/* Zombies in the system once things have settled: an autoreaped child
   shows as Z for a moment while it is released, and the VM's init reaps
   the double fork's orphans a little after they exit, so only a zombie
   that is still there after a second counts.  */
static int
lasting_zombies (void)
{
  int procs, zombies;
  for (int i = 0; i < 100; i++)
    {
      count_processes (&procs, &zombies);
      if (zombies == 0)
	break;
      usleep (10000);
    }
  return zombies;
}

/* The number of our live children (of all threads).  */
static int
count_children (void)
{
  DIR *d = opendir ("/proc/self/task");
  if (d == NULL)
    die ("/proc/self/task: %m");
  int n = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] == '.')
	continue;
      char path[300];
      snprintf (path, sizeof path, "/proc/self/task/%s/children", e->d_name);
      FILE *f = fopen (path, "r");
      if (f == NULL)
	continue;
      int pid;
      while (fscanf (f, "%d", &pid) == 1)
	n++;
      fclose (f);
    }
  closedir (d);
  return n;
}

/* Wait until we have no child left, however it is reaped.  */
static void
wait_children_gone (void)
{
  double deadline = now () + 300;
  while (count_children () > 0)
    {
      if (now () > deadline)
	die ("children still there after 300 s");
      usleep (1000);
    }
}

/* Starting children.  */

/* Start CHILD with strategy S; store its pidfd in *PIDFD for 5 and 6.
   Return the time the call took.  */
static double
start_one (enum strategy s, int *pidfd)
{
  pid_t pid;
  int err, status;
  double t0 = now ();
  switch (s)
    {
    case S_WAIT:
    case S_SIGIGN:
      err = posix_spawn (&pid, child, NULL, &plain_attr, child_argv, environ);
      break;
    case S_AUTOREAP:
      err = posix_spawn (&pid, child, NULL, &autoreap_attr, child_argv,
			 environ);
      break;
    case S_DOUBLEFORK:
      pid = fork ();
      if (pid < 0)
	die ("fork: %m");
      if (pid == 0)
	{
	  pid_t grandchild;
	  _exit (posix_spawn (&grandchild, child, NULL, &plain_attr,
			      child_argv, environ) != 0);
	}
      if (waitpid (pid, &status, 0) != pid)
	die ("waitpid (middle process): %m");
      err = status == 0 ? 0 : EIO;
      break;
    case S_PIDFD_AR:
      err = pidfd_spawn (pidfd, child, NULL, &autoreap_attr, child_argv,
			 environ);
      break;
    case S_PIDFD_WAIT:
      err = pidfd_spawn (pidfd, child, NULL, &plain_attr, child_argv,
			 environ);
      break;
    default:
      abort ();
    }
  double t = now () - t0;
  if (err != 0)
    die ("%s: %s", key[s], strerror (err));
  if (s == S_WAIT)
    {
      if (waitpid (pid, &status, 0) != pid)
	die ("waitpid: %m");
      if (status != 0)
	die ("child status %#x", status);
    }
  return t;
}

/* Learn the exit status of the child behind PIDFD (strategies 5 and 6),
   then close PIDFD.  */
static void
finish_pidfd (enum strategy s, int pidfd)
{
  if (s == S_PIDFD_WAIT)
    {
      siginfo_t si;
      if (waitid (P_PIDFD, pidfd, &si, WEXITED) != 0)
	die ("waitid (P_PIDFD): %m");
      if (si.si_code != CLD_EXITED || si.si_status != 0)
	die ("waitid: child ended with code %d, status %d", si.si_code,
	     si.si_status);
    }
  else
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      if (poll (&p, 1, -1) != 1)
	die ("poll (pidfd): %m");
      /* The exit status is recorded when the kernel releases the child,
	 a moment after the pidfd polls readable.  */
      struct pidfd_info info;
      for (int tries = 0;; tries++)
	{
	  info = (struct pidfd_info) { .mask = PIDFD_INFO_EXIT };
	  if (ioctl (pidfd, PIDFD_GET_INFO, &info) == 0
	      && (info.mask & PIDFD_INFO_EXIT))
	    break;
	  if (tries == 100000)
	    die ("PIDFD_GET_INFO: no exit status");
	  sched_yield ();
	}
      if (info.exit_code != 0)
	die ("PIDFD_GET_INFO: exit code %#x", info.exit_code);
    }
  close (pidfd);
}

struct part
{
  enum strategy s;
  int count;
  int *pidfds;
  struct samples lat;
};

static void *
start_part (void *arg)
{
  struct part *p = arg;
  for (int i = 0; i < p->count; i++)
    add (&p->lat, start_one (p->s, &p->pidfds[i]));
  return NULL;
}

/* Make a pipe whose write end the children inherit: its read end sees
   EOF once every child that got it has exited.  */
static void
child_pipe (int pipefd[2])
{
  if (pipe2 (pipefd, O_CLOEXEC) != 0)
    die ("pipe2: %m");
  if (fcntl (pipefd[1], F_SETFD, 0) != 0)
    die ("fcntl: %m");
}

/* Close our write end of PIPEFD, read to EOF and close the read end.  */
static void
wait_pipe_eof (int pipefd[2])
{
  close (pipefd[1]);
  char c;
  ssize_t n;
  while ((n = read (pipefd[0], &c, 1)) != 0)
    if (n < 0 && errno != EINTR)
      die ("read: %m");
  close (pipefd[0]);
}

/* Start COUNT children with strategy S from THREADS threads and wait
   until all have exited; add the start-call times to LAT.  Return the
   children per second.  */
static double
run_batch (enum strategy s, int count, int threads, struct samples *lat)
{
  int pipefd[2];
  child_pipe (pipefd);
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  if (s == S_SIGIGN && sigaction (SIGCHLD, &ign, &old) != 0)
    die ("sigaction: %m");
  int *pidfds = calloc (count, sizeof *pidfds);
  struct part parts[2];
  if (pidfds == NULL || threads < 1 || threads > 2)
    die ("bad batch");

  double t0 = now ();
  pthread_t tid;
  for (int i = 0; i < threads; i++)
    {
      int first = count * i / threads;
      parts[i] = (struct part) { .s = s, .count = count * (i + 1) / threads
						  - first,
				 .pidfds = pidfds + first };
      if (i > 0 && (errno = pthread_create (&tid, NULL, start_part,
					     &parts[i])) != 0)
	die ("pthread_create: %m");
    }
  start_part (&parts[0]);
  if (threads > 1 && (errno = pthread_join (tid, NULL)) != 0)
    die ("pthread_join: %m");
  if (s == S_PIDFD_AR || s == S_PIDFD_WAIT)
    for (int i = 0; i < count; i++)
      finish_pidfd (s, pidfds[i]);
  wait_pipe_eof (pipefd);
  double t = now () - t0;

  free (pidfds);
  for (int i = 0; i < threads; i++)
    {
      merge (lat, &parts[i].lat);
      free (parts[i].lat.v);
    }
  /* With SIG_IGN restored too early, a child that exits later would
     become a zombie.  */
  wait_children_gone ();
  if (s == S_SIGIGN && sigaction (SIGCHLD, &old, NULL) != 0)
    die ("sigaction: %m");
  return count / t;
}

/* The results of one strategy in one setting.  */
struct result
{
  struct samples lat;		/* Seconds per start call.  */
  struct samples rate;		/* Children per second, per batch.  */
  int zombies;			/* The most seen after a batch.  */
  long rss_kib;			/* After the last batch.  */
  int fds;			/* Likewise.  */
};

/* Keep in R the most lasting zombies seen so far.  */
static void
record_zombies (struct result *r)
{
  int z = lasting_zombies ();
  if (z > r->zombies)
    r->zombies = z;
}

static void
run_and_record (enum strategy s, int count, int threads, struct result *r)
{
  add (&r->rate, run_batch (s, count, threads, &r->lat));
  record_zombies (r);
  r->rss_kib = status_kib ("VmRSS");
  r->fds = count_fds ();
}

/* Start COUNT children with strategy S (1, 2 or 3) one at a time: each
   has its own pipe, and the next starts only once the previous one has
   closed it and is gone.  Add the start-call times to R.  */
static void
run_quiet (enum strategy s, int count, struct result *r)
{
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  if (s == S_SIGIGN && sigaction (SIGCHLD, &ign, &old) != 0)
    die ("sigaction: %m");
  posix_spawnattr_t *attr = s == S_AUTOREAP ? &autoreap_attr : &plain_attr;
  double t0 = now ();
  for (int i = 0; i < count; i++)
    {
      int pipefd[2];
      child_pipe (pipefd);
      pid_t pid;
      double t1 = now ();
      int err = posix_spawn (&pid, child, NULL, attr, child_argv, environ);
      add (&r->lat, now () - t1);
      if (err != 0)
	die ("%s: %s", key[s], strerror (err));
      wait_pipe_eof (pipefd);
      if (s == S_WAIT)
	{
	  int status;
	  if (waitpid (pid, &status, 0) != pid)
	    die ("waitpid: %m");
	}
      else
	{
	  /* Released a moment after it closed the pipe; a zombie would
	     stay.  */
	  double deadline = now () + 60;
	  while (kill (pid, 0) == 0)
	    {
	      if (now () > deadline)
		die ("child %d not gone 60 s after its exit", (int) pid);
	      sched_yield ();
	    }
	}
    }
  add (&r->rate, count / (now () - t0));
  if (s == S_SIGIGN && sigaction (SIGCHLD, &old, NULL) != 0)
    die ("sigaction: %m");
  record_zombies (r);
}

/* Machine facts.  */

static const char *
hypervisor (void)
{
#ifdef __x86_64__
  unsigned int a, b, c, d;
  __cpuid (1, a, b, c, d);
  if (!(c & (1u << 31)))
    return "none";
  static char sig[13];
  __cpuid (0x40000000, a, b, c, d);
  memcpy (sig, &b, 4);
  memcpy (sig + 4, &c, 4);
  memcpy (sig + 8, &d, 4);
  if (strcmp (sig, "TCGTCGTCGTCG") == 0)
    return "QEMU TCG";
  if (strcmp (sig, "KVMKVMKVM") == 0)
    return "KVM";
  return sig;
#else
  return "unknown";
#endif
}

/* The report.  */

struct config
{
  int smoke, rounds, count, soak, soak_only;
  enum strategy soak_strategy;
  int mib[8], nmib;
};

static struct result strat[S_COUNT];
static struct result quiet_series[3];	/* [wait, autoreap, sigign] */
static struct result rss_series[8][2];	/* [size][wait, autoreap] */
static long rss_series_kib[8];
static struct result thread_series[2][2];	/* [threads - 1][wait, autoreap] */

struct soak_point
{
  int started;
  double t;
  int children, procs, zombies;
  long rss_kib, slab_kib, avail_kib, tasks;
};
static struct soak_point soak[12];
static int nsoak;
static int soak_end_zombies, soak_end_procs;
static long soak_end_rss;

static void
snapshot (struct soak_point *p, int started, double t)
{
  p->started = started;
  p->t = t;
  p->children = count_children ();
  count_processes (&p->procs, &p->zombies);
  p->rss_kib = status_kib ("VmRSS");
  p->slab_kib = meminfo_kib ("Slab");
  p->avail_kib = meminfo_kib ("MemAvailable");
  p->tasks = slab_objects ("task_struct");
}

/* Start N autoreaped children without any wait, with snapshots at each
   tenth.  */
static void
run_soak (enum strategy s, int n)
{
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  if (s == S_SIGIGN && sigaction (SIGCHLD, &ign, &old) != 0)
    die ("sigaction: %m");
  double t0 = now ();
  snapshot (&soak[nsoak++], 0, 0);
  for (int i = 1; i <= n; i++)
    {
      start_one (s, NULL);
      if (i % (n / 10 > 0 ? n / 10 : 1) == 0 && nsoak < 11)
	{
	  struct soak_point *p = &soak[nsoak++];
	  snapshot (p, i, now () - t0);
	  fprintf (stderr, "bench: soak: %d started in %.1f s, %d children, "
		   "%d processes, %d zombies, %ld task_structs, RSS %ld KiB\n",
		   i, p->t, p->children, p->procs, p->zombies, p->tasks,
		   p->rss_kib);
	}
    }
  wait_children_gone ();
  if (s == S_SIGIGN && sigaction (SIGCHLD, &old, NULL) != 0)
    die ("sigaction: %m");
  soak_end_zombies = lasting_zombies ();
  int z;
  count_processes (&soak_end_procs, &z);
  soak_end_rss = status_kib ("VmRSS");
}

static double
ratio (double a, double b)
{
  return b > 0 ? a / b : 0;
}

/* Print a target line: met or missed, and by how much.  */
static void
target (FILE *f, const char *what, double value, double limit, int at_most,
	const char *unit)
{
  int met = at_most ? value <= limit : value >= limit;
  fprintf (f, "| %s | %.3f%s | %s %.3f%s | %s", what, value, unit,
	   at_most ? "<=" : ">=", limit, unit, met ? "met" : "missed");
  if (!met)
    fprintf (f, " by %.1f%%", 100 * (at_most ? value / limit - 1
				     : 1 - value / limit));
  fputs (" |\n", f);
}

static void
write_md (FILE *f, const struct config *cf, const struct utsname *u)
{
  double lat[S_COUNT], rate[S_COUNT];
  for (int s = 0; s < S_COUNT; s++)
    {
      lat[s] = median (&strat[s].lat);
      rate[s] = median (&strat[s].rate);
    }
  fprintf (f, "# POSIX_SPAWN_AUTOREAP benchmark%s\n\n",
	   cf->smoke ? " (smoke run: too few spawns to read anything into)"
	   : "");
  fprintf (f, "Linux %s, %s, %ld CPUs, glibc %s. %d rounds of %d children "
	   "per strategy, interleaved.\n", u->release, hypervisor (),
	   sysconf (_SC_NPROCESSORS_ONLN), gnu_get_libc_version (),
	   cf->rounds, cf->count);
  if (strcmp (hypervisor (), "QEMU TCG") == 0)
    fputs ("Under TCG every instruction is emulated: absolute times mean "
	   "little, read the ratios.\n", f);
  if (cf->soak_only)
    goto soak;
  fputs ("\n| # | strategy | start call, median (us) | vs 1 "
	 "| children/s, median | vs 1 | vs 3 | zombies | RSS (KiB) | fds |\n"
	 "| - | - | -: | -: | -: | -: | -: | -: | -: | -: |\n", f);
  for (int s = 0; s < S_COUNT; s++)
    fprintf (f, "| %d | %s | %.1f | %.3f | %.1f | %.3f | %.3f | %d | %ld "
	     "| %d |\n", s + 1, title[s], lat[s] * 1e6,
	     ratio (lat[s], lat[S_WAIT]), rate[s],
	     ratio (rate[s], rate[S_WAIT]), ratio (rate[s], rate[S_SIGIGN]),
	     strat[s].zombies, strat[s].rss_kib, strat[s].fds);
  fputs ("\nThe start call of 4 is fork up to the middle process's waitpid;"
	 " children/s counts\nchildren started and finished (every child "
	 "holds a pipe; its EOF ends the batch).\n", f);

  double quiet[3];
  for (int s = 0; s < 3; s++)
    quiet[s] = median (&quiet_series[s].lat);
  fputs ("\n## One child at a time, strategies 1, 2 and 3\n\n"
	 "Each child is gone before the next starts, so the start call "
	 "does not compete\nwith children that are still exiting.\n\n"
	 "| # | start call, median (us) | vs 1 | vs 3 | children/s, median "
	 "| zombies |\n| - | -: | -: | -: | -: | -: |\n", f);
  for (int s = 0; s < 3; s++)
    fprintf (f, "| %d | %.1f | %.3f | %.3f | %.1f | %d |\n", s + 1,
	     quiet[s] * 1e6, ratio (quiet[s], quiet[S_WAIT]),
	     ratio (quiet[s], quiet[S_SIGIGN]),
	     median (&quiet_series[s].rate), quiet_series[s].zombies);

  fputs ("\n## Parent RSS (touched memory), strategies 1 and 2\n\n"
	 "| RSS (MiB) | 1: start call (us) | 2: start call (us) | 2 vs 1 "
	 "| 2 vs itself at the smallest | 1: children/s | 2: children/s |\n"
	 "| -: | -: | -: | -: | -: | -: | -: |\n", f);
  double base = 0;
  for (int i = 0; i < cf->nmib; i++)
    {
      double l1 = median (&rss_series[i][0].lat);
      double l2 = median (&rss_series[i][1].lat);
      if (i == 0)
	base = l2;
      fprintf (f, "| %ld | %.1f | %.1f | %.3f | %.3f | %.1f | %.1f |\n",
	       rss_series_kib[i] / 1024, l1 * 1e6, l2 * 1e6, ratio (l2, l1),
	       ratio (l2, base), median (&rss_series[i][0].rate),
	       median (&rss_series[i][1].rate));
    }

  fputs ("\n## Spawning threads, strategies 1 and 2\n\n"
	 "| threads | 1: children/s | 2: children/s | 2 vs 1 "
	 "| 1: start call (us) | 2: start call (us) |\n"
	 "| -: | -: | -: | -: | -: | -: |\n", f);
  for (int t = 0; t < 2; t++)
    {
      double r1 = median (&thread_series[t][0].rate);
      double r2 = median (&thread_series[t][1].rate);
      fprintf (f, "| %d | %.1f | %.1f | %.3f | %.1f | %.1f |\n", t + 1, r1,
	       r2, ratio (r2, r1), median (&thread_series[t][0].lat) * 1e6,
	       median (&thread_series[t][1].lat) * 1e6);
    }

  fputs ("\n## Targets\n\n| target | measured | wanted | |\n"
	 "| - | -: | -: | - |\n", f);
  target (f, "2 vs 3, throughput", ratio (rate[S_AUTOREAP], rate[S_SIGIGN]),
	  0.97, 0, "");
  target (f, "2 vs 4, throughput", ratio (rate[S_AUTOREAP],
					  rate[S_DOUBLEFORK]), 1.8, 0, "");
  target (f, "2 vs 1, start call, one child at a time",
	  ratio (quiet[S_AUTOREAP], quiet[S_WAIT]), 1.02, 1, "");
  target (f, "2 vs 1, start call, in the batches above",
	  ratio (lat[S_AUTOREAP], lat[S_WAIT]), 1.02, 1, "");
  if (cf->nmib > 1)
    target (f, "2: start call at the largest vs the smallest RSS",
	    ratio (median (&rss_series[cf->nmib - 1][1].lat), base), 1.10, 1,
	    "");

 soak:
  if (nsoak == 0)
    return;
  fprintf (f, "\n## Soak: %d children with strategy %d, no wait\n\n"
	   "| started | s | children/s so far | our children | processes "
	   "| zombies | task_structs | RSS (KiB) | Slab (KiB) "
	   "| MemAvailable (KiB) |\n"
	   "| -: | -: | -: | -: | -: | -: | -: | -: | -: | -: |\n", cf->soak,
	   cf->soak_strategy + 1);
  for (int i = 0; i < nsoak; i++)
    fprintf (f, "| %d | %.1f | %.1f | %d | %d | %d | %ld | %ld | %ld | %ld |\n",
	     soak[i].started, soak[i].t,
	     soak[i].t > 0 ? soak[i].started / soak[i].t : 0,
	     soak[i].children, soak[i].procs, soak[i].zombies, soak[i].tasks,
	     soak[i].rss_kib, soak[i].slab_kib, soak[i].avail_kib);
  fprintf (f, "\nAfter the soak, once every child was gone: %d zombies, "
	   "%d processes, RSS %ld KiB (%+ld KiB from the start).\n",
	   soak_end_zombies, soak_end_procs, soak_end_rss,
	   soak_end_rss - soak[0].rss_kib);

  fputs ("\n| soak target | measured | wanted | |\n"
	 "| - | -: | -: | - |\n", f);
  target (f, "zombies", soak_end_zombies, 0, 1, "");
  target (f, "RSS growth", (soak_end_rss - soak[0].rss_kib) / 1024.0, 1, 1,
	  " MiB");
}

static void
json_samples (FILE *f, const char *name, const struct samples *s,
	      double scale)
{
  fprintf (f, "\"%s\": [", name);
  for (size_t i = 0; i < s->n; i++)
    fprintf (f, "%s%.9g", i ? ", " : "", s->v[i] * scale);
  fputs ("]", f);
}

static void
json_result (FILE *f, const struct result *r)
{
  fputs ("{", f);
  json_samples (f, "start_call_us", &r->lat, 1e6);
  fputs (", ", f);
  json_samples (f, "children_per_s", &r->rate, 1);
  fprintf (f, ", \"zombies\": %d, \"rss_kib\": %ld, \"fds\": %d}",
	   r->zombies, r->rss_kib, r->fds);
}

static void
write_json (FILE *f, const struct config *cf, const struct utsname *u)
{
  fprintf (f, "{\n  \"machine\": {\"kernel\": \"%s\", \"machine\": \"%s\", "
	   "\"hypervisor\": \"%s\", \"tcg\": %s, \"cpus\": %ld, "
	   "\"mem_total_kib\": %ld, \"glibc\": \"%s\"},\n",
	   u->release, u->machine, hypervisor (),
	   strcmp (hypervisor (), "QEMU TCG") == 0 ? "true" : "false",
	   sysconf (_SC_NPROCESSORS_ONLN), meminfo_kib ("MemTotal"),
	   gnu_get_libc_version ());
  fprintf (f, "  \"config\": {\"smoke\": %s, \"rounds\": %d, "
	   "\"children_per_batch\": %d, \"soak\": %d, "
	   "\"soak_strategy\": \"%s\"},\n",
	   cf->smoke ? "true" : "false", cf->rounds, cf->count, cf->soak,
	   key[cf->soak_strategy]);
  fputs ("  \"strategies\": {\n", f);
  for (int s = 0; s < S_COUNT; s++)
    {
      fprintf (f, "    \"%s\": ", key[s]);
      json_result (f, &strat[s]);
      fputs (s + 1 < S_COUNT ? ",\n" : "\n", f);
    }
  fputs ("  },\n  \"one_at_a_time\": {\n", f);
  for (int s = 0; s < 3; s++)
    {
      fprintf (f, "    \"%s\": ", key[s]);
      json_result (f, &quiet_series[s]);
      fputs (s < 2 ? ",\n" : "\n", f);
    }
  fputs ("  },\n  \"rss_series\": [\n", f);
  for (int i = 0; i < cf->nmib; i++)
    {
      fprintf (f, "    {\"rss_kib\": %ld, \"wait\": ", rss_series_kib[i]);
      json_result (f, &rss_series[i][0]);
      fputs (", \"autoreap\": ", f);
      json_result (f, &rss_series[i][1]);
      fputs (i + 1 < cf->nmib ? "},\n" : "}\n", f);
    }
  fputs ("  ],\n  \"thread_series\": [\n", f);
  for (int t = 0; t < 2; t++)
    {
      fprintf (f, "    {\"threads\": %d, \"wait\": ", t + 1);
      json_result (f, &thread_series[t][0]);
      fputs (", \"autoreap\": ", f);
      json_result (f, &thread_series[t][1]);
      fputs (t == 0 ? "},\n" : "}\n", f);
    }
  fputs ("  ],\n  \"soak\": {\"points\": [\n", f);
  for (int i = 0; i < nsoak; i++)
    fprintf (f, "    {\"started\": %d, \"seconds\": %.3f, \"children\": %d, "
	     "\"processes\": %d, \"zombies\": %d, \"rss_kib\": %ld, "
	     "\"slab_kib\": %ld, \"mem_available_kib\": %ld, "
	     "\"task_structs\": %ld}%s\n",
	     soak[i].started, soak[i].t, soak[i].children, soak[i].procs,
	     soak[i].zombies, soak[i].rss_kib, soak[i].slab_kib,
	     soak[i].avail_kib, soak[i].tasks, i + 1 < nsoak ? "," : "");
  fprintf (f, "  ], \"end\": {\"zombies\": %d, \"processes\": %d, "
	   "\"rss_kib\": %ld}}\n}\n", soak_end_zombies, soak_end_procs,
	   soak_end_rss);
}

static void
write_dat (FILE *f)
{
  fputs ("# strategy children/s start-call-us\n", f);
  for (int s = 0; s < S_COUNT; s++)
    fprintf (f, "\"%d %s\" %.3f %.3f\n", s + 1, key[s],
	     median (&strat[s].rate), median (&strat[s].lat) * 1e6);
}

static FILE *
xfopen (const char *dir, const char *name)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "w");
  if (f == NULL)
    die ("%s: %m", path);
  return f;
}

static void
xfclose (FILE *f)
{
  if (ferror (f) || fclose (f) != 0)
    die ("writing the report failed");
}

int
main (int argc, char **argv)
{
  struct config cf = { .rounds = 10, .count = 100, .soak = 100000,
		       .soak_strategy = S_AUTOREAP,
		       .mib = { 10, 100, 1024 }, .nmib = 3 };
  int opt, rounds = -1, count = -1, soak_n = -1;
  char *mib = NULL;
  while ((opt = getopt (argc, argv, "sr:n:m:k:OS:")) != -1)
    switch (opt)
      {
      case 's': cf.smoke = 1; break;
      case 'r': rounds = atoi (optarg); break;
      case 'n': count = atoi (optarg); break;
      case 'm': mib = optarg; break;
      case 'k': soak_n = atoi (optarg); break;
      case 'O': cf.soak_only = 1; break;
      case 'S':
	cf.soak_strategy = strcmp (optarg, "sigign") == 0 ? S_SIGIGN
			   : strcmp (optarg, "autoreap") == 0 ? S_AUTOREAP
			   : (die ("-S: autoreap or sigign"), 0);
	break;
      default:
	die ("usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] "
	     "[-k SOAK] [-O] [-S autoreap|sigign] CHILD OUTDIR");
      }
  if (argc - optind != 2)
    die ("usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] [-k SOAK] "
	 "[-O] [-S autoreap|sigign] CHILD OUTDIR");
  child = argv[optind];
  const char *outdir = argv[optind + 1];
  if (cf.smoke)
    {
      cf.rounds = 2;
      cf.count = 10;
      cf.soak = 100;
      cf.mib[1] = 64;
      cf.nmib = 2;
    }
  if (rounds > 0)
    cf.rounds = rounds;
  if (count > 0)
    cf.count = count;
  if (soak_n >= 0)
    cf.soak = soak_n;
  if (mib != NULL)
    {
      cf.nmib = 0;
      for (char *p = strtok (mib, ","); p != NULL && cf.nmib < 8;
	   p = strtok (NULL, ","))
	cf.mib[cf.nmib++] = atoi (p);
    }
  if (access (child, X_OK) != 0)
    die ("%s: %m", child);

  posix_spawnattr_init (&plain_attr);
  posix_spawnattr_init (&autoreap_attr);
  if ((errno = posix_spawnattr_setautoreap (&autoreap_attr, 1)) != 0)
    die ("posix_spawnattr_setautoreap: %m");
  pid_t pid;
  errno = posix_spawn (&pid, child, NULL, &autoreap_attr, child_argv,
		       environ);
  if (errno == ENOTSUP)
    die ("this kernel has no CLONE_AUTOREAP (Linux 7.1 or later needed)");
  if (errno != 0)
    die ("posix_spawn: %m");
  wait_children_gone ();
  if (count_children () != 0 || lasting_zombies () != 0)
    die ("start with no child and no zombie in the system");

  struct utsname u;
  uname (&u);
  fprintf (stderr, "bench: Linux %s, %s\n", u.release, hypervisor ());
  if (cf.soak_only)
    goto soak;
  fprintf (stderr, "bench: %d rounds x 6 strategies x %d children\n",
	   cf.rounds, cf.count);

  /* Warm up: one batch of each, not recorded.  */
  struct samples scratch = { 0 };
  for (int s = 0; s < S_COUNT; s++)
    run_batch (s, cf.count, 1, &scratch);

  for (int r = 0; r < cf.rounds; r++)
    for (int i = 0; i < S_COUNT; i++)
      {
	enum strategy s = (r + i) % S_COUNT;
	run_and_record (s, cf.count, 1, &strat[s]);
      }

  fputs ("bench: one child at a time\n", stderr);
  for (int r = 0; r < cf.rounds; r++)
    for (int i = 0; i < 3; i++)
      {
	enum strategy s = (r + i) % 3;
	run_quiet (s, cf.count, &quiet_series[s]);
      }

  fputs ("bench: parent RSS series\n", stderr);
  for (int i = 0; i < cf.nmib; i++)
    {
      size_t len = (size_t) cf.mib[i] << 20;
      long before = status_kib ("VmRSS");
      long want = (long) cf.mib[i] * 1024 - before;
      char *m = NULL;
      if (want > 0)
	{
	  m = mmap (NULL, want * 1024, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	  if (m == MAP_FAILED)
	    die ("mmap %zu bytes: %m", len);
	  memset (m, 1, want * 1024);
	}
      rss_series_kib[i] = status_kib ("VmRSS");
      for (int r = 0; r < cf.rounds; r++)
	for (int j = 0; j < 2; j++)
	  {
	    int k = (r + j) % 2;
	    run_and_record (k ? S_AUTOREAP : S_WAIT, cf.count, 1,
			    &rss_series[i][k]);
	  }
      if (m != NULL)
	munmap (m, want * 1024);
    }

  fputs ("bench: threads series\n", stderr);
  for (int r = 0; r < cf.rounds; r++)
    for (int j = 0; j < 4; j++)
      {
	int k = (r + j) % 4, threads = k / 2 + 1, a = k % 2;
	run_and_record (a ? S_AUTOREAP : S_WAIT, cf.count, threads,
			&thread_series[threads - 1][a]);
      }

soak:
  if (cf.soak > 0)
    {
      fprintf (stderr, "bench: soak, %d children, strategy %s\n", cf.soak,
	       key[cf.soak_strategy]);
      run_soak (cf.soak_strategy, cf.soak);
    }

  FILE *f = xfopen (outdir, "bench.md");
  write_md (f, &cf, &u);
  xfclose (f);
  write_md (stdout, &cf, &u);
  f = xfopen (outdir, "bench.json");
  write_json (f, &cf, &u);
  xfclose (f);
  f = xfopen (outdir, "bench.dat");
  write_dat (f);
  xfclose (f);

  int zombies = soak_end_zombies;
  for (int s = 0; s < S_COUNT; s++)
    zombies += strat[s].zombies;
  for (int s = 0; s < 3; s++)
    zombies += quiet_series[s].zombies;
  if (zombies > 0)
    {
      fprintf (stderr, "bench: %d zombies were left\n", zombies);
      return 1;
    }
  return 0;
}
