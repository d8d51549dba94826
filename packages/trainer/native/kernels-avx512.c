/* The kernels at 16 floats a vector: see kernels-impl.h. Compiled with this path's -m flags. */
#define VW 16
#define KERNEL(name) avx512_##name
#include "kernels-impl.h"
