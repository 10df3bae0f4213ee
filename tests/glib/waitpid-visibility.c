/* What a GLib user's own waitpid (-1) sees beside a child that
   g_spawn_async started without G_SPAWN_DO_NOT_REAP_CHILD (and with
   G_SPAWN_LEAVE_DESCRIPTORS_OPEN, where GLib may use posix_spawn): it
   starts "sleep 2", waits 500 ms for it to have executed sleep, then
   prints what waitpid (-1, &status, WNOHANG) returns: "ECHILD" (nothing
   to wait for: the double fork's grandchild, or an automatically reaped
   child on a kernel with the project's fix), "0" (a child counted as
   running: an automatically reaped child after its exec on a kernel
   without the fix) or "pid N"; then "ours" if the child is ours (its
   parent is this process: GLib spawned it directly, with automatic
   reaping), "not ours" if it is not (the double fork's grandchild).  make check-glib (tests/glib/run) runs
   it with both GLibs on every kernel.

   usage: waitpid-visibility  */

#include "../bench/bench.h"	/* proc_stat: tests/bench/proc.c.  */
#include <glib.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (void)
{
  gchar *argv[] = { (gchar *) "sleep", (gchar *) "2", NULL };
  GError *error = NULL;
  GPid pid;
  if (!g_spawn_async (NULL, argv, NULL,
		      G_SPAWN_SEARCH_PATH | G_SPAWN_LEAVE_DESCRIPTORS_OPEN,
		      NULL, NULL, &pid, &error))
    {
      fprintf (stderr, "waitpid-visibility: %s\n", error->message);
      return 2;
    }
  usleep (500000);
  int status;
  pid_t r = waitpid (-1, &status, WNOHANG);
  if (r < 0 && errno == ECHILD)
    fputs ("ECHILD", stdout);
  else if (r == 0)
    fputs ("0", stdout);
  else
    printf ("pid %d", (int) r);
  /* The child's parent.  */
  char name[32], state;
  int ppid;
  snprintf (name, sizeof name, "%d", (int) pid);
  if (proc_stat (name, &state, &ppid) != 0)
    {
      fprintf (stderr, "waitpid-visibility: cannot read /proc/%s/stat\n",
	       name);
      return 2;
    }
  puts (ppid == getpid () ? " ours" : " not ours");
  return 0;
}
