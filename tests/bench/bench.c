/* What an autoreaped spawn costs next to the other ways of starting a
   child that nobody waits for.  Built against the patched glibc with
   tests/build/cc and run in the Linux 7.x VM by tests/bench/run ("make bench").

   The strategies, each starting CHILD (a static program that exits at
   once):
     1 wait        posix_spawn; once the whole batch is started, waitpid
                   for each child in turn (as 6 does with waitid)
     2 autoreap    posix_spawn with POSIX_SPAWN_AUTOREAP, no wait
     3 sigign      posix_spawn with SIGCHLD set to SIG_IGN, no wait
     4 doublefork  fork; the middle process posix_spawns and _exits;
                   waitpid for the middle process
     5 pidfd-ar    pidfd_spawn with POSIX_SPAWN_AUTOREAP; once the batch
                   is started, poll each pidfd, then PIDFD_GET_INFO
                   (PIDFD_INFO_EXIT)
     6 pidfd-wait  pidfd_spawn; once the batch is started, waitid
                   (P_PIDFD) for each child
     7 floor       no glibc spawn code: raw clone3 (CLONE_AUTOREAP
                   | CLONE_VM | CLONE_VFORK, exit_signal 0) on a stack of
                   its own, the child execve's CHILD (see floor_spawn)
   A batch starts COUNT children with one strategy; every child inherits
   the write end of a pipe, so the read end's EOF tells when all have
   exited.  Rounds run every strategy's batch once, in an order rotated
   round by round, so that drift of the machine hits all alike.  Reported
   per strategy: the median time spent in the call that starts a child
   (for 4, fork up to the middle process's waitpid), the batch
   throughput (children started and finished per second, the waits of 1,
   5 and 6 included), and after the batches the largest number of zombies
   seen, the RSS and the number of open descriptors.  Three series follow:
   the start call of 1, 2, 3 and 7 with one child at a time (each child
   gone before the next starts, so that the call does not compete with
   exiting children: this is also the serial variant of 1, which waits
   for each child before it starts the next), and, for 1 and 2 only,
   parent RSS (touched memory) and 1 versus 2 spawning threads.  The soak
   starts many autoreaped children without any wait.

   usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] [-k SOAK] [-O]
		[-S autoreap|sigign|floor] CHILD OUTDIR
     -s  smoke mode: few spawns, only checks that it works
     -r  rounds of the strategies' comparison, which the throughput
	 targets are read from (default 30; the three series after it
	 run 10)
     -O  only the soak;  -S  the soak's strategy (default autoreap)
   Writes OUTDIR/bench.json: the machine, the configuration and every
   figure, one per batch in round order (the start call as the batch's
   median); tests/bench/report renders it.  Exits 1 if a zombie was left,
   2 on an error.  The strategies are in spawn.c, what /proc says in
   proc.c.  */

#include "bench.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#ifdef __x86_64__
# include <cpuid.h>
#endif

/* The strategies of the one-child-at-a-time series.  */
#define NQUIET 4
static const enum strategy quiet_strat[NQUIET] =
{
  S_WAIT, S_AUTOREAP, S_SIGIGN, S_FLOOR
};

void
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

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The Q-quantile of S (0 <= Q <= 1), interpolated between the two
   nearest samples; S stays in its order.  */
static double
quantile (const struct samples *s, double q)
{
  if (s->n == 0)
    return 0;
  double *v = malloc (s->n * sizeof *v);
  if (v == NULL)
    die ("out of memory");
  memcpy (v, s->v, s->n * sizeof *v);
  qsort (v, s->n, sizeof *v, cmp_double);
  double pos = q * (s->n - 1);
  size_t i = pos;
  double x = i + 1 < s->n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
  free (v);
  return x;
}

double
median (const struct samples *s)
{
  return quantile (s, 0.5);
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

/* The results.  */

struct config
{
  int smoke, rounds, series_rounds, count, soak, soak_only;
  enum strategy soak_strategy;
  int mib[8], nmib;
};

static struct result strat[S_COUNT];
static struct result quiet_series[NQUIET];	/* As quiet_strat.  */
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
  /* An autoreaped child shows as Z for a moment while it is released:
     only zombies that last count (a smoke run's soak point once caught
     one in passing).  */
  if (p->zombies > 0)
    p->zombies = lasting_zombies ();
  p->rss_kib = proc_number ("/proc/self/status", "VmRSS");
  p->slab_kib = proc_number ("/proc/meminfo", "Slab");
  p->avail_kib = proc_number ("/proc/meminfo", "MemAvailable");
  p->tasks = proc_number ("/proc/slabinfo", "task_struct");
}

/* Start N children with strategy S (2, 3 or 7: none needs a wait)
   without any wait, with snapshots at each tenth.  */
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
  soak_end_rss = proc_number ("/proc/self/status", "VmRSS");
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

/* Print R as a JSON object; strategy number N (1-based) and its title
   first if N > 0.  */
static void
json_result_n (FILE *f, const struct result *r, int n)
{
  fputs ("{", f);
  if (n > 0)
    fprintf (f, "\"number\": %d, \"title\": \"%s\", ", n, title[n - 1]);
  json_samples (f, "start_call_us", &r->lat, 1e6);
  fputs (", ", f);
  json_samples (f, "children_per_s", &r->rate, 1);
  fprintf (f, ", \"zombies\": %d, \"rss_kib\": %ld, \"fds\": %d}",
	   r->zombies, r->rss_kib, r->fds);
}

