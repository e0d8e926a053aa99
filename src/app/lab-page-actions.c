#define G_LOG_DOMAIN "latentlab"

#include "lab-page-actions.h"

GHashTable *
lab_page_actions_new (const GActionEntry *entries,
                      gsize               n_entries,
                      gpointer            page)
{
  GHashTable *actions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  /* The group parses parameter and state types for us; the table keeps
   * the actions once it is gone. */
  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, (int) n_entries, page);
  for (gsize i = 0; i < n_entries; i++)
    g_hash_table_insert (actions, (gpointer) entries[i].name,
                         g_object_ref (g_action_map_lookup_action (G_ACTION_MAP (group), entries[i].name)));
  return actions;
}

void
lab_page_actions_add_to (GHashTable *actions,
                         GActionMap *map)
{
  GHashTableIter iter;
  gpointer action;

  g_hash_table_iter_init (&iter, actions);
  while (g_hash_table_iter_next (&iter, NULL, &action))
    g_action_map_add_action (map, action);
}

void
lab_page_actions_detach (GHashTable *actions,
                         gpointer    page)
{
  GHashTableIter iter;
  gpointer action;

  if (actions == NULL)
    return;
  g_hash_table_iter_init (&iter, actions);
  while (g_hash_table_iter_next (&iter, NULL, &action))
    {
      g_signal_handlers_disconnect_by_data (action, page);
      g_simple_action_set_enabled (action, FALSE);
    }
}
