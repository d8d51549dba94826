/*
 * The native engine: kernels-impl.h compiled for three x86 code paths, and the one this CPU
 * runs chosen when the addon loads. An N-API addon (node_api.h only), so one build serves every
 * Node version the project supports.
 *
 * `kernels(path)` gives one code path's kernels as functions. Each takes the memory it works in (an ArrayBuffer from `allocate`, 64-byte aligned)
 * and byte offsets into it, as the WebAssembly module's exports take offsets into its memory:
 * src/crater-kernels.ts drives both the same way.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DECLARE(path)                                                                           \
  void path##_dense_forward(const float *, const float *, float *, int, int, int);             \
  void path##_dense_backward(const float *, const float *, const float *, float *, float *, int, \
                             int, int);                                                         \
  void path##_conv_forward(const float *, const float *, const float *, float *, int, int);     \
  void path##_first_conv_forward(const float *, const float *, const float *, float *, int,    \
                                 int);                                                          \
  void path##_conv_backward(const float *, const float *, float *, const float *, float *,      \
                            float *, float *, float *, int, int);                               \
  void path##_first_conv_backward(const float *, const float *, float *, float *, float *, int, \
                                  int);
DECLARE(sse)
DECLARE(avx2)
DECLARE(avx512)

typedef struct {
  const char *name;
  void (*dense_forward)(const float *, const float *, float *, int, int, int);
  void (*dense_backward)(const float *, const float *, const float *, float *, float *, int, int,
                         int);
  void (*conv_forward)(const float *, const float *, const float *, float *, int, int);
  void (*first_conv_forward)(const float *, const float *, const float *, float *, int, int);
  void (*conv_backward)(const float *, const float *, float *, const float *, float *, float *,
                        float *, float *, int, int);
  void (*first_conv_backward)(const float *, const float *, float *, float *, float *, int, int);
} code_path;

#define PATH(p)                                                                                 \
  {#p, p##_dense_forward, p##_dense_backward, p##_conv_forward, p##_first_conv_forward,        \
   p##_conv_backward, p##_first_conv_backward}
static const code_path PATHS[] = {PATH(avx512), PATH(avx2), PATH(sse)};
#define PATH_COUNT 3

static int path_supported(int index) {
  __builtin_cpu_init();
  switch (index) {
    case 0:
      return __builtin_cpu_supports("avx512f");
    case 1:
      return __builtin_cpu_supports("avx2");
    default:
      return 1; /* SSE2 is part of x86-64 */
  }
}


static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, "SEEDSWEEP_NATIVE_KERNELS", message);
  return NULL;
}

/* argc, argv and `path`, the code path a kernel function was made for (its data). */
#define GET_ARGS(count)                                                                     \
  size_t argc = count;                                                                      \
  napi_value argv[count];                                                                   \
  void *data = NULL;                                                                        \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok || argc < count)     \
    return throw_error(env, "wrong number of arguments");                                   \
  const code_path *path = (const code_path *)data;                                          \
  (void)path;

static int get_int(napi_env env, napi_value value, int32_t *out) {
  return napi_get_value_int32(env, value, out) == napi_ok;
}

/* The memory's base address and its length, from argv[0]. */
static char *memory_of(napi_env env, napi_value buffer, size_t *length) {
  void *data = NULL;
  if (napi_get_arraybuffer_info(env, buffer, &data, length) != napi_ok) return NULL;
  return (char *)data;
}

/* Reads argv[1..count] as int32 into v; offsets must lie inside the memory. */
static int read_ints(napi_env env, napi_value *argv, int count, int32_t *v) {
  for (int i = 0; i < count; i++) {
    if (!get_int(env, argv[i], &v[i])) return 0;
  }
  return 1;
}

#define F(i) ((float *)(base + v[i]))

