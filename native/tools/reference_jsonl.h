// Reference encodings made with Hugging Face `tokenizers`, as the parity tools read them: one JSON object per
// line with "text" (UTF-8), "ids" and "offsets_u16" (pairs of UTF-16 offsets), encoded with special tokens.
// Optional: "text_u16" (an array of UTF-16 units that replaces "text": JSON text cannot hold lone surrogates),
// "tokens", "word_ids" (null for none), "special_tokens_mask" and "type_ids"; absent ones load as empty.
// Header-only, so that each tool still builds from its own .cc without CMake.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/util/json.h"
#include "core/util/utf.h"

namespace nn::tools {

struct Reference {
  std::string text_utf8;
  std::u16string text;
  std::vector<int32_t> ids;
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  std::vector<std::string> tokens;
  std::vector<int32_t> word_ids;  // -1 for null
  std::vector<int32_t> special;
  std::vector<int32_t> type_ids;
};

// The numbers of a JSON array (null as -1); empty when `list` is null.
inline std::vector<int32_t> IntList(const json::Value* list) {
  std::vector<int32_t> values;
  if (list == nullptr) return values;
  for (const json::Value& v : list->as_array()) {
    values.push_back(v.is_null() ? -1 : static_cast<int32_t>(v.as_number()));
  }
  return values;
}

// Reads every non-empty line of `path`. Throws nn::Error when the file cannot be opened or a line is not JSON.
inline std::vector<Reference> LoadReferences(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw Error(ErrorCode::kModelNotFound, "cannot open " + path);
  std::vector<Reference> references;
  std::string line;
  size_t line_number = 0;
  while (std::getline(file, line)) {
    ++line_number;
    if (line.empty()) continue;
    const json::Value row = json::Parse(line, path + ":" + std::to_string(line_number));
    Reference ref;
    ref.text_utf8 = row.find("text") ? row.find("text")->as_string() : "";
    ref.text = utf::Utf8ToUtf16(ref.text_utf8);
    if (const json::Value* units = row.find("text_u16")) {  // exact UTF-16, lone surrogates included
      ref.text.clear();
      for (const json::Value& unit : units->as_array()) ref.text.push_back(static_cast<char16_t>(unit.as_number()));
    }
    ref.ids = IntList(row.find("ids"));
    if (const json::Value* tokens = row.find("tokens")) {
      for (const json::Value& token : tokens->as_array()) ref.tokens.push_back(token.as_string());
    }
    ref.word_ids = IntList(row.find("word_ids"));
    ref.special = IntList(row.find("special_tokens_mask"));
    ref.type_ids = IntList(row.find("type_ids"));
    if (const json::Value* offsets = row.find("offsets_u16")) {
      for (const json::Value& pair : offsets->as_array()) {
        const auto& p = pair.as_array();
        ref.offsets.emplace_back(p.size() > 0 ? static_cast<uint32_t>(p[0].as_number()) : 0,
                                 p.size() > 1 ? static_cast<uint32_t>(p[1].as_number()) : 0);
      }
    }
    references.push_back(std::move(ref));
  }
  return references;
}

}  // namespace nn::tools
