/* Umbrella header for the protobuf-c code generated from proto/. */
#ifndef OTLP_PROTO_C_H
#define OTLP_PROTO_C_H
#include "opentelemetry/proto/common/v1/common.pb-c.h"
#include "opentelemetry/proto/resource/v1/resource.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "google/rpc/status.pb-c.h"
#endif
