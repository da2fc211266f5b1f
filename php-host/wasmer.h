#define FFI_SCOPE "meshcentral_wasmer"
#define FFI_LIB "libwasmer.so"

/*
 * Trimmed declarations from Wasmer 7.4.2's wasm.h / wasmer.h: only what php-host/src/Runtime uses.
 * FFI::cdef/FFI::load cannot parse macros or inline functions, and they resolve every declared function when the
 * library is loaded, so this list must stay a subset of what the shipped libwasmer.so exports.
 * The two #define lines above are read only by FFI::load (preload); WasmerLibrary strips them for FFI::cdef.
 */

typedef char byte_t;
typedef byte_t wasm_byte_t;
typedef struct wasm_byte_vec_t { size_t size; wasm_byte_t *data; } wasm_byte_vec_t;
typedef wasm_byte_vec_t wasm_name_t;
typedef wasm_name_t wasm_message_t;

typedef struct wasm_config_t wasm_config_t;
typedef struct wasm_engine_t wasm_engine_t;
typedef struct wasm_store_t wasm_store_t;
typedef struct wasm_module_t wasm_module_t;
typedef struct wasm_instance_t wasm_instance_t;
typedef struct wasm_func_t wasm_func_t;
typedef struct wasm_memory_t wasm_memory_t;
typedef struct wasm_extern_t wasm_extern_t;
typedef struct wasm_trap_t wasm_trap_t;
typedef struct wasm_valtype_t wasm_valtype_t;
typedef struct wasm_functype_t wasm_functype_t;
typedef struct wasm_externtype_t wasm_externtype_t;
typedef struct wasm_importtype_t wasm_importtype_t;
typedef struct wasm_exporttype_t wasm_exporttype_t;

typedef struct wasm_valtype_vec_t { size_t size; wasm_valtype_t **data; } wasm_valtype_vec_t;
typedef struct wasm_importtype_vec_t { size_t size; wasm_importtype_t **data; } wasm_importtype_vec_t;
typedef struct wasm_exporttype_vec_t { size_t size; wasm_exporttype_t **data; } wasm_exporttype_vec_t;
typedef struct wasm_extern_vec_t { size_t size; wasm_extern_t **data; } wasm_extern_vec_t;

typedef uint8_t wasm_valkind_t;
typedef uint8_t wasm_externkind_t;
typedef uint32_t wasm_memory_pages_t;

typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    void *ref;
  } of;
} wasm_val_t;
typedef struct wasm_val_vec_t { size_t size; wasm_val_t *data; } wasm_val_vec_t;

typedef wasm_trap_t *(*wasm_func_callback_t)(const wasm_val_vec_t *args, wasm_val_vec_t *results);

typedef enum wasmer_backend_t { CRANELIFT = 0, LLVM, SINGLEPASS, HEADLESS, V8 } wasmer_backend_t;

void wasm_byte_vec_new(wasm_byte_vec_t *out, size_t size, const wasm_byte_t *data);
void wasm_byte_vec_new_uninitialized(wasm_byte_vec_t *out, size_t size);
void wasm_byte_vec_delete(wasm_byte_vec_t *v);

wasm_config_t *wasm_config_new(void);
void wasm_config_set_backend(wasm_config_t *config, wasmer_backend_t engine);
bool wasmer_is_backend_available(wasmer_backend_t backend);
wasm_engine_t *wasm_engine_new(void);
wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *config);
void wasm_engine_delete(wasm_engine_t *engine);
wasm_store_t *wasm_store_new(wasm_engine_t *engine);
void wasm_store_delete(wasm_store_t *store);

wasm_module_t *wasm_module_new(wasm_store_t *store, const wasm_byte_vec_t *binary);
void wasm_module_delete(wasm_module_t *module);
void wasm_module_imports(const wasm_module_t *module, wasm_importtype_vec_t *out);
void wasm_module_exports(const wasm_module_t *module, wasm_exporttype_vec_t *out);
void wasm_module_serialize(const wasm_module_t *module, wasm_byte_vec_t *out);
wasm_module_t *wasm_module_deserialize(wasm_store_t *store, const wasm_byte_vec_t *bytes);
void wasm_importtype_vec_delete(wasm_importtype_vec_t *v);
void wasm_exporttype_vec_delete(wasm_exporttype_vec_t *v);

const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *t);
const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *t);
const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *t);
const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *t);
const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *t);
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *t);
const wasm_functype_t *wasm_externtype_as_functype_const(const wasm_externtype_t *t);
const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *t);
const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *t);
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *t);

wasm_func_t *wasm_func_new(wasm_store_t *store, const wasm_functype_t *type, wasm_func_callback_t callback);
void wasm_func_delete(wasm_func_t *func);
wasm_trap_t *wasm_func_call(const wasm_func_t *func, const wasm_val_vec_t *args, wasm_val_vec_t *results);
wasm_extern_t *wasm_func_as_extern(wasm_func_t *func);
wasm_func_t *wasm_extern_as_func(wasm_extern_t *ext);
wasm_memory_t *wasm_extern_as_memory(wasm_extern_t *ext);
void wasm_extern_vec_delete(wasm_extern_vec_t *v);

byte_t *wasm_memory_data(wasm_memory_t *memory);
size_t wasm_memory_data_size(const wasm_memory_t *memory);
bool wasm_memory_grow(wasm_memory_t *memory, wasm_memory_pages_t delta);

wasm_instance_t *wasm_instance_new(wasm_store_t *store, const wasm_module_t *module, const wasm_extern_vec_t *imports, wasm_trap_t **trap);
void wasm_instance_delete(wasm_instance_t *instance);
void wasm_instance_exports(const wasm_instance_t *instance, wasm_extern_vec_t *out);

wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *message);
void wasm_trap_message(const wasm_trap_t *trap, wasm_message_t *out);
void wasm_trap_delete(wasm_trap_t *trap);

int wasmer_last_error_length(void);
int wasmer_last_error_message(char *buffer, int length);
const char *wasmer_version(void);
void wat2wasm(const wasm_byte_vec_t *wat, wasm_byte_vec_t *out);
