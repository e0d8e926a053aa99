#define G_LOG_DOMAIN "latentlab"

#include <signal.h>

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-blas.h"
#include "lab-format.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(LabApplication) app = NULL;

  /* A write past the file-size limit (ulimit -f) then fails with EFBIG,
   * which every save reports with the file's name, instead of killing the
   * program with SIGXFSZ and a temporary file left behind. */
  signal (SIGXFSZ, SIG_IGN);
  lab_format_init_locale ();
  /* build-aux/run points this at the build tree's compiled translations. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LATENTLAB_LOCALEDIR") ? g_getenv ("LATENTLAB_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Before any thread: loading the BLAS sets its kernels in the environment. */
  lab_blas_init ();
  app = lab_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
