// The live engines, for the process-exit handler: at exit every engine's threads are stopped (Engine::Abandon)
// before ONNX Runtime's library, which they may be inside, tears down.
#pragma once

namespace nn {

class Engine;

// Adds a live engine; the first call also installs the exit handler. Register an engine only after ONNX Runtime was
// loaded (a model exists before its engine), so that the handler runs before the runtime's own static destructors.
void RegisterEngine(Engine* engine);
// Removes it, before its destruction.
void UnregisterEngine(Engine* engine);

}  // namespace nn