static napi_value checked(napi_env env, napi_value *argv, int pointers, int ints, int32_t *v,
                          char **base_out) {
  size_t length = 0;
  char *base = memory_of(env, argv[0], &length);
  if (!base) return throw_error(env, "the first argument must be the kernels' ArrayBuffer");
  if (!read_ints(env, argv + 1, pointers + ints, v)) return throw_error(env, "integer expected");
  for (int i = 0; i < pointers; i++) {
    if (v[i] < 0 || (size_t)v[i] > length) return throw_error(env, "offset outside the memory");
  }
  *base_out = base;
  return NULL;
}

static napi_value dense_forward(napi_env env, napi_callback_info info) {
  GET_ARGS(7);
  int32_t v[6];
  char *base = NULL;
  checked(env, argv, 3, 3, v, &base);
  if (!base) return NULL;
  path->dense_forward(F(0), F(1), F(2), v[3], v[4], v[5]);
  return NULL;
}

static napi_value dense_backward(napi_env env, napi_callback_info info) {
  GET_ARGS(9);
  int32_t v[8];
  char *base = NULL;
  checked(env, argv, 5, 3, v, &base);
  if (!base) return NULL;
  path->dense_backward(F(0), F(1), F(2), F(3), F(4), v[5], v[6], v[7]);
  return NULL;
}

static napi_value conv_forward(napi_env env, napi_callback_info info) {
  GET_ARGS(7);
  int32_t v[6];
  char *base = NULL;
  checked(env, argv, 4, 2, v, &base);
  if (!base) return NULL;
  path->conv_forward(F(0), F(1), F(2), F(3), v[4], v[5]);
  return NULL;
}

static napi_value first_conv_forward(napi_env env, napi_callback_info info) {
  GET_ARGS(7);
  int32_t v[6];
  char *base = NULL;
  checked(env, argv, 4, 2, v, &base);
  if (!base) return NULL;
  path->first_conv_forward(F(0), F(1), F(2), F(3), v[4], v[5]);
  return NULL;
}

static napi_value conv_backward(napi_env env, napi_callback_info info) {
  GET_ARGS(11);
  int32_t v[10];
  char *base = NULL;
  checked(env, argv, 8, 2, v, &base);
  if (!base) return NULL;
  path->conv_backward(F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7), v[8], v[9]);
  return NULL;
}

static napi_value first_conv_backward(napi_env env, napi_callback_info info) {
  GET_ARGS(8);
  int32_t v[7];
  char *base = NULL;
  checked(env, argv, 5, 2, v, &base);
  if (!base) return NULL;
  path->first_conv_backward(F(0), F(1), F(2), F(3), F(4), v[5], v[6]);
  return NULL;
}

static void free_memory(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* allocate(bytes): a zeroed ArrayBuffer, 64-byte aligned, for the kernels to work in. */
static napi_value allocate(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  int32_t bytes = 0;
  if (!get_int(env, argv[0], &bytes) || bytes <= 0) return throw_error(env, "a size in bytes");
  void *memory = NULL;
  if (posix_memalign(&memory, 64, (size_t)bytes) != 0) return throw_error(env, "out of memory");
  memset(memory, 0, (size_t)bytes);
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, memory, (size_t)bytes, free_memory, NULL, &buffer) !=
      napi_ok) {
    free(memory);
    return throw_error(env, "could not create an external ArrayBuffer");
  }
  return buffer;
}

static napi_value make_string(napi_env env, const char *text) {
  napi_value value;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value);
  return value;
}

/* codePaths(): the paths this CPU can run, widest first. */
static napi_value code_paths(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value list;
  napi_create_array(env, &list);
  uint32_t at = 0;
  for (int i = 0; i < PATH_COUNT; i++) {
    if (path_supported(i)) napi_set_element(env, list, at++, make_string(env, PATHS[i].name));
  }
  return list;
}

