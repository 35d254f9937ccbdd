// A rule set from its JSON form (the schema is docs/api.md's "Rules" section): phrase lists inline or from files
// (one phrase per line, or JSON lines {"text", "label", "id"}), patterns, built-ins by name, overrides,
// allow-lists, each with a mode and a priority. Strict: an unknown key, a wrong type, malformed JSON, a pattern that
// does not compile, an unknown built-in or an empty phrase throws nn::Error(kInvalidArgument) naming the file, the
// line where there is one, and the entry; nothing is returned half-loaded.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/rules/rule_set.h"

namespace nn::rules {

// `source` names the document in errors (a path, or "rules" for an object given in code); phrase files are read
// relative to `base_dir` ("" for the working directory).
std::shared_ptr<const RuleSet> LoadRules(std::string_view json, const std::string& source, const std::string& base_dir);

// Reads `path` and loads it, phrase files relative to its directory.
std::shared_ptr<const RuleSet> LoadRulesFile(const std::string& path);

}  // namespace nn::rules
