/* The kernels at 4 floats a vector: see kernels-impl.h. Compiled with this path's -m flags. */
#define VW 4
#define KERNEL(name) sse_##name
#include "kernels-impl.h"
