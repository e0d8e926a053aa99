#pragma once

#include "lab-json-builder.h"
#include "lab-safetensors.h"
#include "lab-session-file.h"

G_BEGIN_DECLS

/* What the parts of a session file (lab-session-file.c, -map.c,
 * -gallery.c, -classify.c, -transfer.c) share: checked readers of the JSON and of the
 * tensors, and a few writers. Every reader names the file and "where"
 * (the member's place, e.g. "map" or "gallery.items[3]") in its error. */

typedef struct
{
  LabSafetensors *st;
  const char     *file;   /* the file's base name, for messages */
} LabSessionReader;

/* Sets error "<file>: the session's “where.member” must be should";
 * returns FALSE. */
gboolean     lab_session_bad_member   (const LabSessionReader *r,
                                       const char             *where,
                                       const char             *member,
                                       const char             *should,
                                       GError                **error);
gboolean     lab_session_read_uint    (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       guint64                 max,
                                       guint64                *value,
                                       GError                **error);
/* The same, for a count held in a guint (max at most G_MAXUINT32). */
gboolean     lab_session_read_count   (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       guint                   max,
                                       guint                  *value,
                                       GError                **error);
/* null reads as NAN when nullable. */
gboolean     lab_session_read_double  (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       gboolean                nullable,
                                       double                 *value,
                                       GError                **error);
gboolean     lab_session_read_bool    (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       gboolean               *value,
                                       GError                **error);
/* Borrowed; a missing or null member is *value = NULL when optional. */
gboolean     lab_session_read_string  (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       gboolean                optional,
                                       const char            **value,
                                       GError                **error);
/* Borrowed; missing: *value = NULL when optional. */
gboolean     lab_session_read_object  (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       gboolean                optional,
                                       JsonObject            **value,
                                       GError                **error);
gboolean     lab_session_read_array   (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       JsonArray             **value,
                                       GError                **error);
/* A list element (or any node) at where that must be an object. */
gboolean     lab_session_object_at    (const LabSessionReader *r,
                                       JsonNode               *node,
                                       const char             *where,
                                       JsonObject            **value,
                                       GError                **error);
/* A list of exactly n numbers (null reads as NAN) into out (n). */
gboolean     lab_session_read_doubles (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       guint                   n,
                                       double                 *out,
                                       GError                **error);
/* A list of exactly n whole numbers, each up to max, into out (n). */
gboolean     lab_session_read_uints   (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       guint                   n,
                                       guint64                 max,
                                       guint                  *out,
                                       GError                **error);
/* A list of n strings (exactly n when n_expected is not G_MAXUINT; *n
 * receives the count): NULL-terminated, g_strfreev. */
char       **lab_session_read_strv    (const LabSessionReader *r,
                                       JsonObject             *obj,
                                       const char             *where,
                                       const char             *member,
                                       guint                   n_expected,
                                       guint                  *n,
                                       GError                **error);
/* A copy of tensor name in host byte order, after checking that it has
 * dtype ("F32", "I64", "U8") and exactly the shape (ndim sizes) the JSON
 * said: the copy's size is then what the file holds. */
gpointer     lab_session_read_tensor  (const LabSessionReader *r,
                                       const char             *name,
                                       const char             *dtype,
                                       guint                   ndim,
                                       const guint64          *shape,
                                       GError                **error);
/* An I64 tensor of n values, each in [0, limit), as guint. */
guint       *lab_session_read_indices (const LabSessionReader *r,
                                       const char             *name,
                                       guint                   n,
                                       guint64                 limit,
                                       GError                **error);

/* Writing (the JSON members with lab-json-builder.h): values (n) as an
 * I64 tensor (copied). */
void         lab_session_add_indices  (LabSafetensorsWriter   *w,
                                       const char             *name,
                                       const guint            *values,
                                       guint                   n);

/* The parts. Each saver writes its member into b (in an open object) and
 * its tensors into w (borrowed until the save); each loader reads them
 * back, checked. */
void          lab_session_map_save       (const LabEmbedding     *map,
                                          LabDataset             *images,
                                          JsonBuilder            *b,
                                          LabSafetensorsWriter   *w);
LabEmbedding *lab_session_map_load       (const LabSessionReader *r,
                                          JsonObject             *obj,
                                          LabDataset            **images,
                                          GError                **error);
void          lab_session_gallery_save   (LabGallery             *gallery,
                                          JsonBuilder            *b,
                                          LabSafetensorsWriter   *w);
LabGallery   *lab_session_gallery_load   (const LabSessionReader *r,
                                          JsonObject             *obj,
                                          GError                **error);
void          lab_session_classify_save  (GPtrArray              *results,
                                          JsonBuilder            *b,
                                          LabSafetensorsWriter   *w);
gboolean      lab_session_classify_load  (const LabSessionReader *r,
                                          JsonArray              *array,
                                          GPtrArray              *results,
                                          GError                **error);
void          lab_session_transfer_save  (const LabTransferResult *result,
                                          JsonBuilder             *b,
                                          LabSafetensorsWriter    *w);
LabTransferResult *lab_session_transfer_load (const LabSessionReader *r,
                                          JsonObject             *obj,
                                          GError                **error);

G_END_DECLS
