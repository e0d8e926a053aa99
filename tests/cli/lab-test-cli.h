#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs the CLI ($LAB_CLI, set by meson) with the NULL-terminated arguments
 * after first; returns its exit status and what it printed. Aborts the
 * test when it cannot run or does not exit normally. */
int lab_test_run_cli         (char       **out,
                              char       **err,
                              const char  *first,
                              ...) G_GNUC_NULL_TERMINATED;
/* The same with args (NULL-terminated) and, when fsize_limit > 0, a
 * file-size limit of that many bytes (ulimit -f) with SIGXFSZ at its
 * default, killing, action: whatever the CLI does about it, it does
 * itself. */
int lab_test_run_cli_limited (guint64             fsize_limit,
                              char              **out,
                              char              **err,
                              const char * const *args);

/* How long a command may take to end after Ctrl+C before the test fails:
 * generous, for a loaded machine; a command that ignores it runs minutes. */
#define LAB_TEST_INTERRUPT_LIMIT_S 30

/* Starts the CLI with args (NULL-terminated), waits until what it prints
 * (standard output and error, merged) holds ready (NULL: at once), then
 * delay_ms more, and sends it SIGINT, as Ctrl+C does; returns its exit
 * status and all it printed. Aborts the test when it does not end within
 * LAB_TEST_INTERRUPT_LIMIT_S of the signal (it is killed then) or dies of
 * a signal. */
int lab_test_interrupt_cli   (const char          *ready,
                              guint                delay_ms,
                              char               **printed,
                              const char * const  *args);

G_END_DECLS
