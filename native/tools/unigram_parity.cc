// Developer tool: checks the Unigram model, the Precompiled normalizer and grapheme segmentation against reference
// encodings made with Hugging Face `tokenizers`, through a minimal XLM-R pipeline of its own (the real pipeline is
// Tokenizer's): Precompiled -> Strip(right) -> Replace(" {2,}" -> "▁") -> Metaspace(replace ' ', prepend "▁"
// always, split before each "▁") -> Unigram, with <s> (id 0) and </s> (id 2) around.
//
//   unigram_parity TOKENIZER_JSON REFERENCE_JSONL           compare ids (and offsets_u16) of every line
//   unigram_parity --bench TOKENIZER_JSON REFERENCE_JSONL   single-threaded Unigram tokens/s over the texts' words
//
// Reference lines: see reference_jsonl.h (only "text", "ids" and "offsets_u16" are compared).
// Build without CMake:
//   g++ -O2 -std=c++17 -Inative native/tools/unigram_parity.cc native/core/tokenizer/{unigram,precompiled,
//       graphemes,grapheme_tables,unicode,unicode_tables}.cc native/core/util/json.cc -o /tmp/unigram_parity
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tokenizer/precompiled.h"
#include "core/tokenizer/unicode.h"
#include "core/tokenizer/unigram.h"
#include "core/util/json.h"
#include "core/util/utf.h"
#include "tools/reference_jsonl.h"

namespace {

constexpr char32_t kMetaspace = 0x2581;  // ▁

using nn::tools::LoadReferences;
using nn::tools::Reference;

// A character of the text being normalized, with the input span (UTF-16 units) it is aligned to.
struct Char {
  char32_t c;
  uint32_t start;
  uint32_t end;
};

struct Encoding {
  std::vector<int32_t> ids;
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
};

// HF NormalizedString::transform over characters (see change_list.h).
void Apply(const nn::Transformations& changes, std::vector<Char>* chars) {
  std::vector<Char> out;
  out.reserve(changes.size());
  size_t cursor = 0;
  for (const auto& [c, change] : changes) {
    if (change > 0) {
      const Char before = cursor > 0 ? (*chars)[cursor - 1] : Char{0, 0, 0};
      out.push_back(Char{c, before.start, before.end});
    } else {
      const Char at = cursor < chars->size() ? (*chars)[cursor] : Char{0, 0, 0};
      out.push_back(Char{c, at.start, at.end});
      cursor += 1 + static_cast<size_t>(-change);
    }
  }
  *chars = std::move(out);
}

class XlmrPipeline {
 public:
  explicit XlmrPipeline(const std::string& tokenizer_path) {
    const nn::json::Value root = nn::json::Parse(nn::json::ReadFile(tokenizer_path), tokenizer_path);
    const nn::json::Value* normalizer = root.find("normalizer");
    const nn::json::Value* steps = normalizer ? normalizer->find("normalizers") : nullptr;
    const nn::json::Value* first = steps && !steps->as_array().empty() ? &steps->as_array()[0] : nullptr;
    if (first == nullptr || first->find("type") == nullptr || first->find("type")->as_string() != "Precompiled") {
      throw nn::Error(nn::ErrorCode::kInvalidModel, "expected a Sequence normalizer starting with Precompiled");
    }
    charsmap_ = std::make_unique<nn::PrecompiledCharsMap>(
        nn::PrecompiledCharsMap::FromBase64(first->find("precompiled_charsmap")->as_string()));
    model_ = std::make_unique<nn::UnigramModel>(nn::UnigramModel::FromJson(*root.find("model")));
  }

  // Normalizes and pre-tokenizes: the words, each as characters.
  void Words(const std::u16string& text, std::vector<std::vector<Char>>* words) const {
    std::vector<Char> chars;
    for (size_t i = 0; i < text.size();) {
      size_t units;
      const char32_t c = nn::utf::DecodeUtf16(text, i, &units);
      chars.push_back(Char{c, static_cast<uint32_t>(i), static_cast<uint32_t>(i + units)});
      i += units;
    }
    // Precompiled.
    std::u32string code_points;
    for (const Char& ch : chars) code_points.push_back(ch.c);
    nn::Transformations changes;
    if (charsmap_->Normalize(code_points, &changes)) Apply(changes, &chars);
    // Strip right.
    while (!chars.empty() && nn::unicode::IsWhitespace(chars.back().c)) chars.pop_back();
    // Replace " {2,}" by "▁": the new character is aligned with the run's last space.
    std::vector<Char> replaced;
    for (size_t i = 0; i < chars.size();) {
      size_t j = i;
      while (j < chars.size() && chars[j].c == ' ') ++j;
      if (j - i >= 2) {
        replaced.push_back(Char{kMetaspace, chars[j - 1].start, chars[j - 1].end});
        i = j;
      } else {
        replaced.push_back(chars[i++]);
      }
    }
    // Metaspace: ' ' -> '▁', prepend '▁' (aligned with the first character), split before each '▁'.
    for (Char& ch : replaced) {
      if (ch.c == ' ') ch.c = kMetaspace;
    }
    if (!replaced.empty() && replaced[0].c != kMetaspace) {
      replaced.insert(replaced.begin(), Char{kMetaspace, replaced[0].start, replaced[0].end});
    }
    words->clear();
    for (const Char& ch : replaced) {
      if (ch.c == kMetaspace || words->empty()) words->emplace_back();
      words->back().push_back(ch);
    }
  }

