#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Each subcommand parses its own options (GOptionContext) from argv, where
 * argv[0] is the subcommand's name, and returns the process exit status:
 * 0 on success, 1 on bad input or usage, with the message on stderr. */
typedef int (*LabCliCommand) (int argc, char **argv);

typedef struct
{
  const char    *name;
  const char    *summary;
  LabCliCommand  run;
} LabCliEntry;

/* Prints "latentlab-cli NAME: message" on stderr and returns 1. */
int   lab_cli_fail        (const char  *command,
                           GError      *error);
/* Parses argv with entries; on failure prints the error and the usage. */
gboolean lab_cli_parse    (const char  *command,
                           const char  *parameter_string,
                           const char  *summary,
                           const GOptionEntry *entries,
                           int         *argc,
                           char      ***argv,
                           int         *status);

int   lab_cli_datasets    (int argc, char **argv);
int   lab_cli_inspect     (int argc, char **argv);
int   lab_cli_noise       (int argc, char **argv);
int   lab_cli_summary     (int argc, char **argv);
int   lab_cli_train       (int argc, char **argv);
int   lab_cli_eval        (int argc, char **argv);
int   lab_cli_denoise     (int argc, char **argv);
int   lab_cli_sweep       (int argc, char **argv);
int   lab_cli_transfer    (int argc, char **argv);
int   lab_cli_augment     (int argc, char **argv);
int   lab_cli_gradcheck   (int argc, char **argv);
int   lab_cli_embed       (int argc, char **argv);
int   lab_cli_outliers    (int argc, char **argv);
int   lab_cli_layers      (int argc, char **argv);
int   lab_cli_decode      (int argc, char **argv);
int   lab_cli_interpolate (int argc, char **argv);
int   lab_cli_system      (int argc, char **argv);
int   lab_cli_lesson      (int argc, char **argv);
int   lab_cli_classify    (int argc, char **argv);
int   lab_cli_export      (int argc, char **argv);
int   lab_cli_session     (int argc, char **argv);
/* Ctrl+C (SIGINT) from begin to end cancels the cancellable instead of
 * killing the program; end puts the default action back. Every command
 * that handles Ctrl+C does it with this: classify and the lessons pass the
 * cancellable to their work, train and embed poll it in their progress
 * callbacks (and keep what they reached). */
typedef struct _LabCliInterrupt LabCliInterrupt;

LabCliInterrupt *lab_cli_interrupt_begin           (void);
GCancellable    *lab_cli_interrupt_get_cancellable (LabCliInterrupt *self);
/* For work that failed with error: when Ctrl+C stopped it, says so
 * ("latentlab-cli COMMAND: cancelled (Ctrl+C); nothing written") and
 * returns 130, as a shell does for a program ended by SIGINT; else
 * lab_cli_fail. */
int              lab_cli_interrupt_fail            (LabCliInterrupt *self,
                                                    const char      *command,
                                                    GError          *error);
void             lab_cli_interrupt_end             (LabCliInterrupt *self);

/* The version and commit, the CPU and the BLAS kernels, as `system` prints
 * them. */
void  lab_cli_print_system (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabCliInterrupt, lab_cli_interrupt_end)

G_END_DECLS
