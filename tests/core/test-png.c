#include <string.h>

#include <glib/gstdio.h>
#include <png.h>

#include "lab-png.h"
#include "lab-png-folder.h"
#include "lab-rng.h"
#include "lab-test-png.h"
#include "lab-test-system.h"

/* Every test works in its own temporary folder, removed afterwards. */
typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("latentlab-png-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  lab_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
path_in (Fixture    *f,
         const char *rel)
{
  return g_build_filename (f->dir, rel, NULL);
}

static void
make_dir (Fixture    *f,
          const char *rel)
{
  g_autofree char *p = path_in (f, rel);
  g_assert_cmpint (g_mkdir_with_parents (p, 0755), ==, 0);
}

/* Writes a PNG with libpng exactly as described: rows are already packed
 * in the file's format (bit depth, channels; 16-bit big-endian). */
typedef struct
{
  int             color_type;
  int             bit_depth;
  int             interlace;
  const png_color *palette;
  int             n_palette;
  const png_byte  *trans;       /* palette alpha */
  int             n_trans;
  const png_color_16 *trans_color;  /* gray/RGB colour key */
} PngSpec;

static void
write_png (const char    *path,
           guint          width,
           guint          height,
           const PngSpec *spec,
           const guint8  *data,
           gsize          rowbytes)
{
  FILE *fp = g_fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  g_autofree png_bytep *rows = g_new (png_bytep, height);

  g_assert_nonnull (fp);
  g_assert_nonnull (png);
  if (setjmp (png_jmpbuf (png)))
    g_assert_not_reached ();
  png_init_io (png, fp);
  png_set_IHDR (png, info, width, height, spec->bit_depth, spec->color_type, spec->interlace,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (spec->palette)
    png_set_PLTE (png, info, spec->palette, spec->n_palette);
  if (spec->trans || spec->trans_color)
    png_set_tRNS (png, info, spec->trans, spec->n_trans, spec->trans_color);
  png_write_info (png, info);
  for (guint y = 0; y < height; y++)
    rows[y] = (png_bytep) data + y * rowbytes;
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (fp);
}

static void
write_gray8 (const char   *path,
             guint         width,
             guint         height,
             const guint8 *pixels)
{
  PngSpec spec = { PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE };
  write_png (path, width, height, &spec, pixels, width);
}

static guint8 *
load (const char *path,
      guint       expect_w,
      guint       expect_h)
{
  g_autoptr(GError) error = NULL;
  guint8 *pixels = NULL;
  guint w = 0, h = 0;

  g_assert_true (lab_png_load_gray (path, &w, &h, &pixels, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, expect_w);
  g_assert_cmpuint (h, ==, expect_h);
  return pixels;
}

static guint
luma (guint r, guint g, guint b)
{
  return (299 * r + 587 * g + 114 * b + 500) / 1000;
}

static guint
over_black (guint v, guint a)
{
  return (v * a + 127) / 255;
}

static void
test_gray8 (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "g8.png");
  g_autofree guint8 *out = NULL;
  guint8 px[5 * 3];

  for (guint i = 0; i < G_N_ELEMENTS (px); i++)
    px[i] = (guint8) (i * 17 + 3);
  write_gray8 (p, 5, 3, px);
  out = load (p, 5, 3);
  g_assert_cmpmem (out, sizeof px, px, sizeof px);
}

static void
test_gray16 (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "g16.png");
  g_autofree guint8 *out = NULL;
  PngSpec spec = { PNG_COLOR_TYPE_GRAY, 16, PNG_INTERLACE_NONE };
  guint16 v[4 * 2] = { 0, 65535, 257 * 100, 257 * 100 + 128, 1000, 30000, 40000, 65000 };
  guint8 raw[4 * 2 * 2];

  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    {
      raw[2 * i] = v[i] >> 8;
      raw[2 * i + 1] = v[i] & 0xff;
    }
  write_png (p, 4, 2, &spec, raw, 8);
  out = load (p, 4, 2);
  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    g_assert_cmpfloat_with_epsilon (out[i], v[i] / 257.0, 1.0);
  g_assert_cmpuint (out[0], ==, 0);
  g_assert_cmpuint (out[1], ==, 255);
  g_assert_cmpuint (out[2], ==, 100);
}

static void
test_gray_alpha (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "ga.png");
  g_autofree guint8 *out = NULL;
  PngSpec spec = { PNG_COLOR_TYPE_GRAY_ALPHA, 8, PNG_INTERLACE_NONE };
  /* (gray, alpha) pairs: opaque, transparent white, half-transparent */
  guint8 raw[] = { 200, 255, 255, 0, 255, 128, 90, 200 };

  write_png (p, 2, 2, &spec, raw, 4);
  out = load (p, 2, 2);
  g_assert_cmpuint (out[0], ==, 200);
  g_assert_cmpuint (out[1], ==, 0);   /* transparent composites onto black */
  g_assert_cmpuint (out[2], ==, over_black (255, 128));
  g_assert_cmpuint (out[3], ==, over_black (90, 200));
}

