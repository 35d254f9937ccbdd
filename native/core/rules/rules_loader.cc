#include "core/rules/rules_loader.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/util/json.h"
#include "core/util/utf.h"

namespace nn::rules {
namespace {

using json::Value;

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, where + ": " + what);
}

// "file: invalid JSON at byte N: what" from the JSON reader becomes "file: line L, column C: invalid JSON: what".
// `first_line`: the line `text` starts on in its file (JSON lines).
Value ParseJson(std::string_view text, const std::string& source, const std::string& where, size_t first_line = 1) {
  try {
    return json::Parse(text, where);
  } catch (const Error& e) {
    std::string message = e.what();
    const std::string marker = "invalid JSON at byte ";
    const size_t at = message.find(marker);
    if (at == std::string::npos) Fail(where, message);
    size_t byte = std::stoul(message.substr(at + marker.size()));
    size_t line = first_line, column = 1;
    for (size_t i = 0; i < byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    const size_t colon = message.find(": ", at);
    const std::string what = colon == std::string::npos ? "" : message.substr(colon + 2);
    Fail(source + ": line " + std::to_string(line) + ", column " + std::to_string(column), "invalid JSON: " + what);
  }
}

class Loader {
 public:
  Loader(std::string source, std::string base_dir) : source_(std::move(source)), base_dir_(std::move(base_dir)) {
    set_ = std::make_shared<RuleSet>();
  }

  std::shared_ptr<const RuleSet> Load(std::string_view text) {
    const Value root = ParseJson(text, source_, source_);
    if (!root.is_object()) Fail(source_, "a rules document is a JSON object");
    CheckKeys(root, source_, {"lists", "patterns", "builtins", "overrides", "allow"});
    const std::vector<Value>& lists = Array(root, "lists", source_);
    for (size_t i = 0; i < lists.size(); ++i) List(lists[i], Where("lists", i, lists[i]));
    const std::vector<Value>& patterns = Array(root, "patterns", source_);
    for (size_t i = 0; i < patterns.size(); ++i) PatternRule(patterns[i], Where("patterns", i, patterns[i]));
    const std::vector<Value>& builtins = Array(root, "builtins", source_);
    for (size_t i = 0; i < builtins.size(); ++i) BuiltinEntry(builtins[i], Where("builtins", i, builtins[i]));
    if (const Value* overrides = root.find("overrides")) Overrides(*overrides);
    const std::vector<Value>& allow = Array(root, "allow", source_);
    for (size_t i = 0; i < allow.size(); ++i) Allow(allow[i], Where("allow", i, allow[i]));
    set_->Finish();
    return set_;
  }

 private:
  std::string Where(const char* section, size_t i, const Value& entry) const {
    std::string where = source_ + ": " + section + "[" + std::to_string(i) + "]";
    const Value* name = entry.find("name");
    if (name && name->is_string()) where += " \"" + name->as_string() + "\"";
    if (entry.is_string()) where += " \"" + entry.as_string() + "\"";
    return where;
  }

  static void CheckKeys(const Value& object, const std::string& where, std::initializer_list<const char*> known) {
    for (const auto& [key, value] : object.as_object()) {
      bool ok = false;
      std::string names;
      for (const char* k : known) {
        ok = ok || key == k;
        names += (names.empty() ? "" : ", ") + std::string(k);
      }
      if (!ok) Fail(where, "unknown key \"" + key + "\" (known: " + names + ")");
    }
  }

  static const std::vector<Value>& Array(const Value& object, const char* key, const std::string& where) {
    static const std::vector<Value> none;
    const Value* v = object.find(key);
    if (!v) return none;
    if (!v->is_array()) Fail(where, std::string("\"") + key + "\" must be an array");
    return v->as_array();
  }

  static std::string String(const Value& object, const char* key, const std::string& where, bool required,
                            const std::string& fallback = "") {
    const Value* v = object.find(key);
    if (!v) {
      if (required) Fail(where, std::string("\"") + key + "\" is required");
      return fallback;
    }
    if (!v->is_string() || v->as_string().empty()) Fail(where, std::string("\"") + key + "\" must be a non-empty string");
    return v->as_string();
  }

  static double Number(const Value& object, const char* key, const std::string& where, double fallback, double min,
                       double max) {
    const Value* v = object.find(key);
    if (!v) return fallback;
    if (!v->is_number() || !(v->as_number() >= min && v->as_number() <= max)) {
      std::ostringstream range;
      range << min << " to " << max;
      Fail(where, std::string("\"") + key + "\" must be a number from " + range.str());
    }
    return v->as_number();
  }

  static bool Bool(const Value& object, const char* key, const std::string& where, bool fallback) {
    const Value* v = object.find(key);
    if (!v) return fallback;
    if (!v->is_bool()) Fail(where, std::string("\"") + key + "\" must be true or false");
    return v->as_bool();
  }

  int32_t NewRule(const Value& entry, const std::string& where, const std::string& name, RuleMode default_mode) {
    Rule rule;
    rule.name = name;
    for (const Rule& r : set_->rules()) {
      if (r.name == name) Fail(where, "a second rule named \"" + name + "\"; rule names (entities' source) must differ");
    }
    if (name == "model") Fail(where, "\"model\" is the model's source name; name the rule otherwise");
    rule.mode = default_mode;
    const std::string mode = String(entry, "mode", where, false);
    if (!mode.empty() && !RuleModeByName(mode, &rule.mode)) {
      Fail(where, "unknown mode \"" + mode + "\" (override, fill, veto or constrain)");
    }
    const double priority = Number(entry, "priority", where, 0, -1e6, 1e6);
    if (priority != std::floor(priority)) Fail(where, "\"priority\" must be an integer");
    rule.priority = static_cast<int32_t>(priority);
    return set_->AddRule(std::move(rule));
  }

  static std::vector<std::string> Words(const Value& entry, const char* key, const std::string& where) {
    std::vector<std::string> words;
    for (const Value& w : Array(entry, key, where)) {
      if (!w.is_string() || w.as_string().empty()) Fail(where, std::string("\"") + key + "\" holds non-empty strings");
      words.push_back(FoldPhrase(utf::Utf8ToUtf16(w.as_string()), Folding{}));
    }
    return words;
  }

  static ContextWords Context(const Value& entry, const std::string& where, std::vector<std::string> fallback) {
    ContextWords context;
    context.positive = entry.find("context") ? Words(entry, "context", where) : std::move(fallback);
    context.negative = Words(entry, "negativeContext", where);
    context.window = static_cast<size_t>(Number(entry, "contextWindow", where, 5, 0, 100));
    context.boost = static_cast<float>(Number(entry, "contextBoost", where, 0.35, 0, 1));
    context.penalty = static_cast<float>(Number(entry, "contextPenalty", where, 0.35, 0, 1));
    return context;
  }

  void Phrase(int32_t rule, const std::string& text, const std::string& label, const std::string& id, float score,
              const Folding& folding, const std::string& where) {
    if (label.empty()) Fail(where, "no label (give the list a \"label\" or the entry one)");
    const int32_t id_index = id.empty() ? -1 : set_->InternId(id);
    if (!set_->AddPhrase(rule, utf::Utf8ToUtf16(text), set_->InternLabel(label), id_index, score, folding)) {
      Fail(where, "empty phrase");
    }
  }

  void List(const Value& entry, const std::string& where) {
    if (!entry.is_object()) Fail(where, "a list is an object");
    CheckKeys(entry, where,
              {"name", "label", "phrases", "file", "format", "mode", "priority", "score", "caseSensitive", "foldAccents"});
    const std::string label = String(entry, "label", where, false);
    const std::string name = String(entry, "name", where, label.empty());  // a list without a label must be named
    const int32_t rule = NewRule(entry, where, name.empty() ? label : name, RuleMode::kFill);
    const float score = static_cast<float>(Number(entry, "score", where, 1.0, 0, 1));
    const Folding folding{!Bool(entry, "caseSensitive", where, false), Bool(entry, "foldAccents", where, false)};
    const std::vector<Value>& phrases = Array(entry, "phrases", where);
    for (size_t i = 0; i < phrases.size(); ++i) {
      const std::string at = where + " phrases[" + std::to_string(i) + "]";
      const Value& p = phrases[i];
      if (p.is_string()) {
        Phrase(rule, p.as_string(), label, "", score, folding, at + " \"" + p.as_string() + "\"");
      } else if (p.is_object()) {
        CheckKeys(p, at, {"text", "label", "id"});
        Phrase(rule, String(p, "text", at, true), String(p, "label", at, false, label), String(p, "id", at, false),
               score, folding, at);
      } else {
        Fail(at, "a phrase is a string or {text, label, id}");
      }
    }
    const std::string file = String(entry, "file", where, false);
    if (!file.empty()) {
      std::string format = String(entry, "format", where, false);
      if (format.empty()) format = file.size() >= 6 && file.compare(file.size() - 6, 6, ".jsonl") == 0 ? "jsonl" : "lines";
      if (format != "lines" && format != "jsonl") Fail(where, "unknown format \"" + format + "\" (lines or jsonl)");
      PhraseFile(rule, file, format == "jsonl", label, score, folding, where);
    } else if (entry.find("format")) {
      Fail(where, "\"format\" without \"file\"");
    }
    if (phrases.empty() && file.empty()) Fail(where, "a list needs \"phrases\" or \"file\"");
  }

  void PhraseFile(int32_t rule, const std::string& file, bool jsonl, const std::string& label, float score,
                  const Folding& folding, const std::string& where) {
    const std::string path = file[0] == '/' || base_dir_.empty() ? file : base_dir_ + "/" + file;
    std::string text;
    try {
      text = json::ReadFile(path);
    } catch (const Error&) {
      Fail(where, "cannot read phrase file " + path);
    }
    size_t line = 0;
    for (size_t begin = 0; begin < text.size();) {
      size_t end = text.find('\n', begin);
      if (end == std::string::npos) end = text.size();
      ++line;
      std::string_view content(text.data() + begin, end - begin);
      if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
      const std::string at = path + ":" + std::to_string(line);
      if (jsonl) {
        const Value v = ParseJson(content, path, at, line);
        if (!v.is_object()) Fail(at, "a JSON line is an object {text, label, id}");
        CheckKeys(v, at, {"text", "label", "id"});
        Phrase(rule, String(v, "text", at, true), String(v, "label", at, false, label), String(v, "id", at, false),
               score, folding, at);
      } else {
        Phrase(rule, std::string(content), label, "", score, folding, at);
      }
      begin = end + 1;
    }
  }

  std::unique_ptr<Regex> CompileRegex(const std::string& pattern, const std::string& where) {
    std::string error;
    std::unique_ptr<Regex> regex = Regex::Compile(pattern, RegexSyntax::kRules, &error);
    if (!regex) Fail(where, "regex \"" + pattern + "\" does not compile: " + error);
    return regex;
  }

  void PatternRule(const Value& entry, const std::string& where) {
    if (!entry.is_object()) Fail(where, "a pattern is an object");
    CheckKeys(entry, where,
              {"name", "label", "regex", "score", "mode", "priority", "context", "negativeContext", "contextWindow",
               "contextBoost", "contextPenalty"});
    const std::string label = String(entry, "label", where, true);
    const std::string regex = String(entry, "regex", where, true);
    const int32_t rule = NewRule(entry, where, String(entry, "name", where, false, label), RuleMode::kOverride);
    const float score = static_cast<float>(Number(entry, "score", where, 0.5, 0, 1));
    set_->AddPattern(rule, CompileRegex(regex, where), set_->InternLabel(label), score, Context(entry, where, {}));
  }

  void BuiltinEntry(const Value& entry, const std::string& where) {
    const Value object = entry.is_string() ? Value::Object({{"name", entry}}) : entry;
    if (!object.is_object()) Fail(where, "a built-in is a name or an object {name, ...}");
    CheckKeys(object, where,
              {"name", "label", "score", "mode", "priority", "context", "negativeContext", "contextWindow",
               "contextBoost", "contextPenalty"});
    const std::string name = String(object, "name", where, true);
    Builtin builtin;
    if (!BuiltinByName(name, &builtin)) Fail(where, "unknown built-in \"" + name + "\" (known: " + BuiltinNames() + ")");
    const int32_t rule = NewRule(object, where, name, RuleMode::kOverride);
    const float score = static_cast<float>(Number(object, "score", where, -1, 0, 1));
    const std::string label = String(object, "label", where, false, name);
    set_->AddBuiltin(rule, builtin, set_->InternLabel(label), score, Context(object, where, BuiltinContext(builtin)));
  }

  void Overrides(const Value& overrides) {
    const std::string where = source_ + ": overrides";
    const int32_t rule = set_->AddRule(Rule{"overrides", RuleMode::kOverride, 0});
    set_->SetOverridesRule(rule);
    auto add = [&](const std::string& form, const std::string& label, const std::string& at) {
      if (label.empty()) Fail(at, "empty label");
      if (!set_->AddOverride(utf::Utf8ToUtf16(form), set_->InternLabel(label))) Fail(at, "empty form");
    };
    if (overrides.is_object()) {
      for (const auto& [form, label] : overrides.as_object()) {
        const std::string at = where + " \"" + form + "\"";
        if (!label.is_string()) Fail(at, "the label must be a string");
        add(form, label.as_string(), at);
      }
    } else if (overrides.is_array()) {
      const std::vector<Value>& items = overrides.as_array();
      for (size_t i = 0; i < items.size(); ++i) {
        const std::string at = where + "[" + std::to_string(i) + "]";
        if (!items[i].is_object()) Fail(at, "an override is {text, label}");
        CheckKeys(items[i], at, {"text", "label"});
        add(String(items[i], "text", at, true), String(items[i], "label", at, true), at);
      }
    } else {
      Fail(where, "overrides are an object {form: label} or an array of {text, label}");
    }
  }

  void Allow(const Value& entry, const std::string& where) {
    if (entry.is_string()) {
      if (FoldPhrase(utf::Utf8ToUtf16(entry.as_string()), Folding{}).empty()) Fail(where, "empty form");
      set_->AddAllowForm(utf::Utf8ToUtf16(entry.as_string()), false);
      return;
    }
    if (!entry.is_object()) Fail(where, "an allow entry is a form, {text, caseSensitive} or {regex}");
    CheckKeys(entry, where, {"text", "caseSensitive", "regex"});
    if (entry.find("regex")) {
      if (entry.find("text")) Fail(where, "give \"text\" or \"regex\", not both");
      set_->AddAllowPattern(CompileRegex(String(entry, "regex", where, true), where));
      return;
    }
    const std::string text = String(entry, "text", where, true);
    if (FoldPhrase(utf::Utf8ToUtf16(text), Folding{}).empty()) Fail(where, "empty form");
    set_->AddAllowForm(utf::Utf8ToUtf16(text), Bool(entry, "caseSensitive", where, false));
  }

  std::string source_;
  std::string base_dir_;
  std::shared_ptr<RuleSet> set_;
};

}  // namespace

std::shared_ptr<const RuleSet> LoadRules(std::string_view json, const std::string& source, const std::string& base_dir) {
  return Loader(source, base_dir).Load(json);
}

std::shared_ptr<const RuleSet> LoadRulesFile(const std::string& path) {
  std::string text;
  try {
    text = json::ReadFile(path);
  } catch (const Error&) {
    Fail(path, "cannot read the rules file");
  }
  const size_t slash = path.rfind('/');
  return LoadRules(text, path, slash == std::string::npos ? "" : path.substr(0, slash));
}

}  // namespace nn::rules
