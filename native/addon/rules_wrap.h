// Rule sets for JS: loadRules(kind, text, source) => Promise<External> builds a rule set (core/rules) on a libuv
// thread (a 1,000,000-phrase list takes seconds), rulesInfo(handle) gives its names once, and extract takes the
// handle per call. The handle owns a shared_ptr: a call holds its own, so replacing or dropping the handle never
// changes a call in flight.
#pragma once

#include <napi.h>

#include <memory>

#include "core/rules/rule_set.h"

namespace nn::addon {

// loadRules('file', path, _) or loadRules('json', text, source): Promise of the handle; bad rules reject with
// ERR_INVALID_ARGUMENT naming the file, line and entry.
Napi::Value LoadRules(const Napi::CallbackInfo& info);
// rulesInfo(handle) => { sourceNames: ['model', ...rule names], idNames, labels, phraseCount }.
Napi::Value RulesInfo(const Napi::CallbackInfo& info);
// The rule set a handle holds; null for undefined. Throws a TypeError for anything else.
std::shared_ptr<const rules::RuleSet> ToRuleSet(const Napi::Value& value);

}  // namespace nn::addon