static void
test_rgb (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "rgb.png");
  g_autofree guint8 *out = NULL;
  PngSpec spec = { PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_NONE };
  guint8 raw[] = { 255, 0, 0,  0, 255, 0,  0, 0, 255,  10, 200, 90 };

  write_png (p, 4, 1, &spec, raw, 12);
  out = load (p, 4, 1);
  g_assert_cmpuint (out[0], ==, 76);    /* 0.299 * 255 */
  g_assert_cmpuint (out[1], ==, 150);   /* 0.587 * 255 */
  g_assert_cmpuint (out[2], ==, 29);    /* 0.114 * 255 */
  g_assert_cmpuint (out[3], ==, luma (10, 200, 90));
}

static void
test_rgba (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "rgba.png");
  g_autofree guint8 *out = NULL;
  PngSpec spec = { PNG_COLOR_TYPE_RGBA, 8, PNG_INTERLACE_NONE };
  guint8 raw[] = { 255, 255, 255, 255,  255, 255, 255, 0,  40, 180, 220, 100 };

  write_png (p, 3, 1, &spec, raw, 12);
  out = load (p, 3, 1);
  g_assert_cmpuint (out[0], ==, 255);
  g_assert_cmpuint (out[1], ==, 0);
  g_assert_cmpuint (out[2], ==, over_black (luma (40, 180, 220), 100));
}

static void
test_palette (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "pal.png");
  g_autofree guint8 *out = NULL;
  static const png_color palette[] = { { 0, 0, 0 }, { 255, 255, 255 }, { 30, 60, 90 }, { 200, 100, 50 } };
  static const png_byte trans[] = { 255, 255, 64 };   /* entry 3 opaque: not listed */
  PngSpec spec = { PNG_COLOR_TYPE_PALETTE, 4, PNG_INTERLACE_NONE, palette, 4, trans, 3 };
  /* 4-bit indices, two per byte: 0 1 2 3 | 3 2 1 0 */
  guint8 raw[] = { 0x01, 0x23, 0x32, 0x10 };

  write_png (p, 4, 2, &spec, raw, 2);
  out = load (p, 4, 2);
  g_assert_cmpuint (out[0], ==, 0);
  g_assert_cmpuint (out[1], ==, 255);
  g_assert_cmpuint (out[2], ==, over_black (luma (30, 60, 90), 64));
  g_assert_cmpuint (out[3], ==, luma (200, 100, 50));
  g_assert_cmpuint (out[4], ==, out[3]);
  g_assert_cmpuint (out[7], ==, 0);
}

