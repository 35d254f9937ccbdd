// Module entry: registers NativeModel, NativeTokenizer, loadModel (async), sentences, rules and redaction functions
// for each JS environment.
#include <napi.h>

#include "addon/addon_data.h"
#include "addon/convert.h"
#include "addon/model_wrap.h"
#include "addon/monitoring_wrap.h"
#include "addon/planted_faults.h"
#include "addon/redaction_wrap.h"
#include "addon/rules_wrap.h"
#include "addon/segmentation_wrap.h"
#include "addon/tokenizer_wrap.h"
#include "addon/workers.h"

namespace nn::addon {
namespace {

// loadModel(params) => Promise<NativeModel>: the ONNX session is built on a worker thread.
Napi::Value LoadModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Value params = info.Length() >= 1 ? info[0] : env.Undefined();
  auto* worker = new LoadModelWorker(env, ToModelParams(params), ToEngineParams(params), &ModelWrap::Wrap);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);  // deleted with the environment
  Napi::Function model = ModelWrap::Define(env);
  Napi::Function tokenizer = TokenizerWrap::Define(env);
  data->model_constructor = Napi::Persistent(model);
  data->tokenizer_constructor = Napi::Persistent(tokenizer);
  exports.Set("NativeModel", model);
  exports.Set("NativeTokenizer", tokenizer);
  exports.Set("loadModel", Napi::Function::New(env, LoadModel, "loadModel"));
  exports.Set("sentences", Napi::Function::New(env, Sentences, "sentences"));
  exports.Set("loadRules", Napi::Function::New(env, LoadRules, "loadRules"));
  exports.Set("rulesInfo", Napi::Function::New(env, RulesInfo, "rulesInfo"));
  exports.Set("newPseudonyms", Napi::Function::New(env, NewPseudonyms, "newPseudonyms"));
  exports.Set("pseudonymEntries", Napi::Function::New(env, PseudonymEntries, "pseudonymEntries"));
  exports.Set("restore", Napi::Function::New(env, Restore, "restore"));
  exports.Set("operatorNames", Napi::Function::New(env, OperatorNames, "operatorNames"));
  exports.Set("newMonitor", Napi::Function::New(env, NewMonitor, "newMonitor"));
  exports.Set("monitorSnapshot", Napi::Function::New(env, MonitorSnapshot, "monitorSnapshot"));
  exports.Set("monitorMerge", Napi::Function::New(env, MonitorMerge, "monitorMerge"));
  ExportPlantedFaults(env, exports);
  return exports;
}

}  // namespace nn::addon

// The macro needs an unqualified name.
static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return nn::addon::Init(env, exports); }
NODE_API_MODULE(native_ner, InitModule)
