#define G_LOG_DOMAIN "latentlab-core"

#include "lab-synthetic.h"

#include <math.h>
#include <string.h>

#include <cairo.h>

#include "lab-rng.h"

/* MNIST's geometry: digits scaled to fit a 20x20 box, centred in 28x28. */
#define SIDE      28
#define BOX       20.0
/* Font size the outlines are taken at; they are rescaled per image. */
#define REF_SIZE  100.0

/* Font variants: the toy API resolves "DejaVu Sans" through fontconfig and
 * falls back to the default sans face where DejaVu is missing. */
static const struct
{
  const char          *family;
  cairo_font_slant_t   slant;
  cairo_font_weight_t  weight;
} faces[] = {
  { "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,  CAIRO_FONT_WEIGHT_NORMAL },
  { "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,  CAIRO_FONT_WEIGHT_BOLD },
  { "DejaVu Sans", CAIRO_FONT_SLANT_OBLIQUE, CAIRO_FONT_WEIGHT_NORMAL },
  { "DejaVu Sans", CAIRO_FONT_SLANT_OBLIQUE, CAIRO_FONT_WEIGHT_BOLD },
};

#define N_FACES G_N_ELEMENTS (faces)

/* A digit's outline at REF_SIZE, moved so its centre of mass is on the
 * origin (MNIST centres digits by their centre of mass, not their box). */
typedef struct
{
  cairo_path_t *path;
  double        width;
  double        height;
} Glyph;

/* Centre of mass of text's ink, relative to the text's origin. cr has the
 * face and size selected; ext are the text's extents. */
static void
ink_centroid (cairo_t                    *cr,
              const char                 *text,
              const cairo_text_extents_t *ext,
              double                     *cx,
              double                     *cy)
{
  int w = (int) ceil (ext->width) + 2;
  int h = (int) ceil (ext->height) + 2;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, w, h);
  cairo_t *scratch = cairo_create (surface);
  const guint8 *data;
  double sum = 0, sx = 0, sy = 0;
  int stride;

  cairo_set_font_face (scratch, cairo_get_font_face (cr));
  cairo_set_font_size (scratch, REF_SIZE);
  /* The ink box's top-left lands on (1, 1). */
  cairo_move_to (scratch, 1 - ext->x_bearing, 1 - ext->y_bearing);
  cairo_show_text (scratch, text);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double v = data[y * stride + x];
        sum += v;
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
      }
  if (sum > 0)
    {
      *cx = sx / sum - 1 + ext->x_bearing;
      *cy = sy / sum - 1 + ext->y_bearing;
    }
  else
    {
      *cx = ext->x_bearing + ext->width / 2;
      *cy = ext->y_bearing + ext->height / 2;
    }
  cairo_destroy (scratch);
  cairo_surface_destroy (surface);
}

static gboolean
load_glyphs (Glyph    glyphs[N_FACES][10],
             GError **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);
  gboolean ok = TRUE;

  cairo_set_font_size (cr, REF_SIZE);
  for (guint f = 0; f < N_FACES; f++)
    {
      cairo_select_font_face (cr, faces[f].family, faces[f].slant, faces[f].weight);
      for (guint d = 0; d < 10; d++)
        {
          char text[2] = { (char) ('0' + d), '\0' };
          cairo_text_extents_t ext;

          double cx, cy;

          cairo_text_extents (cr, text, &ext);
          if (ext.width <= 0 || ext.height <= 0)
            {
              ok = FALSE;
              cx = cy = 0;
            }
          else
            ink_centroid (cr, text, &ext, &cx, &cy);
          cairo_new_path (cr);
          cairo_move_to (cr, -cx, -cy);
          cairo_text_path (cr, text);
          glyphs[f][d].path = cairo_copy_path (cr);
          glyphs[f][d].width = ext.width;
          glyphs[f][d].height = ext.height;
          if (glyphs[f][d].path->status != CAIRO_STATUS_SUCCESS)
            ok = FALSE;
        }
    }
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    ok = FALSE;
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  if (!ok)
    g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED,
                 "synthetic digits: no usable font was found to draw digits with "
                 "(install the fonts-dejavu-core package)");
  return ok;
}

/* Replaces cr's path with g's outline rotated, sheared and scaled about
 * its centre of mass, which lands on (cx, cy). Leaves the identity matrix
 * set, so the path is in pixels. */
static void
place_glyph (cairo_t     *cr,
             const Glyph *g,
             double       cx,
             double       cy,
             double       angle,
             double       shear,
             double       sx,
             double       sy)
{
  cairo_matrix_t shear_m;

  cairo_identity_matrix (cr);
  cairo_translate (cr, cx, cy);
  cairo_rotate (cr, angle);
  cairo_matrix_init (&shear_m, 1, 0, shear, 1, 0, 0);
  cairo_transform (cr, &shear_m);
  cairo_scale (cr, sx, sy);
  cairo_new_path (cr);
  cairo_append_path (cr, g->path);
  cairo_identity_matrix (cr);
}