static void
test_interlaced (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "adam7.png");
  g_autofree guint8 *out = NULL;
  PngSpec spec = { PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_ADAM7 };
  guint8 px[13 * 11];

  for (guint i = 0; i < G_N_ELEMENTS (px); i++)
    px[i] = (guint8) (i * 31 + 7);
  write_png (p, 13, 11, &spec, px, 13);
  out = load (p, 13, 11);
  g_assert_cmpmem (out, sizeof px, px, sizeof px);
}

static void
test_low_bit_depths (Fixture *f, gconstpointer data)
{
  g_autofree char *p1 = path_in (f, "bw.png");
  g_autofree char *p2 = path_in (f, "g2.png");
  g_autofree char *pk = path_in (f, "key.png");
  g_autofree guint8 *out1 = NULL;
  g_autofree guint8 *out2 = NULL;
  g_autofree guint8 *outk = NULL;
  PngSpec spec1 = { PNG_COLOR_TYPE_GRAY, 1, PNG_INTERLACE_NONE };
  PngSpec spec2 = { PNG_COLOR_TYPE_GRAY, 2, PNG_INTERLACE_NONE };
  png_color_16 key = { .gray = 3 };
  PngSpec speck = { PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, .trans_color = &key };
  guint8 raw1[] = { 0xA5, 0x80 };   /* 10100101 1 (9 pixels, padded) */
  guint8 raw2[] = { 0x1B };         /* 00 01 10 11 */
  guint8 rawk[] = { 3, 4, 250 };    /* the key 3 is transparent */
  const guint8 expect1[] = { 255, 0, 255, 0, 0, 255, 0, 255, 255 };
  const guint8 expect2[] = { 0, 85, 170, 255 };

  write_png (p1, 9, 1, &spec1, raw1, 2);
  out1 = load (p1, 9, 1);
  g_assert_cmpmem (out1, 9, expect1, 9);

  write_png (p2, 4, 1, &spec2, raw2, 1);
  out2 = load (p2, 4, 1);
  g_assert_cmpmem (out2, 4, expect2, 4);

  write_png (pk, 3, 1, &speck, rawk, 3);
  outk = load (pk, 3, 1);
  g_assert_cmpuint (outk[0], ==, 0);
  g_assert_cmpuint (outk[1], ==, 4);
  g_assert_cmpuint (outk[2], ==, 250);
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "rt.png");
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *px = g_new (guint8, 37 * 23);
  g_autofree guint8 *out = NULL;
  g_autofree char *again = NULL;
  LabRng rng;

  lab_rng_init (&rng, 5);
  for (guint i = 0; i < 37 * 23; i++)
    px[i] = lab_rng_below (&rng, 256);
  g_assert_true (lab_png_save_gray (p, px, 37, 23, &error));
  g_assert_no_error (error);
  out = load (p, 37, 23);
  g_assert_cmpmem (out, 37 * 23, px, 37 * 23);

  /* Saving over an existing file replaces it, leaving no temporary. */
  px[0] ^= 0xff;
  g_assert_true (lab_png_save_gray (p, px, 37, 23, &error));
  g_clear_pointer (&out, g_free);
  out = load (p, 37, 23);
  g_assert_cmpuint (out[0], ==, px[0]);
  {
    GDir *dir = g_dir_open (f->dir, 0, NULL);
    guint entries = 0;
    while (g_dir_read_name (dir))
      entries++;
    g_dir_close (dir);
    g_assert_cmpuint (entries, ==, 1);
  }

  /* A folder that does not exist: an error naming the file, no crash. */
  again = path_in (f, "missing/x.png");
  g_assert_false (lab_png_save_gray (again, px, 37, 23, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "x.png: cannot save (No such file or directory)");
}

/* Bytes of a valid small PNG, for corrupting. */
static guint8 *
valid_png_bytes (Fixture *f,
                 gsize   *len)
{
  g_autofree char *p = path_in (f, "valid.tmp");
  guint8 px[16 * 16];
  char *data = NULL;

  for (guint i = 0; i < sizeof px; i++)
    px[i] = (guint8) (i * 7);
  write_gray8 (p, 16, 16, px);
  g_assert_true (g_file_get_contents (p, &data, len, NULL));
  g_unlink (p);
  return (guint8 *) data;
}

