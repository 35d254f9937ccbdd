// Drift monitors for JS: newMonitor() gives a handle (an External owning a shared_ptr<Monitor>, like rules'), which
// extract takes per call; the engine then adds the call's counts to it on its own thread (core/monitoring/monitor.h).
// A call holds its own reference, so dropping the handle never loses a call in flight.
#pragma once

#include <napi.h>

#include <memory>

#include "core/monitoring/monitor.h"

namespace nn::addon {

// newMonitor() => handle of an empty monitor.
Napi::Value NewMonitor(const Napi::CallbackInfo& info);
// monitorSnapshot(handle, reset: boolean) => the profile as JSON (Profile::ToJson); with reset, the monitor is left
// empty in the same step, so a window rotation loses no call.
Napi::Value MonitorSnapshot(const Napi::CallbackInfo& info);
// monitorMerge(handle, other: handle | string) adds another monitor's counts or a profile's JSON (a file's content,
// `source` naming it in errors: monitorMerge(handle, json, source)); a string that is not a profile of this version
// is ERR_INVALID_ARGUMENT and changes nothing.
Napi::Value MonitorMerge(const Napi::CallbackInfo& info);
// The monitor a handle holds; null for undefined. Throws a TypeError for anything else.
std::shared_ptr<monitoring::Monitor> ToMonitor(const Napi::Value& value);

}  // namespace nn::addon
