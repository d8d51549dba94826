/* The kernels at 8 floats a vector: see kernels-impl.h. Compiled with this path's -m flags. */
#define VW 8
#define KERNEL(name) avx2_##name
#include "kernels-impl.h"
