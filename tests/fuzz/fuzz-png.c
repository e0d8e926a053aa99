#define G_LOG_DOMAIN "latentlab-fuzz"

/* One PNG file from memory: lab_png_parse_header (the folder scan's first
 * look) and lab_png_decode_gray (every colour type, bit depth, tRNS,
 * interlacing), then the area resize a folder load applies. */

#include "lab-fuzz.h"

#include "lab-png.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint8 small[28 * 28];
  guint head_w = 0, head_h = 0, w = 0, h = 0;
  gboolean is_png = FALSE, head_ok, ok;

  head_ok = lab_png_parse_header (data, size, "fuzz.png", &is_png, &head_w, &head_h, &error);
  if (!head_ok && is_png)
    lab_fuzz_check_result (FALSE, error, "lab_png_parse_header", TRUE);
  if (!is_png && error != NULL)
    g_error ("not a PNG, but an error: %s", error->message);
  if (head_ok && (head_w == 0 || head_h == 0 || head_w > LAB_PNG_MAX_SIDE || head_h > LAB_PNG_MAX_SIDE))
    g_error ("header accepted with size %u x %u", head_w, head_h);
  g_clear_error (&error);

  ok = lab_png_decode_gray (data, size, "fuzz.png", &w, &h, &pixels, &error);
  lab_fuzz_check_result (ok, error, "lab_png_decode_gray", TRUE);
  if (!ok)
    return 0;
  if (!head_ok)
    g_error ("decoded a PNG whose header was refused");
  if (w != head_w || h != head_h)
    g_error ("decoded %u x %u, the header says %u x %u", w, h, head_w, head_h);
  lab_fuzz_touch (pixels, (gsize) w * h);
  lab_png_resize_area (pixels, w, h, small, 28, 28);
  lab_fuzz_touch (small, sizeof small);
  return 0;
}
