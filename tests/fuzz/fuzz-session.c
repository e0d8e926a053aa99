#define G_LOG_DOMAIN "latentlab-fuzz"

/* A saved session, as teachers pass them around: the safetensors container,
 * then everything lab_session_file_load reads from it (the "session" JSON,
 * the model, the map, the gallery, the classifier runs), checked against
 * each other. What it loads must all come from the file. */

#include "lab-fuzz.h"

#include "lab-session-file.h"

static void
touch_loaded (LabSessionFile *s,
              gsize           size)
{
  gsize bytes = 0;

  if (s->model != NULL)
    {
      lab_fuzz_touch ((const guint8 *) lab_model_params (s->model),
                      lab_model_n_params (s->model) * sizeof (float));
      bytes += lab_model_n_params (s->model) * sizeof (float);
    }
  if (s->map != NULL)
    {
      const LabEmbedding *m = s->map;

      lab_fuzz_touch ((const guint8 *) m->points, (gsize) m->n * 2 * sizeof (float));
      lab_fuzz_touch ((const guint8 *) m->latents, (gsize) m->n * m->dim * sizeof (float));
      lab_fuzz_touch ((const guint8 *) m->indices, (gsize) m->n * sizeof (guint));
      for (guint i = 0; m->labels != NULL && i < m->n; i++)
        if (m->labels[i] >= m->n_classes)
          g_error ("map row %u has label %u of %u classes", i, m->labels[i], m->n_classes);
      bytes += (gsize) m->n * (2 + m->dim) * sizeof (float);
    }
  if (s->gallery != NULL)
    for (guint i = 0; i < lab_gallery_get_n (s->gallery); i++)
      {
        const LabGalleryItem *item = lab_gallery_get_item (s->gallery, i);
        gsize n = (gsize) lab_gallery_get_height (s->gallery) * lab_gallery_get_width (s->gallery);

        lab_fuzz_touch (item->pixels, n);
        bytes += n;
      }
  for (guint i = 0; i < s->classify->len; i++)
    {
      const LabClassifyResult *r = g_ptr_array_index (s->classify, i);

      lab_fuzz_touch (r->predicted, r->n_test);
      lab_fuzz_touch ((const guint8 *) r->confusion, (gsize) r->n_classes * r->n_classes * sizeof (guint));
      bytes += r->n_test * 2;
    }
  /* Every value came from the file: the file holds at least that many bytes. */
  if (bytes > size)
    g_error ("a %zu-byte session loaded %zu bytes of data", size, bytes);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = lab_fuzz_write ("demo.latentlab", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSessionFile) s = lab_session_file_load (path, &error);

  lab_fuzz_check_result (s != NULL, error, "lab_session_file_load", TRUE);
  if (s != NULL)
    {
      g_auto(GStrv) pages = lab_session_file_list_pages (s);

      touch_loaded (s, size);
      for (guint i = 0; pages[i] != NULL; i++)
        if (lab_session_file_lookup_page_state (s, pages[i]) == NULL)
          g_error ("page %s has no settings object", pages[i]);
    }
  lab_fuzz_clear ();
  return 0;
}
