#include <locale.h>
#include <math.h>

#include <glib.h>

#include "lab-format.h"

static void
assert_count (guint64     n,
              const char *expected)
{
  g_autofree char *text = lab_format_count (n);
  g_autofree char *localized = lab_format_count_localized (n);

  g_assert_cmpstr (text, ==, expected);
  /* The tests run in the C locale, which has no grouping of its own. */
  g_assert_cmpstr (localized, ==, expected);
}

static void
test_format_count (void)
{
  assert_count (0, "0");
  assert_count (7, "7");
  assert_count (999, "999");
  assert_count (1000, "1,000");
  assert_count (60000, "60,000");
  assert_count (100000, "100,000");
  assert_count (12544, "12,544");
  assert_count (1149520, "1,149,520");
  assert_count (4294967295u, "4,294,967,295");
  assert_count (G_MAXUINT64, "18,446,744,073,709,551,615");
}

static void
assert_duration (double      seconds,
                 const char *expected)
{
  g_autofree char *text = lab_format_duration (seconds);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_format_duration (void)
{
  assert_duration (0, "0:00");
  assert_duration (0.4, "0:00");
  assert_duration (0.5, "0:01");
  assert_duration (42, "0:42");
  assert_duration (59.6, "1:00");
  assert_duration (380, "6:20");
  assert_duration (3599.4, "59:59");
  assert_duration (3600, "1:00:00");
  assert_duration (3723, "1:02:03");
  assert_duration (36000 + 59, "10:00:59");
  assert_duration (-5, "0:00");
  assert_duration (NAN, "0:00");
  assert_duration (INFINITY, "0:00");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/count", test_format_count);
  g_test_add_func ("/format/duration", test_format_duration);
  return g_test_run ();
}
