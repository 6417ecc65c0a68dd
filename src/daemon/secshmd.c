// SPDX-License-Identifier: MIT
#include "daemon.h"

int main(int argc, char **argv)
{
	return secshmd_main(argc, argv);
}
