#pragma once

#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* Saving a file so that a failure never destroys what was there, for every
 * writer of the core (models, PNG images and plots, IDX files, CSV and
 * JSON exports).
 *
 * Everything goes to a temporary file beside path ("NAME.XXXXXX", in the
 * same folder so the rename cannot cross file systems), which is synced and
 * renamed over path only when complete. A full disk, a file-size limit (the
 * app and the CLI ignore SIGXFSZ, so a write past it fails with EFBIG
 * instead of killing them) or any other failure removes the temporary
 * file and leaves the previous file as it was; a process killed in the
 * middle leaves the previous file intact too (and the temporary one
 * behind). Errors are LAB_ERROR_IO, "NAME: cannot save (REASON)", NAME the
 * file's base name. */
typedef struct _LabSave LabSave;

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
/* Finishes the file and renames it over path, or on any failure recorded
 * or met now removes it and sets error. Frees self either way. */
gboolean  lab_save_commit    (LabSave      *self,
                              GError      **error);
/* Removes the temporary file and frees self; path is untouched. */
void      lab_save_abandon   (LabSave      *self);

/* The whole of data as the file path, through the steps above. */
gboolean  lab_save_contents  (const char   *path,
                              const void   *data,
                              gsize         len,
                              GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSave, lab_save_abandon)

G_END_DECLS
