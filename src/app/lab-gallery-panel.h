#pragma once

#include <gtk/gtk.h>

#include "lab-decode-panel.h"
#include "lab-gallery.h"

G_BEGIN_DECLS

/* The gallery panel, under the decode panel: the augmentation gallery of
 * images kept from the latent space, newest first, each with its label
 * (editable) and the nearest training image with its distance (is it
 * invented or remembered?); how diverse the kept images are; and the Export
 * menu (page.export-gallery "png" or "idx", page.clear-gallery).
 *
 * The nearest-image search runs as a job on a worker: one at a time over
 * every kept image that has no answer yet, with the next one queued while
 * it runs.
 *
 * Signals:
 *   changed ()                        images were kept, removed or cleared
 *   exported (const char *message)    an export finished: what was written */
#define LAB_TYPE_GALLERY_PANEL (lab_gallery_panel_get_type ())
G_DECLARE_FINAL_TYPE (LabGalleryPanel, lab_gallery_panel, LAB, GALLERY_PANEL, GtkWidget)

/* The class names kept images may get (the page's list, shared with the
 * decode panel); a gallery is for one set of classes. */
void        lab_gallery_panel_set_classes   (LabGalleryPanel         *self,
                                             GtkStringList           *classes);
/* Keeps sample with label (-1: none); a sample of another size or another
 * set of classes than the gallery's starts a new gallery. search: where the
 * nearest training images are looked for (ref taken). */
void        lab_gallery_panel_keep          (LabGalleryPanel         *self,
                                             const LabDecodedSample  *sample,
                                             int                      label,
                                             const LabGallerySource  *source,
                                             LabDataset              *search);
/* Shows gallery (taken, may be NULL; a saved session's) instead of the one
 * kept so far; search as in keep. */
void        lab_gallery_panel_set_gallery   (LabGalleryPanel         *self,
                                             LabGallery              *gallery,
                                             LabDataset              *search);
void        lab_gallery_panel_clear         (LabGalleryPanel         *self);
guint       lab_gallery_panel_get_n_kept    (LabGalleryPanel         *self);
/* Asks where to export with a file chooser, then exports: kind "png" or "idx". */
void        lab_gallery_panel_choose_export (LabGalleryPanel         *self,
                                             const char              *kind);
/* kind "png" (path: a folder) or "idx" (path of the images file; the
 * labels file goes beside it). Emits exported. */
gboolean    lab_gallery_panel_export        (LabGalleryPanel         *self,
                                             const char              *kind,
                                             const char              *path,
                                             GError                 **error);
/* NULL before the first image is kept. */
LabGallery *lab_gallery_panel_get_gallery   (LabGalleryPanel         *self);
/* The nearest-image search runs or waits. */
gboolean    lab_gallery_panel_is_searching  (LabGalleryPanel         *self);

G_END_DECLS
