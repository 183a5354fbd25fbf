// The only file that includes <napi.h>. Configuration macros must precede that include, so
// every binding source includes this header instead (duckdb-node-neo keeps the same rule).
#pragma once

// Node-API 8 (Node >= 12.22 / 14.17 / 16): cleanup hooks, instance data, BigInt, type tags.
// The package's `binary.napi_versions` says the same, which also keeps cmake-js offline.
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif

// C++ exceptions: a Napi::Error thrown in a binding becomes a JS exception, and so does any
// std::exception (its what() becomes the message) instead of terminating the process.
#ifndef NODE_ADDON_API_CPP_EXCEPTIONS
#define NODE_ADDON_API_CPP_EXCEPTIONS
#endif
#ifndef NODE_ADDON_API_CPP_EXCEPTIONS_ALL
#define NODE_ADDON_API_CPP_EXCEPTIONS_ALL
#endif
#define NODE_ADDON_API_DISABLE_DEPRECATED

#include <napi.h>
