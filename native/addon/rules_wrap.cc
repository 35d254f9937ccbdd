#include "addon/rules_wrap.h"

#include <string>

#include "addon/convert.h"
#include "addon/workers.h"
#include "core/rules/rules_loader.h"

namespace nn::addon {
namespace {

using RulesHandle = std::shared_ptr<const rules::RuleSet>;

Napi::Value MakeHandle(Napi::Env env, RulesHandle set) {
  return Napi::External<RulesHandle>::New(env, new RulesHandle(std::move(set)),
                                          [](Napi::Env, RulesHandle* p) { delete p; });
}

class LoadRulesWorker : public PromiseWorker {
 public:
  LoadRulesWorker(Napi::Env env, bool from_file, std::string text, std::string source)
      : PromiseWorker(env, "native-ner:loadRules"), from_file_(from_file), text_(std::move(text)),
        source_(std::move(source)) {}

 private:
  void Work() override {
    set_ = from_file_ ? rules::LoadRulesFile(text_) : rules::LoadRules(text_, source_, "");
  }
  Napi::Value Result(Napi::Env env) override { return MakeHandle(env, std::move(set_)); }

  bool from_file_;
  std::string text_;
  std::string source_;
  RulesHandle set_;
};

Napi::Array Strings(Napi::Env env, const std::vector<std::string>& values, const char* first = nullptr) {
  const uint32_t offset = first ? 1 : 0;
  Napi::Array out = Napi::Array::New(env, values.size() + offset);
  if (first) out.Set(0u, first);
  for (size_t i = 0; i < values.size(); ++i) out.Set(static_cast<uint32_t>(i + offset), values[i]);
  return out;
}

}  // namespace

Napi::Value LoadRules(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString()) {
    throw Napi::TypeError::New(env, "loadRules(kind, text, source) takes three strings");
  }
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  auto* worker = new LoadRulesWorker(env, kind == "file", info[1].As<Napi::String>().Utf8Value(),
                                     info[2].As<Napi::String>().Utf8Value());
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

Napi::Value RulesInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RulesHandle set = ToRuleSet(info.Length() >= 1 ? info[0] : env.Undefined());
  if (!set) throw Napi::TypeError::New(env, "rulesInfo needs a rules handle");
  std::vector<std::string> names;
  for (const rules::Rule& r : set->rules()) names.push_back(r.name);
  Napi::Object out = Napi::Object::New(env);
  out.Set("sourceNames", Strings(env, names, "model"));
  out.Set("idNames", Strings(env, set->ids()));
  out.Set("labels", Strings(env, set->labels()));
  out.Set("phraseCount", Napi::Number::New(env, static_cast<double>(set->phrase_count())));
  return out;
}

RulesHandle ToRuleSet(const Napi::Value& value) {
  if (value.IsUndefined() || value.IsNull()) return nullptr;
  if (!value.IsExternal()) throw Napi::TypeError::New(value.Env(), "rules must be a handle from loadRules");
  return *value.As<Napi::External<RulesHandle>>().Data();
}

}  // namespace nn::addon
