#pragma once

#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* Saving a file so that a failure never destroys what was there, for every
 * writer of the core (models, PNG images and plots, IDX files, CSV and
 * JSON exports).
 *
 * Everything goes to a temporary file beside path ("NAME.XXXXXX.part", in
 * the same folder so the rename cannot cross file systems), which is synced
 * and renamed over path only when complete. A full disk, a file-size limit
 * (the app and the CLI ignore SIGXFSZ, so a write past it fails with EFBIG
 * instead of killing them) or any other failure removes the temporary
 * file and leaves the previous file as it was; a process killed in the
 * middle leaves the previous file intact too, and the temporary one
 * behind: the next successful save of path removes those of its own
 * pattern that are older than LAB_SAVE_STALE_SECONDS and that no save
 * holds (a save holds a flock on its temporary file while it writes).
 * Errors are LAB_ERROR_IO, "NAME: cannot save (REASON)", NAME the file's
 * base name. */
typedef struct _LabSave LabSave;

#define LAB_SAVE_STALE_SECONDS 60

LabSave  *lab_save_begin     (const char   *path,
                              GError      **error);
/* Appends len bytes. After the first failure it writes nothing more and
 * returns FALSE; lab_save_commit reports that failure. */
gboolean  lab_save_write     (LabSave      *self,
                              const void   *data,
                              gsize         len);
/* Records a failure found by the caller (an encoder's error), taking
 * reason; the first failure recorded is the one reported. */
void      lab_save_fail      (LabSave      *self,
                              char         *reason);
/* FALSE, with the save's error, once a failure was recorded (for a writer
 * that reports as it goes); the save stays open to be abandoned. */
gboolean  lab_save_check     (LabSave      *self,
                              GError      **error);
/* Finishes the file and renames it over path, or on any failure recorded
 * or met now removes it and sets error. Frees self either way. */
gboolean  lab_save_commit    (LabSave      *self,
                              GError      **error);
/* Two files that belong together (an IDX images file and its labels):
 * both are finished and synced first, and renamed only when both are
 * whole, last one last; on any failure both temporary files go, the
 * previous pair stays (a failed last rename puts the previous first file
 * back) and error names the file that failed. Only a crash between the
 * two renames (microseconds apart) can leave the new first file beside
 * the old last one. Frees both either way. */
gboolean  lab_save_commit_pair (LabSave    *first,
                                LabSave    *last,
                                GError    **error);
/* Removes the temporary file and frees self; path is untouched. */
void      lab_save_abandon   (LabSave      *self);

/* The whole of data as the file path, through the steps above. */
gboolean  lab_save_contents  (const char   *path,
                              const void   *data,
                              gsize         len,
                              GError      **error);

/* Removes the stale temporary files of path's pattern (above), as a
 * successful save does; returns how many. */
guint     lab_save_remove_stale (const char *path);
/* A file held by a writer while it writes, seen by another process: when
 * path is a regular file last written more than LAB_SAVE_STALE_SECONDS
 * ago (seconds since the epoch: now) that no one holds a lock on, returns
 * a descriptor holding its lock (the caller removes it, then closes that),
 * else -1. */
int       lab_save_take_stale   (const char *path,
                                 gint64      now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSave, lab_save_abandon)

G_END_DECLS
