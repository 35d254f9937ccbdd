#include "addon/monitoring_wrap.h"

#include <string>

#include "addon/convert.h"

namespace nn::addon {
namespace {

using MonitorHandle = std::shared_ptr<monitoring::Monitor>;

// Marks monitor handles, so another External (a rules handle) passed as a monitor is refused, never misread.
constexpr napi_type_tag kMonitorTag = {0x6e61746976656e65, 0x726d6f6e69746f72};

// The monitor of argument `index`, which must be a handle.
MonitorHandle Required(const Napi::CallbackInfo& info, size_t index, const char* function) {
  const MonitorHandle monitor = ToMonitor(info.Length() > index ? info[index] : info.Env().Undefined());
  if (!monitor) throw Napi::TypeError::New(info.Env(), std::string(function) + " needs a monitor handle");
  return monitor;
}

}  // namespace

Napi::Value NewMonitor(const Napi::CallbackInfo& info) {
  auto handle = Napi::External<MonitorHandle>::New(info.Env(), new MonitorHandle(std::make_shared<monitoring::Monitor>()),
                                                   [](Napi::Env, MonitorHandle* p) { delete p; });
  handle.TypeTag(&kMonitorTag);
  return handle;
}

Napi::Value MonitorSnapshot(const Napi::CallbackInfo& info) {
  const MonitorHandle monitor = Required(info, 0, "monitorSnapshot");
  const bool reset = info.Length() >= 2 && info[1].ToBoolean().Value();
  const monitoring::Profile profile = reset ? monitor->Take() : monitor->Snapshot();
  return Napi::String::New(info.Env(), profile.ToJson());
}

Napi::Value MonitorMerge(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const MonitorHandle monitor = Required(info, 0, "monitorMerge");
  const Napi::Value other = info.Length() >= 2 ? info[1] : env.Undefined();
  if (other.IsString()) {
    const std::string source = info.Length() >= 3 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "profile";
    const std::string json = other.As<Napi::String>().Utf8Value();
    monitor->Merge(GuardCore(env, [&] { return monitoring::Profile::FromJson(json, source); }));
  } else {
    const MonitorHandle from = Required(info, 1, "monitorMerge");
    // A snapshot first: merging a monitor into itself must not hold its lock twice.
    monitor->Merge(from->Snapshot());
  }
  return env.Undefined();
}

MonitorHandle ToMonitor(const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return nullptr;
  if (!value.IsExternal() || !value.As<Napi::External<MonitorHandle>>().CheckTypeTag(&kMonitorTag)) {
    throw Napi::TypeError::New(value.Env(), "monitor must be a handle from newMonitor");
  }
  return *value.As<Napi::External<MonitorHandle>>().Data();
}

}  // namespace nn::addon