static double
uniform (LabRng *rng,
         double  lo,
         double  hi)
{
  return lo + (hi - lo) * lab_rng_uniform (rng);
}

LabDataset *
lab_synthetic_digits_new (guint     n,
                          guint64   seed,
                          GError  **error)
{
  static const char * const class_names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL };
  g_autoptr(LabDataset) dataset = NULL;
  Glyph glyphs[N_FACES][10] = { { { NULL } } };
  cairo_surface_t *surface;
  cairo_t *cr;
  guint8 *canvas;
  int stride;
  LabRng rng;
  gboolean ok;

  if (n == 0)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_INVALID,
                   "synthetic digits: the number of images must be at least 1");
      return NULL;
    }

  dataset = lab_dataset_new ("Synthetic digits", n, SIDE, SIDE, TRUE, error);
  if (dataset == NULL)
    return NULL;
  lab_dataset_set_class_names (dataset, class_names, 10);
  g_free (dataset->source);
  dataset->source = g_strdup ("synthetic");

  ok = load_glyphs (glyphs, error);
  if (!ok)
    goto out;

  /* An A8 surface: the alpha channel is the gray level, ink is opaque. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, SIDE, SIDE);
  cr = cairo_create (surface);
  canvas = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_source_rgba (cr, 0, 0, 0, 1);

  lab_rng_init (&rng, seed);
  for (guint i = 0; i < n; i++)
    {
      guint digit = i % 10;
      guint face = lab_rng_below (&rng, N_FACES);
      const Glyph *g = &glyphs[face][digit];
      gboolean bold = faces[face].weight == CAIRO_FONT_WEIGHT_BOLD;
      /* Every parameter is drawn for every image, in a fixed order, so
       * image i depends only on the seed and i, whatever n is. The pen adds to the
       * outline's own thickness: more for the thin faces, so both come out
       * with MNIST-like strokes. */
      double stroke = bold ? uniform (&rng, 0.1, 1.1) : uniform (&rng, 0.7, 2.0);
      double scale = uniform (&rng, 0.8, 1.15);
      double aspect = uniform (&rng, 0.8, 1.1);          /* width squeeze */
      double angle = uniform (&rng, -15, 15) * G_PI / 180;
      double shear = uniform (&rng, -0.2, 0.2);
      double dx = uniform (&rng, -2, 2);
      double dy = uniform (&rng, -2, 2);
      double fit = (BOX - stroke) / MAX (g->height, g->width * aspect) * scale;
      double x1, y1, x2, y2, margin = stroke / 2 + 1;
      guint8 *dst = dataset->pixels + (gsize) i * SIDE * SIDE;

      cairo_surface_flush (surface);
      memset (canvas, 0, (gsize) stride * SIDE);
      cairo_surface_mark_dirty (surface);

      /* Where the shifted digit would land; pull it back so the ink keeps
       * a pixel of border, as MNIST's does. */
      place_glyph (cr, g, SIDE / 2.0 + dx, SIDE / 2.0 + dy, angle, shear, fit * aspect, fit);
      cairo_path_extents (cr, &x1, &y1, &x2, &y2);
      if (x2 - x1 + 2 * margin <= SIDE)
        dx += MAX (0, margin - x1) - MAX (0, x2 - (SIDE - margin));
      if (y2 - y1 + 2 * margin <= SIDE)
        dy += MAX (0, margin - y1) - MAX (0, y2 - (SIDE - margin));
      place_glyph (cr, g, SIDE / 2.0 + dx, SIDE / 2.0 + dy, angle, shear, fit * aspect, fit);

      /* The path is in device space: stroke with a width in pixels, which
       * thickens the glyph evenly like a pen would. */
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, stroke);
      cairo_stroke (cr);

      cairo_surface_flush (surface);
      for (guint y = 0; y < SIDE; y++)
        memcpy (dst + y * SIDE, canvas + (gsize) y * stride, SIDE);
      dataset->labels[i] = digit;
    }

  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, LAB_ERROR, LAB_ERROR_FAILED, "synthetic digits: drawing failed (%s)",
                   cairo_status_to_string (cairo_status (cr)));
      ok = FALSE;
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

out:
  for (guint f = 0; f < N_FACES; f++)
    for (guint d = 0; d < 10; d++)
      if (glyphs[f][d].path)
        cairo_path_destroy (glyphs[f][d].path);
  return ok ? g_steal_pointer (&dataset) : NULL;
}
