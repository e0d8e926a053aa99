#include "lab-json-builder.h"

#include <math.h>

void
lab_json_add_string (JsonBuilder *b,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
lab_json_add_int (JsonBuilder *b,
                  const char  *member,
                  gint64       value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

void
lab_json_add_uint (JsonBuilder *b,
                   const char  *member,
                   guint64      value)
{
  lab_json_add_int (b, member, (gint64) MIN (value, (guint64) G_MAXINT64));
}

void
lab_json_add_bool (JsonBuilder *b,
                   const char  *member,
                   gboolean     value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

static void
add_number_value (JsonBuilder *b,
                  double       value)
{
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
lab_json_add_number (JsonBuilder *b,
                     const char  *member,
                     double       value)
{
  json_builder_set_member_name (b, member);
  add_number_value (b, value);
}

/* Writes element i of values. */
typedef void (*AddElement) (JsonBuilder   *b,
                            gconstpointer  values,
                            guint          i);

static void
add_array (JsonBuilder   *b,
           const char    *member,
           gconstpointer  values,
           guint          n,
           AddElement     add)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    add (b, values, i);
  json_builder_end_array (b);
}

static void
add_number_element (JsonBuilder   *b,
                    gconstpointer  values,
                    guint          i)
{
  add_number_value (b, ((const double *) values)[i]);
}

static void
add_uint_element (JsonBuilder   *b,
                  gconstpointer  values,
                  guint          i)
{
  json_builder_add_int_value (b, ((const guint *) values)[i]);
}

static void
add_string_element (JsonBuilder   *b,
                    gconstpointer  values,
                    guint          i)
{
  char * const *strv = values;

  json_builder_add_string_value (b, strv != NULL && strv[i] != NULL ? strv[i] : "");
}

void
lab_json_add_numbers (JsonBuilder  *b,
                      const char   *member,
                      const double *values,
                      guint         n)
{
  add_array (b, member, values, n, add_number_element);
}

void
lab_json_add_uints (JsonBuilder *b,
                    const char  *member,
                    const guint *values,
                    guint        n)
{
  add_array (b, member, values, n, add_uint_element);
}

void
lab_json_add_strv (JsonBuilder  *b,
                   const char   *member,
                   char        **strv,
                   guint         n)
{
  add_array (b, member, strv, n, add_string_element);
}
