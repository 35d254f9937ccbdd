#include "core/engine/engine_registry.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "core/engine/engine.h"

namespace nn {
namespace {

// Leaked on purpose: it must outlive every static destructor.
struct Registry {
  std::mutex mutex;
  std::vector<Engine*> engines;
};

Registry& Engines() {
  static Registry* registry = new Registry;
  return *registry;
}

// Registered (with atexit) after ONNX Runtime was loaded, so it runs before the runtime's own static destructors:
// engine threads are stopped before the library under them goes away.
void AbandonAllEngines() {
  Registry& registry = Engines();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (Engine* engine : registry.engines) engine->Abandon();
}

}  // namespace

void RegisterEngine(Engine* engine) {
  static std::once_flag exit_handler;
  std::call_once(exit_handler, [] { std::atexit(AbandonAllEngines); });
  Registry& registry = Engines();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.engines.push_back(engine);
}

void UnregisterEngine(Engine* engine) {
  Registry& registry = Engines();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.engines.erase(std::remove(registry.engines.begin(), registry.engines.end(), engine), registry.engines.end());
}

}  // namespace nn
