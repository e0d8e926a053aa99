#define G_LOG_DOMAIN "latentlab-cli"

#include "lab-cli.h"

int
lab_cli_noise (int argc, char **argv)
{
  g_printerr ("latentlab-cli noise: not available yet\n");
  return 1;
}
