#pragma once

#include <glib.h>

#include "lab-error.h"
#include "lab-save.h"

G_BEGIN_DECLS

/* The safetensors format (huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON
 *   {"__metadata__": {"key": "string", ...},
 *    "<name>": {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]}, ...}
 * padded with spaces, then the raw little-endian tensor bytes; offsets are
 * relative to the end of the header. */

/* Largest JSON header we parse; real ones are a few kB. */
#define LAB_SAFETENSORS_MAX_HEADER  (100u << 20)
#define LAB_SAFETENSORS_MAX_DIMS    8

typedef struct
{
  char    *name;
  char    *dtype;        /* "F32", "I64", ... */
  guint    dtype_size;   /* bytes per element */
  guint    ndim;
  guint64  shape[LAB_SAFETENSORS_MAX_DIMS];
  guint64  begin;        /* bytes from the start of the data */
  guint64  end;
} LabSafetensorsTensor;

/* A parsed and fully validated file, mapped read-only. */
typedef struct _LabSafetensors LabSafetensors;

/* Checks everything before trusting anything: the header length against
 * the file size, the JSON, each dtype and shape, every data range inside
 * the file and no two overlapping. Errors start with the file's name. */
LabSafetensors             *lab_safetensors_open          (const char           *path,
                                                           GError              **error);
void                        lab_safetensors_free          (LabSafetensors       *self);
/* The file's base name, as errors name it. */
const char                 *lab_safetensors_get_name      (LabSafetensors       *self);
guint                       lab_safetensors_n_tensors     (LabSafetensors       *self);
/* In the order of the header. */
const LabSafetensorsTensor *lab_safetensors_get_tensor    (LabSafetensors       *self,
                                                           guint                 index);
const LabSafetensorsTensor *lab_safetensors_find          (LabSafetensors       *self,
                                                           const char           *name);
/* end - begin bytes, possibly unaligned: read with memcpy. */
const guint8               *lab_safetensors_tensor_data   (LabSafetensors       *self,
                                                           const LabSafetensorsTensor *tensor);
/* A "__metadata__" value, or NULL. */
const char                 *lab_safetensors_get_metadata  (LabSafetensors       *self,
                                                           const char           *key);
/* (element-type utf8) keys, borrowed. */
GList                      *lab_safetensors_metadata_keys (LabSafetensors       *self);

/* "[64,32,3,3]" */
char                       *lab_safetensors_shape_to_string (guint              ndim,
                                                           const guint64     *shape);

/* Collects tensors (borrowed until save) and metadata, then writes them. */
typedef struct _LabSafetensorsWriter LabSafetensorsWriter;

LabSafetensorsWriter       *lab_safetensors_writer_new    (void);
void                        lab_safetensors_writer_free   (LabSafetensorsWriter *self);
/* data holds the product of shape elements of dtype ("F32", "I64" or "U8"),
 * in host byte order; it is converted to little-endian on save. */
void                        lab_safetensors_writer_add    (LabSafetensorsWriter *self,
                                                           const char           *name,
                                                           const char           *dtype,
                                                           guint                 ndim,
                                                           const guint64        *shape,
                                                           gconstpointer         data);
/* From now on, add() copies the data too: the writer then owns all it
 * writes and can be saved on another thread. */
void                        lab_safetensors_writer_set_copy_data (LabSafetensorsWriter *self,
                                                           gboolean              copy);
/* The same with data copied now (small tensors from the stack). */
void                        lab_safetensors_writer_add_copy (LabSafetensorsWriter *self,
                                                           const char           *name,
                                                           const char           *dtype,
                                                           guint                 ndim,
                                                           const guint64        *shape,
                                                           gconstpointer         data);
void                        lab_safetensors_writer_set_metadata (LabSafetensorsWriter *self,
                                                           const char           *key,
                                                           const char           *value);
/* Writes to a temporary file beside path and renames it over path, so a
 * failed save leaves an existing file as it was. */
gboolean                    lab_safetensors_writer_save   (LabSafetensorsWriter *self,
                                                           const char           *path,
                                                           GError              **error);
/* The same into save, begun for path, which the caller commits (with
 * another file, lab_save_commit_pair) or abandons; FALSE, save untouched,
 * when the tensors are too many for one file. */
gboolean                    lab_safetensors_writer_write  (LabSafetensorsWriter *self,
                                                           LabSave              *save,
                                                           const char           *path,
                                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSafetensors, lab_safetensors_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSafetensorsWriter, lab_safetensors_writer_free)

G_END_DECLS
