#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>

/* zlib's init entry points are function-like macros, which Swift does not import. */
static inline int trellis_inflate_init_gzip(z_streamp stream) {
    /* 32 + MAX_WBITS: accept both gzip and zlib headers. */
    return inflateInit2(stream, 32 + MAX_WBITS);
}

static inline int trellis_deflate_init_gzip(z_streamp stream, int level) {
    /* 16 + MAX_WBITS: write a gzip header and trailer. */
    return deflateInit2(stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
#endif