/* kernels(name): the six kernels of one code path this CPU supports, as functions. */
static napi_value kernels(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  char name[16] = {0};
  size_t length = 0;
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &length) != napi_ok)
    return throw_error(env, "a code path name");
  for (int i = 0; i < PATH_COUNT; i++) {
    if (strcmp(name, PATHS[i].name) != 0) continue;
    if (!path_supported(i)) return throw_error(env, "this CPU cannot run that code path");
    static const struct {
      const char *name;
      napi_callback callback;
    } FUNCTIONS[] = {
        {"dense_forward", dense_forward},
        {"dense_backward", dense_backward},
        {"conv_forward", conv_forward},
        {"first_conv_forward", first_conv_forward},
        {"conv_backward", conv_backward},
        {"first_conv_backward", first_conv_backward},
    };
    napi_value object;
    napi_create_object(env, &object);
    for (size_t f = 0; f < sizeof FUNCTIONS / sizeof FUNCTIONS[0]; f++) {
      napi_value function;
      napi_create_function(env, FUNCTIONS[f].name, NAPI_AUTO_LENGTH, FUNCTIONS[f].callback,
                           (void *)&PATHS[i], &function);
      napi_set_named_property(env, object, FUNCTIONS[f].name, function);
    }
    return object;
  }
  return throw_error(env, "unknown code path (avx512, avx2 or sse)");
}

double peak_muladd_avx512(int64_t);
double peak_fma_avx512(int64_t);
double peak_muladd_avx2(int64_t);
double peak_fma_avx2(int64_t);
double peak_muladd_sse(int64_t);

/*
 * peak(kind, iterations): { flops, seconds, lanes } of native/peak.c's loop of that kind
 * ("muladd" or "fma") at the widest width this CPU runs; fma is null without FMA.
 */
static napi_value peak(napi_env env, napi_callback_info info) {
  GET_ARGS(2);
  char kind[8] = {0};
  size_t length = 0;
  int32_t iterations = 0;
  if (napi_get_value_string_utf8(env, argv[0], kind, sizeof kind, &length) != napi_ok ||
      !get_int(env, argv[1], &iterations) || iterations <= 0)
    return throw_error(env, "peak(kind, iterations)");
  int fma = strcmp(kind, "fma") == 0;
  double (*loop)(int64_t) = NULL;
  int lanes = 4;
  if (path_supported(0)) {
    lanes = 16;
    loop = fma ? peak_fma_avx512 : peak_muladd_avx512;
  } else if (path_supported(1)) {
    lanes = 8;
    loop = fma ? (__builtin_cpu_supports("fma") ? peak_fma_avx2 : NULL) : peak_muladd_avx2;
  } else {
    loop = fma ? NULL : peak_muladd_sse;
  }
  napi_value result;
  if (!loop) {
    napi_get_null(env, &result);
    return result;
  }
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  volatile double sink = loop(iterations);
  (void)sink;
  clock_gettime(CLOCK_MONOTONIC, &end);
  double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) * 1e-9;
  /* 16 chains, one operation each per iteration; an FMA is two flops. */
  double flops = (double)iterations * 16 * lanes * (fma ? 2 : 1);
  napi_value v;
  napi_create_object(env, &result);
  napi_create_double(env, flops, &v);
  napi_set_named_property(env, result, "flops", v);
  napi_create_double(env, seconds, &v);
  napi_set_named_property(env, result, "seconds", v);
  napi_create_int32(env, lanes, &v);
  napi_set_named_property(env, result, "lanes", v);
  return result;
}

/*
 * The interface src/native-kernel-engine.ts speaks: it refuses an addon of another version (a
 * build left over from older sources) instead of calling it wrongly.
 */
#define ADDON_INTERFACE 1

static napi_value init(napi_env env, napi_value exports) {
  napi_value version;
  napi_create_int32(env, ADDON_INTERFACE, &version);
  napi_property_descriptor properties[] = {
      {"interface", NULL, NULL, NULL, NULL, version, napi_enumerable, NULL},
      {"allocate", NULL, allocate, NULL, NULL, NULL, napi_default, NULL},
      {"codePaths", NULL, code_paths, NULL, NULL, NULL, napi_default, NULL},
      {"kernels", NULL, kernels, NULL, NULL, NULL, napi_default, NULL},
      {"peak", NULL, peak, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
