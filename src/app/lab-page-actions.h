#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The actions a page offers its window (win.train, win.noise-level, ...).
 * They are made from GActionEntry with the page as user data and kept by
 * name; the window adds them to its map. The map outlives the page's
 * dispose, so the page detaches them then: disabled and cut off from it. */
GHashTable *lab_page_actions_new    (const GActionEntry *entries,
                                     gsize               n_entries,
                                     gpointer            page);
void        lab_page_actions_add_to (GHashTable         *actions,
                                     GActionMap         *map);
void        lab_page_actions_detach (GHashTable         *actions,
                                     gpointer            page);

G_END_DECLS
