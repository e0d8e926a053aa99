#pragma once

#include <glib.h>

#include "lab-error.h"

G_BEGIN_DECLS

/* Folders (a lesson's run, a gallery exported as PNGs) are replaced the way
 * files are (lab-save.h): written whole into a new folder beside path,
 * "PATH.partial-XXXXXX", then put in path's place, so a failure or a
 * cancel leaves the previous folder (or none), never half of one.
 *
 * While a folder is written, an empty file beside it, "PATH.partial-XXXXXX"
 * + LAB_SAVE_FOLDER_LOCK, is kept locked (flock) by its writer. A process
 * killed while it writes or commits leaves the folder and that file behind
 * with the lock free; the next successful commit beside them removes both
 * once the lock file is LAB_SAVE_STALE_SECONDS old. A folder of the
 * pattern without such a file is not LatentLab's and is never touched,
 * and what is put in path's place is only what was written. */
typedef struct _LabSaveFolder LabSaveFolder;

#define LAB_SAVE_FOLDER_LOCK ".lock"

/* Makes the lock file and locks it, then the folder "PATH.partial-XXXXXX"
 * (and path's parent when missing); errors name what could not be made
 * ("NAME: cannot create the folder (REASON)"). */
LabSaveFolder *lab_save_folder_begin        (const char     *path,
                                             GError        **error);
/* The folder to write into. */
const char    *lab_save_folder_get_dir      (LabSaveFolder  *self);
/* Puts the finished folder in path's place: a folder there is swapped with
 * it in one rename (RENAME_EXCHANGE), so path is never missing, even to a
 * process killed in the middle, and then removed (on a file system that
 * cannot swap, it is moved aside first); on any failure the previous
 * folder is put back, the new one removed and error set ("PATH: cannot put
 * the folder in place (REASON)"). Then removes the stale folders beside
 * path (above). Frees self either way. */
gboolean       lab_save_folder_commit       (LabSaveFolder  *self,
                                             GError        **error);
/* Removes the folder and frees self; path is untouched. NULL is ignored. */
void           lab_save_folder_abandon      (LabSaveFolder  *self);
/* Removes the stale folders (above) in path's parent, of any name; returns
 * how many. */
guint          lab_save_folder_remove_stale (const char     *path);

/* Removes path and everything under it (symbolic links, not what they
 * point to); nothing for NULL. */
void           lab_save_remove_tree         (const char     *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSaveFolder, lab_save_folder_abandon)

G_END_DECLS