static void
test_load_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = path_in (f, "missing.png");
  g_autofree char *text = path_in (f, "text.png");
  g_autofree char *cut = path_in (f, "cut.png");
  g_autofree char *garbage = path_in (f, "garbage.png");
  g_autofree char *huge = path_in (f, "huge.png");
  g_autofree guint8 *bytes = NULL;
  guint8 *pixels = NULL;
  guint w, h;
  gsize len;

  g_assert_false (lab_png_load_gray (missing, &w, &h, &pixels, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.png: cannot open ("));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (text, "hello, not a picture", -1, NULL));
  g_assert_false (lab_png_load_gray (text, &w, &h, &pixels, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_true (g_str_has_suffix (error->message, "text.png: not a PNG file"));
  g_clear_error (&error);

  bytes = valid_png_bytes (f, &len);
  g_assert_true (g_file_set_contents (cut, (char *) bytes, len / 2, NULL));
  g_assert_false (lab_png_load_gray (cut, &w, &h, &pixels, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "cut.png: corrupt PNG data ("));
  g_clear_error (&error);

  /* A signature, then noise. */
  {
    guint8 junk[200];
    LabRng rng;
    lab_rng_init (&rng, 9);
    for (guint i = 0; i < sizeof junk; i++)
      junk[i] = lab_rng_below (&rng, 256);
    memcpy (junk, bytes, 8);
    g_assert_true (g_file_set_contents (garbage, (char *) junk, sizeof junk, NULL));
  }
  g_assert_false (lab_png_load_gray (garbage, &w, &h, &pixels, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "garbage.png: corrupt PNG data ("));
  g_clear_error (&error);

  /* A well-formed header (correct CRC) claiming 8000 x 8000 RGBA (within
   * the pixel limit), with no data: refused before 256 MB are allocated
   * (under an address-space limit that such an allocation would break). */
  lab_test_write_png_header (huge, 8000, 8000);
  g_assert_true (lab_png_read_size (huge, NULL, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 8000);
  lab_test_limit_address_space (G_GUINT64_CONSTANT (128) << 20);
  g_assert_false (lab_png_load_gray (huge, &w, &h, &pixels, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "huge.png: corrupt PNG data ("));
  g_clear_error (&error);

  /* 16384 x 16384 (1 GB of RGBA rows): beyond the pixel limit, refused
   * from the IHDR by both the header reader and the decoder. */
  lab_test_write_png_header (huge, 16384, 16384);
  g_assert_false (lab_png_read_size (huge, NULL, &w, &h, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_suffix (error->message, "/huge.png: the image is too large (16384 x 16384, "
                                   "268 megapixels; at most 64 megapixels)"));
  g_clear_error (&error);
  g_assert_false (lab_png_load_gray (huge, &w, &h, &pixels, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_suffix (error->message, "/huge.png: the image is too large (16384 x 16384, "
                                   "268 megapixels; at most 64 megapixels)"));
  g_clear_error (&error);

  /* 100,000 x 100,000: beyond the side limit. */
  lab_test_write_png_header (huge, 100000, 100000);
  g_assert_false (lab_png_read_size (huge, NULL, &w, &h, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_suffix (error->message, "/huge.png: the image is too large (100000 x 100000; "
                                   "at most 16384 pixels a side)"));
  g_clear_error (&error);
  g_assert_false (lab_png_load_gray (huge, &w, &h, &pixels, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_suffix (error->message, "/huge.png: the image is too large (100000 x 100000; "
                                   "at most 16384 pixels a side)"));
  g_clear_error (&error);
  lab_test_restore_address_space ();
  g_assert_null (pixels);
}

static void
test_grid (Fixture *f, gconstpointer data)
{
  g_autofree char *p = path_in (f, "grid.png");
  g_autofree char *pf = path_in (f, "gridf.png");
  g_autoptr(GError) error = NULL;
  guint8 imgs[5][6 * 4];
  const guint8 *ptrs[5];
  const char *captions[5] = { "zero", "one", NULL, "three", "four" };
  g_autofree guint8 *out = NULL;
  g_autofree guint8 *outf = NULL;
  g_autofree float *fl = g_new (float, 5 * 6 * 4);
  guint gw, gh, bright = 0;

  for (guint i = 0; i < 5; i++)
    {
      for (guint k = 0; k < 6 * 4; k++)
        imgs[i][k] = (guint8) (i * 40 + k * 3);
      ptrs[i] = imgs[i];
    }

  /* 3 columns, magnified 3x, captioned */
  g_assert_true (lab_png_save_grid (p, ptrs, 5, 4, 6, 3, 3, captions, &error));
  g_assert_no_error (error);
  lab_png_grid_layout (5, 4, 6, 3, 3, TRUE, &gw, &gh, 0, NULL, NULL);
  out = load (p, gw, gh);
  for (guint i = 0; i < 5; i++)
    {
      guint x0, y0;

      lab_png_grid_layout (5, 4, 6, 3, 3, TRUE, NULL, NULL, i, &x0, &y0);
      g_assert_cmpuint (x0, ==, 2 + (i % 3) * (18 + 2));
      for (guint y = 0; y < 4 * 3; y++)
        for (guint x = 0; x < 6 * 3; x++)
          g_assert_cmpuint (out[(y0 + y) * gw + x0 + x], ==, imgs[i][(y / 3) * 6 + x / 3]);
    }
  /* The caption band under image 0 has white text in it. */
  {
    guint x0, y0;
    lab_png_grid_layout (5, 4, 6, 3, 3, TRUE, NULL, NULL, 0, &x0, &y0);
    for (guint y = y0 + 12; y < y0 + 12 + 14; y++)
      for (guint x = x0; x < x0 + 18; x++)
        bright += out[y * gw + x] > 160;
    g_assert_cmpuint (bright, >, 5);
  }

  /* The float version: the same pixels from v / 255. */
  for (guint i = 0; i < 5; i++)
    for (guint k = 0; k < 6 * 4; k++)
      fl[i * 24 + k] = imgs[i][k] / 255.0f;
  g_assert_true (lab_png_save_grid_float (pf, fl, 5, 4, 6, 0, 1, NULL, &error));
  g_assert_no_error (error);
  lab_png_grid_layout (5, 4, 6, 0, 1, FALSE, &gw, &gh, 4, NULL, NULL);
  outf = load (pf, gw, gh);
  {
    guint x0, y0;
    lab_png_grid_layout (5, 4, 6, 0, 1, FALSE, NULL, NULL, 4, &x0, &y0);
    g_assert_cmpuint (y0, >, 2);   /* 3 columns chosen: image 4 is on row 2 */
    for (guint y = 0; y < 4; y++)
      g_assert_cmpmem (outf + (y0 + y) * gw + x0, 6, imgs[4] + y * 6, 6);
  }

  g_assert_false (lab_png_save_grid (p, ptrs, 0, 4, 6, 3, 1, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_INVALID);
}

static void
test_resize_area (Fixture *f, gconstpointer data)
{
  guint8 big[56 * 56], small[28 * 28], out[28 * 28], up[28 * 28], tiny[14 * 14];
  guint8 row3[3] = { 30, 90, 240 }, row2[2];

  for (guint y = 0; y < 28; y++)
    for (guint x = 0; x < 28; x++)
      small[y * 28 + x] = (guint8) ((x * 7 + y * 13) % 256);
  for (guint y = 0; y < 56; y++)
    for (guint x = 0; x < 56; x++)
      big[y * 56 + x] = small[(y / 2) * 28 + x / 2];
  lab_png_resize_area (big, 56, 56, out, 28, 28);
  g_assert_cmpmem (out, sizeof out, small, sizeof small);

  /* Enlarging 2x repeats each pixel as a 2x2 block. */
  for (guint i = 0; i < 14 * 14; i++)
    tiny[i] = (guint8) (i * 5);
  lab_png_resize_area (tiny, 14, 14, up, 28, 28);
  for (guint y = 0; y < 28; y++)
    for (guint x = 0; x < 28; x++)
      g_assert_cmpuint (up[y * 28 + x], ==, tiny[(y / 2) * 14 + x / 2]);

  /* 3 -> 2: output 0 covers pixel 0 and half of pixel 1. */
  lab_png_resize_area (row3, 3, 1, row2, 2, 1);
  g_assert_cmpfloat_with_epsilon (row2[0], (30 + 0.5 * 90) / 1.5, 1.0);
  g_assert_cmpfloat_with_epsilon (row2[1], (0.5 * 90 + 240) / 1.5, 1.0);
}

/* Folder helpers */

static void
write_solid (Fixture    *f,
             const char *rel,
             guint       w,
             guint       h,
             guint8      value)
{
  g_autofree char *p = path_in (f, rel);
  g_autofree guint8 *px = g_new (guint8, w * h);

  memset (px, value, w * h);
  write_gray8 (p, w, h, px);
}

static void
write_text (Fixture    *f,
            const char *rel,
            const char *contents)
{
  g_autofree char *p = path_in (f, rel);
  g_assert_true (g_file_set_contents (p, contents, -1, NULL));
}

static LabDataset *
load_folder (Fixture *f,
             guint    h,
             guint    w)
{
  g_autoptr(GError) error = NULL;
  LabDataset *ds = lab_png_folder_load (f->dir, h, w, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

static guint progress_calls;
static double progress_last;

static void
on_progress (double fraction, const char *text, gpointer user_data)
{
  g_assert_cmpfloat (fraction, >=, progress_last);
  progress_last = fraction;
  progress_calls++;
}

static void
test_folder_classes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataset) ds = NULL;
  guint counts[4] = { 0 };

  /* Natural order: "2" before "10"; "notes" holds no PNG, so no class. */
  make_dir (f, "cat");
  make_dir (f, "10");
  make_dir (f, "2");
  make_dir (f, "notes");
  write_solid (f, "cat/a.png", 28, 28, 10);
  write_solid (f, "cat/b.png", 28, 28, 11);
  write_solid (f, "cat/c.png", 28, 28, 12);
  write_solid (f, "10/a.png", 28, 28, 20);
  write_solid (f, "2/x.png", 28, 28, 30);
  write_solid (f, "2/y.png", 28, 28, 31);
  write_text (f, "notes/todo.txt", "nothing");
  write_solid (f, "stray.png", 28, 28, 99);   /* beside class folders: no class */
  write_text (f, "README", "about");

  progress_calls = 0;
  progress_last = 0;
  ds = lab_png_folder_load (f->dir, 0, 0, NULL, on_progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, ==, 6);
  g_assert_cmpuint (ds->height, ==, 28);
  g_assert_cmpuint (ds->width, ==, 28);
  g_assert_cmpuint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[0], ==, "2");
  g_assert_cmpstr (ds->class_names[1], ==, "10");
  g_assert_cmpstr (ds->class_names[2], ==, "cat");
  g_assert_null (ds->class_names[3]);
  g_assert_nonnull (ds->labels);
  for (guint i = 0; i < ds->n; i++)
    {
      g_assert_cmpuint (ds->labels[i], <, 3);
      counts[ds->labels[i]]++;
      /* Each image carries its class's value: 2 -> 30s, 10 -> 20, cat -> 10s */
      g_assert_cmpuint (lab_dataset_image (ds, i)[0] / 10, ==,
                        ds->labels[i] == 0 ? 3 : ds->labels[i] == 1 ? 2 : 1);
    }
  g_assert_cmpuint (counts[0], ==, 2);
  g_assert_cmpuint (counts[1], ==, 1);
  g_assert_cmpuint (counts[2], ==, 3);
  g_assert_cmpuint (ds->n_ignored, ==, 2);   /* todo.txt, README */
  g_assert_cmpuint (ds->skipped->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ds->skipped, 0), ==,
                   "stray.png: beside the class folders, so it has no class (move it into one)");
  g_assert_cmpuint (progress_calls, >=, 6);
  g_assert_cmpfloat (progress_last, ==, 1.0);
}

static void
test_folder_flat (Fixture *f, gconstpointer data)
{
  g_autoptr(LabDataset) ds = NULL;

  write_solid (f, "b.png", 28, 28, 2);
  write_solid (f, "a.png", 28, 28, 1);
  write_solid (f, "c.png", 28, 28, 3);
  write_text (f, ".hidden.png", "dot files are not looked at");
  ds = load_folder (f, 0, 0);
  g_assert_cmpuint (ds->n, ==, 3);
  g_assert_null (ds->labels);
  g_assert_cmpuint (ds->n_classes, ==, 0);
  /* sorted by name */
  g_assert_cmpuint (lab_dataset_image (ds, 0)[0], ==, 1);
  g_assert_cmpuint (lab_dataset_image (ds, 2)[0], ==, 3);
  g_assert_cmpuint (ds->n_ignored, ==, 0);
}

static void
test_folder_corrupt (Fixture *f, gconstpointer data)
{
  g_autoptr(LabDataset) ds = NULL;
  g_autofree guint8 *bytes = NULL;
  g_autofree char *cut = path_in (f, "cut.png");
  gboolean seen_cut = FALSE, seen_junk = FALSE;
  gsize len;

  write_solid (f, "good1.png", 28, 28, 50);
  write_solid (f, "good2.png", 28, 28, 60);
  bytes = valid_png_bytes (f, &len);
  g_assert_true (g_file_set_contents (cut, (char *) bytes, len - 30, NULL));
  {
    g_autofree char *junk = path_in (f, "junk.png");
    guint8 buf[64];
    memset (buf, 0x5a, sizeof buf);
    memcpy (buf, bytes, 8);
    g_assert_true (g_file_set_contents (junk, (char *) buf, sizeof buf, NULL));
  }
  write_text (f, "photo.png", "JFIF: a JPEG saved as .png");
  write_text (f, "notes.txt", "hello");

  ds = load_folder (f, 0, 0);
  g_assert_cmpuint (ds->n, ==, 2);
  g_assert_cmpuint (lab_dataset_image (ds, 0)[0], ==, 50);
  g_assert_cmpuint (lab_dataset_image (ds, 1)[0], ==, 60);
  g_assert_cmpuint (ds->skipped->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (ds->skipped, 1), ==,
                   "photo.png: not a PNG file (starts with \"JFIF: a…\")");
  for (guint i = 0; i < ds->skipped->len; i++)
    {
      const char *s = g_ptr_array_index (ds->skipped, i);
      seen_cut |= g_str_has_prefix (s, "cut.png: corrupt PNG data (");
      seen_junk |= g_str_has_prefix (s, "junk.png: corrupt PNG data (");
    }
  g_assert_true (seen_cut);
  g_assert_true (seen_junk);
  g_assert_cmpuint (ds->n_ignored, ==, 1);   /* notes.txt */
}

static void
test_folder_empty (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = path_in (f, "nope");
  LabDataset *ds;

  ds = lab_png_folder_load (f->dir, 0, 0, NULL, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/: no PNG images found"));
  g_clear_error (&error);

  write_text (f, "a.txt", "a");
  write_text (f, "b.jpg", "b");
  write_text (f, "c.doc", "c");
  ds = lab_png_folder_load (f->dir, 0, 0, NULL, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_suffix (error->message, "no PNG images found (1 not loaded: "
                                   "b.jpg: not a PNG file (starts with \"b\"); 2 other files, not images)"));
  g_clear_error (&error);

  ds = lab_png_folder_load (missing, 0, 0, NULL, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LAB_ERROR, LAB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nope/: cannot open ("));
}

static void
test_folder_resize (Fixture *f, gconstpointer data)
{
  g_autoptr(LabDataset) ds = NULL;
  g_autofree char *p = path_in (f, "big.png");
  guint8 big[56 * 56], small[28 * 28];

  for (guint y = 0; y < 28; y++)
    for (guint x = 0; x < 28; x++)
      small[y * 28 + x] = (guint8) ((x * 9 + y * 5) % 256);
  for (guint y = 0; y < 56; y++)
    for (guint x = 0; x < 56; x++)
      big[y * 56 + x] = small[(y / 2) * 28 + x / 2];
  write_gray8 (p, 56, 56, big);

  ds = load_folder (f, 28, 28);
  g_assert_cmpuint (ds->n, ==, 1);
  g_assert_cmpmem (ds->pixels, 28 * 28, small, 28 * 28);
}

static void
test_folder_sizes (Fixture *f, gconstpointer data)
{
  g_autoptr(LabDataset) majority = NULL;
  g_autoptr(LabDataset) split = NULL;

  write_solid (f, "a.png", 20, 16, 100);
  write_solid (f, "b.png", 20, 16, 100);
  write_solid (f, "c.png", 20, 16, 100);
  write_solid (f, "d.png", 40, 40, 200);
  majority = load_folder (f, 0, 0);
  g_assert_cmpuint (majority->n, ==, 4);
  g_assert_cmpuint (majority->width, ==, 20);
  g_assert_cmpuint (majority->height, ==, 16);
  /* the odd one out is resized; a solid image stays solid */
  g_assert_cmpuint (lab_dataset_image (majority, 3)[0], ==, 200);
  g_assert_cmpuint (lab_dataset_image (majority, 3)[20 * 16 - 1], ==, 200);

  /* 3 of 6 is no majority: the MNIST size */
  write_solid (f, "e.png", 40, 40, 200);
  write_solid (f, "f.png", 32, 32, 200);
  split = load_folder (f, 0, 0);
  g_assert_cmpuint (split->n, ==, 6);
  g_assert_cmpuint (split->width, ==, 28);
  g_assert_cmpuint (split->height, ==, 28);
}

static void
test_folder_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  write_solid (f, "a.png", 28, 28, 1);
  g_cancellable_cancel (cancellable);
  g_assert_null (lab_png_folder_load (f->dir, 0, 0, cancellable, NULL, NULL, &error));
  g_assert_error (error, LAB_ERROR, LAB_ERROR_CANCELLED);
}

#define ADD(name, func) \
  g_test_add ("/png/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("decode/gray8", test_gray8);
  ADD ("decode/gray16", test_gray16);
  ADD ("decode/gray-alpha", test_gray_alpha);
  ADD ("decode/rgb", test_rgb);
  ADD ("decode/rgba", test_rgba);
  ADD ("decode/palette", test_palette);
  ADD ("decode/interlaced", test_interlaced);
  ADD ("decode/low-bit-depths", test_low_bit_depths);
  ADD ("decode/errors", test_load_errors);
  ADD ("save/round-trip", test_round_trip);
  ADD ("save/grid", test_grid);
  ADD ("resize/area", test_resize_area);
  ADD ("folder/classes", test_folder_classes);
  ADD ("folder/flat", test_folder_flat);
  ADD ("folder/corrupt", test_folder_corrupt);
  ADD ("folder/empty", test_folder_empty);
  ADD ("folder/resize", test_folder_resize);
  ADD ("folder/sizes", test_folder_sizes);
  ADD ("folder/cancel", test_folder_cancel);

  return g_test_run ();
}
