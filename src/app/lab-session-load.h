#pragma once

#include "lab-session.h"

G_BEGIN_DECLS

/* The app's half of LabSession (src/core/train/lab-session.h): the Data
 * page's choice goes into the session, and when the dataset has another
 * split, a LabJob on the session (slot "other-split") loads it on a worker
 * and hands it to lab_session_add_other_split on the main thread. A newer
 * choice cancels a load still running. Main thread only. */
void  lab_session_load_dataset  (LabSession  *session,
                                 LabDataset  *dataset,
                                 const char  *spec,
                                 LabSplit     split);

G_END_DECLS
