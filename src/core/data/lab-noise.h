#pragma once

#include <glib.h>

#include "lab-error.h"
#include "lab-rng.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_NOISE_NONE,
  LAB_NOISE_GAUSSIAN,     /* clip(x + f * N(0,1), 0, 1), f = amount in [0,1] */
  LAB_NOISE_SALT_PEPPER,  /* a fraction `amount` of pixels set to 0 or 1 */
  LAB_NOISE_MASK,         /* a fraction `amount` of pixels set to 0 */
  LAB_NOISE_DOWNSAMPLE,   /* 2x2 area average, then nearest upsample back */
} LabNoiseType;

typedef struct
{
  LabNoiseType type;
  float        amount;
} LabNoise;

/* "gaussian:0.5", "salt-pepper:0.1", "mask:0.3", "downsample", "none". */
gboolean      lab_noise_parse       (const char     *text,
                                     LabNoise       *noise,
                                     GError        **error);
/* The same form lab_noise_parse reads. Free with g_free. */
char         *lab_noise_to_string   (const LabNoise *noise);
const char   *lab_noise_type_name   (LabNoiseType    type);
/* FALSE for the types whose amount changes nothing (none, downsample). */
gboolean      lab_noise_type_has_amount (LabNoiseType  type);
/* In place on x (n, height, width), values in [0,1]. Draws from rng. */
void          lab_noise_apply       (const LabNoise *noise,
                                     float          *x,
                                     guint           n,
                                     guint           height,
                                     guint           width,
                                     LabRng         *rng);

G_END_DECLS
