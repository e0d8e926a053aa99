#pragma once

#include <json-glib/json-glib.h>

#include "lab-classify.h"
#include "lab-dataset.h"
#include "lab-embedding.h"
#include "lab-error.h"
#include "lab-gallery.h"
#include "lab-model.h"
#include "lab-transfer.h"

G_BEGIN_DECLS

/* A saved session: the whole demo of one window in one file, so a teacher
 * prepares it at home and opens it in class as it was, with no training
 * and no map to compute again. It holds
 *   the dataset: how to open it (catalog id or path, split), its name,
 *     size and content hash (lab-dataset-hash.h), not its images;
 *   the model: its architecture, weights and training record (the loss
 *     curves), as a model file has them (lab-model-io.h);
 *   the latent map (a LabEmbedding: method, rows, latents, points, PCA
 *     axes), the augmentation gallery, the Classify page's runs and its
 *     transfer-learning result;
 *   each page's own settings (noise, images, view, lesson ...) as a JSON
 *     object per page, and the page shown.
 *
 * The file is a safetensors file (lab-safetensors.h), readable from
 * Python with safetensors or numpy: the metadata "format" =
 * LAB_SESSION_FILE_FORMAT, "session" = the JSON above (README "Sessions"
 * documents it), "spec" and "train" as a model file; tensors "model.*"
 * (the model's state_dict under "model."), "map.*", "gallery.*",
 * "classify.<i>.*", "transfer.*".
 *
 * Loading trusts nothing: every count the JSON gives is checked against the
 * tensor that holds the data (whose size safetensors checked against the
 * file), so nothing is allocated because the JSON merely says so, and
 * every error names the file and the member or tensor at fault. */
#define LAB_SESSION_FILE_FORMAT "latentlab-session-1"
/* The name the app gives session files. */
#define LAB_SESSION_FILE_SUFFIX ".latentlab"

typedef struct
{
  char      *spec;       /* as lab_dataset_open takes it; NULL: no dataset */
  char      *name;       /* "MNIST (train)" */
  LabSplit   split;
  guint      n, height, width;
  char      *sha256;     /* lab_dataset_hash of that split, or NULL */
} LabSessionDataset;

typedef struct
{
  LabSessionDataset  dataset;
  LabModel          *model;        /* NULL: none */
  char              *train_json;   /* the model's training record, or NULL */
  char              *model_path;   /* the file it was opened from, or NULL */
  guint64            step;         /* optimizer steps behind the weights */
  char              *page;         /* the page shown, or NULL */
  LabEmbedding      *map;          /* the latent map, or NULL */
  LabDataset        *map_images;   /* the map's images in row order (labels and
                                    * class names too), so the map shows them
                                    * without its dataset; or NULL */
  LabGallery        *gallery;      /* or NULL */
  GPtrArray         *classify;     /* (element-type LabClassifyResult) never NULL */
  LabTransferResult *transfer;     /* the Classify page's transfer panel's, or NULL */
  /*< private >*/
  JsonObject        *pages;        /* page name -> its object */
  LabDataset        *dataset_source;  /* to hash on save, or NULL */
  gboolean           borrowing;
} LabSessionFile;

LabSessionFile *lab_session_file_new               (void);
/* A session to save that borrows its model, map, gallery and classifier
 * runs from their owners (the window's pages): free leaves them alone.
 * Main thread only, until lab_session_file_snapshot has copied them. */
LabSessionFile *lab_session_file_new_borrowing     (void);
void            lab_session_file_free              (LabSessionFile        *self);
/* Records dataset (spec, split, size; a reference to hash it on save). */
void            lab_session_file_set_dataset       (LabSessionFile        *self,
                                                    const LabDataset      *dataset,
                                                    const char            *spec,
                                                    LabSplit               split);
/* The settings object of page, created empty on first use (transfer none):
 * a page writes its own members there on save. */
JsonObject     *lab_session_file_get_page_state    (LabSessionFile        *self,
                                                    const char            *page);
/* The same on load: NULL when the file has none for page. */
JsonObject     *lab_session_file_lookup_page_state (const LabSessionFile  *self,
                                                    const char            *page);
/* The names of the pages with settings, sorted (g_strfreev). */
char          **lab_session_file_list_pages        (const LabSessionFile  *self);

/* Writes self to path atomically (an existing file stays as it was when
 * this fails). */
gboolean        lab_session_file_save              (const LabSessionFile  *self,
                                                    const char            *path,
                                                    GError               **error);
/* Saving in two steps, for an app: the snapshot copies everything (cheap:
 * a memcpy of the tensors) on the thread that owns self; saving it (the
 * dataset's hash, the JSON, the file) runs on any thread. */
typedef struct _LabSessionSnapshot LabSessionSnapshot;

LabSessionSnapshot *lab_session_file_snapshot      (const LabSessionFile  *self);
gboolean        lab_session_snapshot_save          (LabSessionSnapshot    *snap,
                                                    const char            *path,
                                                    GError               **error);
void            lab_session_snapshot_free          (LabSessionSnapshot    *snap);
LabSessionFile *lab_session_file_load              (const char            *path,
                                                    GError               **error);

/* Whether dataset holds the session's images: the same size and, when the
 * session knows it, the same content hash. MISMATCH says how they differ. */
gboolean        lab_session_file_check_dataset     (const LabSessionFile  *self,
                                                    const LabDataset      *dataset,
                                                    GError               **error);
/* Whether the session's dataset can be opened on this computer (a catalog
 * dataset that is installed, a file or folder that exists); when it
 * cannot, error (NOT_FOUND) says which dataset to install or locate. */
gboolean        lab_session_file_find_dataset      (const LabSessionFile  *self,
                                                    GError               **error);

/* Small JSON readers for pages' settings: the member's value, or fallback
 * when it is missing or of another type. */
double          lab_session_state_get_double       (JsonObject            *state,
                                                    const char            *member,
                                                    double                 fallback);
gint64          lab_session_state_get_int          (JsonObject            *state,
                                                    const char            *member,
                                                    gint64                 fallback);
const char     *lab_session_state_get_string       (JsonObject            *state,
                                                    const char            *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSessionFile, lab_session_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSessionSnapshot, lab_session_snapshot_free)

G_END_DECLS