static void
json_result (FILE *f, const struct result *r)
{
  json_result_n (f, r, 0);
}

static void
write_json (FILE *f, const struct config *cf, const struct utsname *u)
{
  fprintf (f, "{\n  \"machine\": {\"kernel\": \"%s\", \"machine\": \"%s\", "
	   "\"hypervisor\": \"%s\", \"tcg\": %s, \"cpus\": %ld, "
	   "\"mem_total_kib\": %ld, \"glibc\": \"%s\"},\n",
	   u->release, u->machine, hypervisor (),
	   strcmp (hypervisor (), "QEMU TCG") == 0 ? "true" : "false",
	   sysconf (_SC_NPROCESSORS_ONLN), proc_number ("/proc/meminfo", "MemTotal"),
	   gnu_get_libc_version ());
  fprintf (f, "  \"config\": {\"smoke\": %s, \"rounds\": %d, "
	   "\"series_rounds\": %d, \"children_per_batch\": %d, "
	   "\"soak\": %d, \"soak_strategy\": \"%s\"},\n",
	   cf->smoke ? "true" : "false", cf->rounds, cf->series_rounds,
	   cf->count, cf->soak, key[cf->soak_strategy]);
  fputs ("  \"strategies\": {\n", f);
  for (int s = 0; s < S_COUNT; s++)
    {
      fprintf (f, "    \"%s\": ", key[s]);
      json_result_n (f, &strat[s], s + 1);
      fputs (s + 1 < S_COUNT ? ",\n" : "\n", f);
    }
  fputs ("  },\n  \"one_at_a_time\": {\n", f);
  for (int q = 0; q < NQUIET; q++)
    {
      fprintf (f, "    \"%s\": ", key[quiet_strat[q]]);
      json_result_n (f, &quiet_series[q], quiet_strat[q] + 1);
      fputs (q + 1 < NQUIET ? ",\n" : "\n", f);
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
  struct config cf = { .rounds = 30, .series_rounds = 10, .count = 100,
		       .soak = 100000,
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
			   : strcmp (optarg, "floor") == 0 ? S_FLOOR
			   : (die ("-S: autoreap, sigign or floor"), 0);
	break;
      default:
	die ("usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] "
	     "[-k SOAK] [-O] [-S autoreap|sigign|floor] CHILD OUTDIR");
      }
  if (argc - optind != 2)
    die ("usage: bench [-s] [-r ROUNDS] [-n COUNT] [-m MIB,...] [-k SOAK] "
	 "[-O] [-S autoreap|sigign|floor] CHILD OUTDIR");
  const char *child = argv[optind];
  const char *outdir = argv[optind + 1];
  if (cf.smoke)
    {
      cf.rounds = 2;
      cf.series_rounds = 2;
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
  spawn_init (child);
  if (count_children () != 0 || lasting_zombies () != 0)
    die ("start with no child and no zombie in the system");

  struct utsname u;
  uname (&u);
  fprintf (stderr, "bench: Linux %s, %s\n", u.release, hypervisor ());
  if (cf.soak_only)
    goto soak;
  fprintf (stderr, "bench: %d rounds x %d strategies x %d children\n",
	   cf.rounds, S_COUNT, cf.count);

  /* Warm up: one batch of each, not recorded.  */
  for (int s = 0; s < S_COUNT; s++)
    {
      struct result scratch = { 0 };
      run_and_record (s, cf.count, 1, &scratch);
      free (scratch.lat.v);
      free (scratch.rate.v);
    }

  for (int r = 0; r < cf.rounds; r++)
    for (int i = 0; i < S_COUNT; i++)
      {
	enum strategy s = (r + i) % S_COUNT;
	run_and_record (s, cf.count, 1, &strat[s]);
      }

  fputs ("bench: one child at a time\n", stderr);
  for (int r = 0; r < cf.series_rounds; r++)
    for (int i = 0; i < NQUIET; i++)
      {
	int q = (r + i) % NQUIET;
	run_quiet (quiet_strat[q], cf.count, &quiet_series[q]);
      }

  fputs ("bench: parent RSS series\n", stderr);
  for (int i = 0; i < cf.nmib; i++)
    {
      size_t len = (size_t) cf.mib[i] << 20;
      long before = proc_number ("/proc/self/status", "VmRSS");
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
      rss_series_kib[i] = proc_number ("/proc/self/status", "VmRSS");
      for (int r = 0; r < cf.series_rounds; r++)
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
  for (int r = 0; r < cf.series_rounds; r++)
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

  FILE *f = xfopen (outdir, "bench.json");
  write_json (f, &cf, &u);
  xfclose (f);

  int zombies = soak_end_zombies;
  for (int s = 0; s < S_COUNT; s++)
    zombies += strat[s].zombies;
  for (int q = 0; q < NQUIET; q++)
    zombies += quiet_series[q].zombies;
  for (int i = 0; i < cf.nmib; i++)
    zombies += rss_series[i][0].zombies + rss_series[i][1].zombies;
  for (int t = 0; t < 2; t++)
    zombies += thread_series[t][0].zombies + thread_series[t][1].zombies;
  if (zombies > 0)
    {
      fprintf (stderr, "bench: %d zombies were left\n", zombies);
      return 1;
    }
  return 0;
}
