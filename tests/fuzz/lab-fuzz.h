#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

/* A fuzz harness is one libFuzzer entry point. The same harness runs under
 * libFuzzer (-Dfuzzing=true, clang) and under fuzz-replay.c's main(), which
 * feeds it every corpus and regression file in the normal build. */
int      LLVMFuzzerTestOneInput (const uint8_t *data,
                                 size_t         size);
int      LLVMFuzzerInitialize   (int           *argc,
                                 char        ***argv);

/* A folder of this process's own, made on first use and removed at exit;
 * harnesses write the loader's input files there. */
const char *lab_fuzz_dir        (void);
/* Writes len bytes to lab_fuzz_dir()/name (name may hold one subfolder,
 * created as needed) and returns the path. */
char       *lab_fuzz_write      (const char    *name,
                                 const guint8  *data,
                                 gsize          len);
/* Removes everything in lab_fuzz_dir(), keeping the folder. */
void        lab_fuzz_clear      (void);
/* data gzip-compressed (as gzip(1) writes it); free with g_free. */
guint8     *lab_fuzz_gzip       (const guint8  *data,
                                 gsize          len,
                                 gsize         *out_len);
/* A loader's contract on any input: it returns a result and no error, or
 * no result and an error with a message, in UTF-8 when utf8 (the message
 * quotes nothing the input could make invalid). Aborts otherwise, so the
 * fuzzer and the replay suite report it. */
void        lab_fuzz_check_result (gboolean     ok,
                                   const GError *error,
                                   const char   *what,
                                   gboolean      utf8);
/* Reads every byte of data, so a sanitizer sees a buffer that is too short
 * or uninitialised where the loader hands it out; returns their sum. */
guint64     lab_fuzz_touch      (const guint8  *data,
                                 gsize          len);

G_END_DECLS