  bool Encode(const std::u16string& text, Encoding* out) const {
    out->ids.assign(1, 0);
    out->offsets.assign(1, {0, 0});
    std::vector<std::vector<Char>> words;
    Words(text, &words);
    std::string utf8;
    std::vector<uint32_t> char_at_byte;
    std::vector<nn::UnigramPiece> pieces;
    for (const std::vector<Char>& word : words) {
      utf8.clear();
      char_at_byte.clear();
      for (size_t k = 0; k < word.size(); ++k) {
        nn::utf::AppendUtf8(word[k].c, &utf8);
        char_at_byte.resize(utf8.size(), static_cast<uint32_t>(k));
      }
      pieces.clear();
      if (!model_->Tokenize(utf8, &pieces)) return false;
      for (const nn::UnigramPiece& piece : pieces) {
        out->ids.push_back(piece.id);
        uint32_t start = UINT32_MAX, end = 0;
        for (uint32_t k = char_at_byte[piece.byte_begin]; k <= char_at_byte[piece.byte_end - 1]; ++k) {
          start = std::min(start, word[k].start);
          end = std::max(end, word[k].end);
        }
        out->offsets.emplace_back(start, end);
      }
    }
    out->ids.push_back(2);
    out->offsets.emplace_back(0, 0);
    return true;
  }

  const nn::UnigramModel& model() const { return *model_; }

 private:
  std::unique_ptr<nn::PrecompiledCharsMap> charsmap_;
  std::unique_ptr<nn::UnigramModel> model_;
};

std::string Shorten(const std::string& text, size_t max) {
  return text.size() <= max ? text : text.substr(0, max) + "...";
}

int RunParity(const XlmrPipeline& pipeline, const std::vector<Reference>& references) {
  size_t ids_passed = 0, offsets_passed = 0, shown = 0;
  Encoding got;
  for (size_t i = 0; i < references.size(); ++i) {
    const Reference& ref = references[i];
    if (!pipeline.Encode(ref.text, &got)) got.ids.assign(1, -1);
    const bool ids_ok = got.ids == ref.ids;
    const bool offsets_ok = ids_ok && got.offsets == ref.offsets;
    ids_passed += ids_ok;
    offsets_passed += offsets_ok;
    if (!offsets_ok && shown++ < 8) {
      std::cout << (ids_ok ? "OFFSETS" : "IDS") << " MISMATCH line " << i + 1 << ": " << Shorten(ref.text_utf8, 160)
                << "\n";
      size_t first = 0;
      while (first < std::min(got.ids.size(), ref.ids.size()) && got.ids[first] == ref.ids[first] &&
             (first >= ref.offsets.size() || got.offsets[first] == ref.offsets[first])) {
        ++first;
      }
      for (size_t k = first >= 2 ? first - 2 : 0; k < first + 4 && k < std::max(got.ids.size(), ref.ids.size()); ++k) {
        std::cout << "  [" << k << "] expected ";
        if (k < ref.ids.size()) {
          std::cout << ref.ids[k] << " " << pipeline.model().IdToPiece(ref.ids[k]);
          if (k < ref.offsets.size()) std::cout << " (" << ref.offsets[k].first << "," << ref.offsets[k].second << ")";
        }
        std::cout << "   got ";
        if (k < got.ids.size()) {
          std::cout << got.ids[k] << " " << pipeline.model().IdToPiece(got.ids[k]) << " (" << got.offsets[k].first
                    << "," << got.offsets[k].second << ")";
        }
        std::cout << "\n";
      }
    }
  }
  std::cout << "ids: " << ids_passed << "/" << references.size() << " match; ids and offsets: " << offsets_passed << "/"
            << references.size() << " match\n";
  return ids_passed == references.size() ? 0 : 1;
}

int RunBench(const XlmrPipeline& pipeline, const std::vector<Reference>& references) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::string> words;
  std::vector<std::vector<Char>> chars;
  for (const Reference& ref : references) {
    pipeline.Words(ref.text, &chars);
    for (const auto& word : chars) {
      std::string utf8;
      for (const Char& ch : word) nn::utf::AppendUtf8(ch.c, &utf8);
      words.push_back(std::move(utf8));
    }
  }
  std::vector<nn::UnigramPiece> pieces;
  double best = 1e30;
  size_t tokens = 0;
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < 2.0) {
    const auto pass_start = Clock::now();
    tokens = 0;
    for (const std::string& word : words) {
      pieces.clear();
      if (!pipeline.model().Tokenize(word, &pieces)) return 1;
      tokens += pieces.size();
    }
    best = std::min(best, std::chrono::duration<double>(Clock::now() - pass_start).count());
  }
  std::printf("Unigram alone: %zu words, %zu tokens per pass; fastest pass %.2f M tokens/s (single thread)\n",
              words.size(), tokens, tokens / best / 1e6);
  Encoding encoding;
  best = 1e30;
  const auto start2 = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start2).count() < 2.0) {
    const auto pass_start = Clock::now();
    for (const Reference& ref : references) pipeline.Encode(ref.text, &encoding);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - pass_start).count());
  }
  std::printf("this tool's whole pipeline (not optimised): fastest pass %.2f M tokens/s\n", tokens / best / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool bench = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--bench") == 0) {
      bench = true;
    } else {
      args.emplace_back(argv[i]);
    }
  }
  if (args.size() != 2) {
    std::cerr << "usage: unigram_parity [--bench] TOKENIZER_JSON REFERENCE_JSONL\n";
    return 2;
  }
  try {
    const XlmrPipeline pipeline(args[0]);
    const std::vector<Reference> references = LoadReferences(args[1]);
    return bench ? RunBench(pipeline, references) : RunParity(pipeline, references);
  } catch (const nn::Error& error) {
    std::cerr << nn::ErrorCodeName(error.code()) << ": " << error.what() << "\n";
    return 2;
  }
}
