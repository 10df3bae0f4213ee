/* make check-glib's measurement (tests/glib/run): g_spawn_async of a
   short program without G_SPAWN_DO_NOT_REAP_CHILD, which GLib 2.74 does
   with a double fork and the patched GLib with POSIX_SPAWN_AUTOREAP,
   whichever GLib this is linked with.  Starts COUNT children of CHILD
   (tests/bench/child.c, which exits at once), ROUNDS times, with
   G_SPAWN_LEAVE_DESCRIPTORS_OPEN (GLib uses posix_spawn only then), and
   prints for each round the children started and finished per second
   and the median time of a g_spawn_async call.  Each child inherits the
   write end of a pipe, so that the round ends when the last child has
   exited, however it is reaped.  With -r MIB it first makes MIB MiB of
   memory resident (a large parent: fork copies its page tables).  After
   the rounds it prints how many of its children are zombies.

   usage: spawn-bench [-r MIB] CHILD COUNT ROUNDS  */

#include "../bench/bench.h"	/* now, proc_stat: tests/bench/proc.c.  */
#include <glib.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Zombies whose parent is this process.  */
static int
our_zombies (void)
{
  DIR *d = opendir ("/proc");
  int n = 0;
  struct dirent *e;
  while (d != NULL && (e = readdir (d)) != NULL)
    {
      char state;
      int ppid;
      if (e->d_name[0] >= '1' && e->d_name[0] <= '9'
	  && proc_stat (e->d_name, &state, &ppid) == 0
	  && ppid == getpid () && state == 'Z')
	n++;
    }
  if (d != NULL)
    closedir (d);
  return n;
}

int
main (int argc, char **argv)
{
  long resident_mib = 0;
  if (argc > 2 && strcmp (argv[1], "-r") == 0)
    {
      resident_mib = atol (argv[2]);
      argv += 2;
      argc -= 2;
    }
  if (argc != 4 || atoi (argv[2]) < 1 || atoi (argv[3]) < 1)
    {
      fputs ("usage: spawn-bench [-r MIB] CHILD COUNT ROUNDS\n", stderr);
      return 2;
    }
  int count = atoi (argv[2]), rounds = atoi (argv[3]);
  if (resident_mib > 0)
    {
      size_t size = resident_mib << 20;
      char *mem = malloc (size);
      if (mem == NULL)
	{
	  fprintf (stderr, "spawn-bench: cannot allocate %ld MiB\n",
		   resident_mib);
	  return 2;
	}
      memset (mem, 1, size);
    }
  gchar *child_argv[] = { argv[1], NULL };
  double *lat = g_new (double, count);
  for (int r = 0; r < rounds; r++)
    {
      int p[2];
      if (pipe2 (p, O_CLOEXEC) != 0 || fcntl (p[1], F_SETFD, 0) != 0)
	return 2;
      double t0 = now ();
      for (int i = 0; i < count; i++)
	{
	  GError *error = NULL;
	  double t = now ();
	  if (!g_spawn_async (NULL, child_argv, NULL,
			      G_SPAWN_LEAVE_DESCRIPTORS_OPEN, NULL, NULL,
			      NULL, &error))
	    {
	      fprintf (stderr, "spawn-bench: %s\n", error->message);
	      return 1;
	    }
	  lat[i] = now () - t;
	}
      close (p[1]);
      char c;
      while (read (p[0], &c, 1) != 0 && errno == EINTR)
	continue;
      double elapsed = now () - t0;
      close (p[0]);
      qsort (lat, count, sizeof *lat, compare);
      printf ("round %d: %.1f children/s, start call %.1f us (median)\n",
	      r + 1, count / elapsed, lat[count / 2] * 1e6);
    }
  printf ("zombies: %d\n", our_zombies ());
  g_free (lat);
  return 0;
}
