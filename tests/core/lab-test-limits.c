#include "lab-test-limits.h"

#include <string.h>
#include <sys/resource.h>

static struct rlimit saved_as;

void
lab_test_limit_address_space (guint64 headroom)
{
  g_autofree char *status = NULL;
  const char *vm;
  struct rlimit limit;
  guint64 used_kib;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  vm = strstr (status, "VmSize:");
  g_assert_nonnull (vm);
  used_kib = g_ascii_strtoull (vm + 7, NULL, 10);
  g_assert_cmpint (getrlimit (RLIMIT_AS, &saved_as), ==, 0);
  limit = saved_as;
  limit.rlim_cur = (used_kib << 10) + headroom;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_cur > limit.rlim_max)
    limit.rlim_cur = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
}

void
lab_test_restore_address_space (void)
{
  g_assert_cmpint (setrlimit (RLIMIT_AS, &saved_as), ==, 0);
}
