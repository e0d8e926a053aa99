#pragma once

#include <gtk/gtk.h>

#include "lab-loss.h"
#include "lab-noise.h"
#include "lab-trainer.h"

G_BEGIN_DECLS

/* The Train page's hyperparameter form ("Training"): epochs, batch size,
 * learning rate, optimizer, seed, loss, the noise on the training inputs
 * and how many training images. It maps its widgets to and from a
 * LabTrainConfig, and takes the command line's options by name, so the
 * window and `latentlab --noise ... --epochs ...` set the same widgets.
 *
 * Properties:
 *   loss (int): LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH (the architecture's
 *     own), LAB_LOSS_BCE or LAB_LOSS_MSE; the one owner of the loss
 *     choice, which the architecture chooser gives the spec it builds.
 *   loss-locked (boolean): the architecture decides the loss (a
 *     classifier), so the loss cannot be chosen.
 *
 * Signals:
 *   noise-changed (): the training noise shown changed. */
#define LAB_TYPE_TRAIN_SETTINGS (lab_train_settings_get_type ())
G_DECLARE_FINAL_TYPE (LabTrainSettings, lab_train_settings, LAB, TRAIN_SETTINGS, GtkWidget)

#define LAB_TRAIN_SETTINGS_LOSS_FROM_ARCH (-1)

/* Sets the members the form shows (epochs, batch, lr, seed, optimizer,
 * noise, limit) and leaves the others of config as they are. */
void      lab_train_settings_get_config    (LabTrainSettings     *self,
                                            LabTrainConfig       *config);
void      lab_train_settings_set_config    (LabTrainSettings     *self,
                                            const LabTrainConfig *config);
LabNoise  lab_train_settings_get_noise     (LabTrainSettings     *self);
int       lab_train_settings_get_loss      (LabTrainSettings     *self);
void      lab_train_settings_set_loss      (LabTrainSettings     *self,
                                            int                   loss);
/* The command line's settings (all optional): noise (s) "gaussian:0.5",
 * loss (s) "bce", "mse" or "softmax_ce" (the architecture's), optimizer
 * (s) "adam" or "sgd", epochs (i), batch (i), lr (d), seed (x), limit (i).
 * In that order; stops at the first that does not parse, with error set. */
gboolean  lab_train_settings_apply_options (LabTrainSettings     *self,
                                            GVariantDict         *options,
                                            GError              **error);

G_END_DECLS
