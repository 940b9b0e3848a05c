/* Umbrella header for the protobuf-c code generated from proto/. */
#ifndef TRELLIS_PROTO_C_H
#define TRELLIS_PROTO_C_H
#include "opentelemetry/proto/common/v1/common.pb-c.h"
#include "opentelemetry/proto/resource/v1/resource.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "google/rpc/status.pb-c.h"
#include "zipkin/proto3/zipkin.pb-c.h"
#include "jaeger/api_v2/model.pb-c.h"
#include "jaeger/api_v2/collector.pb-c.h"
#endif
