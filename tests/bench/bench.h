/* What the parts of the benchmark share: bench.c (the rounds, the
   series, the soak and bench.json), spawn.c (the strategies) and proc.c
   (what /proc says, and die and now).  tests/bench/report renders bench.json.  */

#ifndef BENCH_H
#define BENCH_H

#define _GNU_SOURCE
#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

enum strategy
{
  S_WAIT, S_AUTOREAP, S_SIGIGN, S_DOUBLEFORK, S_PIDFD_AR, S_PIDFD_WAIT,
  S_FLOOR, S_COUNT
};

/* Short names (the keys of bench.json) and titles.  */
extern const char *const key[S_COUNT];
extern const char *const title[S_COUNT];

/* Print the program's name ("bench: ", "soak: ", "sweep: ", from
   program_invocation_short_name) and the message to stderr and exit
   with status 2.  (proc.c.)  */
void die (const char *fmt, ...)
  __attribute__ ((noreturn, format (printf, 1, 2)));

/* Seconds on CLOCK_MONOTONIC.  (proc.c.)  */
double now (void);

/* A growing list of numbers.  */
struct samples
{
  double *v;
  size_t n, cap;
};
void add (struct samples *s, double x);
/* The median of S, which keeps the order the samples were taken in.  */
double median (const struct samples *s);

/* The results of one strategy in one setting, one sample per batch.  */
struct result
{
  struct samples lat;		/* Median seconds per start call.  */
  struct samples rate;		/* Children started and finished per s.  */
  int zombies;			/* The most seen after a batch.  */
  long rss_kib;			/* After the last batch.  */
  int fds;			/* Likewise.  */
};

/* proc.c.  */
long proc_number (const char *path, const char *key);
int proc_stat (const char *pid, char *state, int *ppid);
int count_fds (void);
int count_tasks (void);
void count_processes (int *procs, int *zombies);
int lasting_zombies (void);
int count_children (void);
void wait_children_gone (void);

/* spawn.c.  */
void spawn_init (const char *child);
double start_one (enum strategy s, int *handle);
void run_and_record (enum strategy s, int count, int threads,
		     struct result *r);
void run_quiet (enum strategy s, int count, struct result *r);

#endif
