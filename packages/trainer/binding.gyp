{
  # The native engine (native/*.c). Each code path is a library of its own because each is
  # compiled with its own -m flags; the addon picks one at run time from the CPU's features.
  # -ffp-contract=off keeps every multiply and add separate, as the wasm kernels have them:
  # that, not the vector width, is what makes the results bit-identical.
  'target_defaults': {
    'cflags': ['-O3', '-ffp-contract=off', '-fno-fast-math', '-fPIC', '-std=gnu11'],
    'cflags!': ['-O2', '-O0'],
    'conditions': [['OS!="linux"', {'defines': []}]],
  },
  'targets': [
    {
      'target_name': 'kernels_sse',
      'type': 'static_library',
      'sources': ['native/kernels-sse.c'],
      'cflags': ['-msse2', '-mno-fma'],
    },
    {
      'target_name': 'kernels_avx2',
      'type': 'static_library',
      'sources': ['native/kernels-avx2.c'],
      'cflags': ['-mavx2', '-mno-fma'],
    },
    {
      'target_name': 'kernels_avx512',
      'type': 'static_library',
      'sources': ['native/kernels-avx512.c'],
      'cflags': ['-mavx512f', '-mavx512vl', '-mno-fma', '-mprefer-vector-width=512'],
    },
    {
      # The peak microbenchmark: the one file built with FMA (per function, by target
      # attributes), which the kernels never use.
      'target_name': 'peak',
      'type': 'static_library',
      'sources': ['native/peak.c'],
      'cflags': ['-O2'],
    },
    {
      'target_name': 'crater_kernels',
      'sources': ['native/crater-kernels-native.c'],
      'dependencies': ['kernels_sse', 'kernels_avx2', 'kernels_avx512', 'peak'],
    },
  ],
}
