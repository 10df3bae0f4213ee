/* What the benchmark reads from /proc: one helper for the figures of
   /proc/self/status, /proc/meminfo and /proc/slabinfo, and the counts
   of descriptors, processes, zombies and children.  With die and now,
   which the benchmark and the programs of tests/faults share too.  */

#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
die (const char *fmt, ...)
{
  int err = errno;		/* For %m.  */
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "%s: ", program_invocation_short_name);
  errno = err;
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (2);
}

double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Return the first number on the line of PATH that starts with KEY
   followed by ':' or a blank ("VmRSS" in /proc/self/status, "Slab" in
   /proc/meminfo, "task_struct" in /proc/slabinfo, whose first number
   is the count of objects in use), or -1 if there is none or PATH can
   not be read (/proc/slabinfo needs root).  */
long
proc_number (const char *path, const char *key)
{
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return -1;
  char line[512];
  long v = -1;
  size_t len = strlen (key);
  while (v < 0 && fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, key, len) == 0
	&& (line[len] == ':' || line[len] == ' ' || line[len] == '\t'))
      v = strtol (line + len + 1, NULL, 10);
  fclose (f);
  return v;
}

/* The number of our open descriptors.  */
int
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

/* Store in *STATE and *PPID the state letter and the parent of process
   PID (its name in /proc); return 0, or -1 if it can not be read (it
   may have vanished).  */
int
proc_stat (const char *pid, char *state, int *ppid)
{
  char path[300], buf[512];
  snprintf (path, sizeof path, "/proc/%s/stat", pid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  char *p = strrchr (buf, ')');
  return p != NULL && sscanf (p + 1, " %c %d", state, ppid) == 2 ? 0 : -1;
}

/* The number of tasks in the system: the total of /proc/loadavg's
   "running/total".  */
int
count_tasks (void)
{
  FILE *f = fopen ("/proc/loadavg", "re");
  int running, total = -1;
  if (f == NULL || fscanf (f, "%*s %*s %*s %d/%d", &running, &total) != 2)
    die ("/proc/loadavg: cannot read the number of tasks");
  fclose (f);
  return total;
}

/* Count the processes in the system and those of them that are zombies.
   A process may vanish while it is read: it is then not counted.  */
void
count_processes (int *procs, int *zombies)
{
  DIR *d = opendir ("/proc");
  if (d == NULL)
    die ("/proc: %m");
  *procs = *zombies = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      char state;
      int ppid;
      if (e->d_name[0] < '1' || e->d_name[0] > '9'
	  || proc_stat (e->d_name, &state, &ppid) != 0)
	continue;
      ++*procs;
      *zombies += state == 'Z';
    }
  closedir (d);
}

/* Zombies in the system once things have settled: an autoreaped child
   shows as Z for a moment while it is released, and the VM's init reaps
   the double fork's orphans a little after they exit, so only a zombie
   that is still there after a second counts.  */
int
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
int
count_children (void)
{
  DIR *d = opendir ("/proc/self/task");
  if (d == NULL)
    die ("/proc/self/task: %m");
  int n = 0, read = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] == '.')
	continue;
      char path[300];
      snprintf (path, sizeof path, "/proc/self/task/%s/children", e->d_name);
      FILE *f = fopen (path, "re");
      if (f == NULL)
	continue;		/* The thread has exited.  */
      read++;
      int pid;
      while (fscanf (f, "%d", &pid) == 1)
	n++;
      fclose (f);
    }
  closedir (d);
  /* Our own thread at least: without CONFIG_PROC_CHILDREN there is no
     such file.  */
  if (read == 0)
    die ("/proc/self/task/*/children: cannot be read");
  return n;
}

/* Wait until we have no child left, however it is reaped.  */
void
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
