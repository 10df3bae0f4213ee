/* What a GLib user's own waitpid (-1) sees beside a child that
   g_spawn_async started without G_SPAWN_DO_NOT_REAP_CHILD (and with
   G_SPAWN_LEAVE_DESCRIPTORS_OPEN, where GLib may use posix_spawn): it
   starts "sleep 2", waits 500 ms for it to have executed sleep, then
   prints what waitpid (-1, &status, WNOHANG) returns: "ECHILD" (nothing
   to wait for: the double fork's grandchild, or an automatically reaped
   child on a kernel with the project's fix), "0" (a child counted as
   running: an automatically reaped child after its exec on a kernel
   without the fix) or "pid N".  make check-glib (tests/glib/run) runs
   it with both GLibs on every kernel.

   usage: waitpid-visibility  */

#include <glib.h>

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (void)
{
  gchar *argv[] = { (gchar *) "sleep", (gchar *) "2", NULL };
  GError *error = NULL;
  if (!g_spawn_async (NULL, argv, NULL,
		      G_SPAWN_SEARCH_PATH | G_SPAWN_LEAVE_DESCRIPTORS_OPEN,
		      NULL, NULL, NULL, &error))
    {
      fprintf (stderr, "waitpid-visibility: %s\n", error->message);
      return 2;
    }
  usleep (500000);
  int status;
  pid_t r = waitpid (-1, &status, WNOHANG);
  if (r < 0 && errno == ECHILD)
    puts ("ECHILD");
  else if (r == 0)
    puts ("0");
  else
    printf ("pid %d\n", (int) r);
  return 0;
}
