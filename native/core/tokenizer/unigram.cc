#include "core/tokenizer/unigram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "core/error.h"
#include "core/tokenizer/word_cache.h"
#include "core/util/json.h"
#include "core/util/utf.h"

namespace nn {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidModel, "tokenizer.json: Unigram model: " + message);
}

// Length of the UTF-8 character starting at text[i], as Rust's chars() would see it in valid UTF-8; a byte
// that cannot start a well-formed character (or one cut off by the end) counts as 1.
inline size_t CharLength(std::string_view text, size_t i) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  const size_t length = lead < 0x80 ? 1 : lead < 0xC2 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 1;
  if (length == 1 || i + length > text.size()) return 1;
  for (size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return length;
}

// One position of the Viterbi: the best path that ends at this byte offset.
struct BestPath {
  double score;
  int32_t start;  // where its last piece starts; -1 while no path reaches here
  int32_t id;
};

}  // namespace

struct UnigramScratch {
  std::vector<BestPath> best;
  std::vector<UnigramPiece> reversed;
  WordCache<UnigramPiece> cache;  // words repeat a lot
};

namespace {

UnigramScratch& ThreadScratch() {
  static thread_local UnigramScratch scratch;
  return scratch;
}

}  // namespace

UnigramModel::UnigramModel(std::vector<std::pair<std::string, double>> vocab, int32_t unk_id, bool byte_fallback)
    : unk_id_(unk_id), byte_fallback_(byte_fallback) {
  if (vocab.empty()) Invalid("the vocabulary is empty");
  if (vocab.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) Invalid("the vocabulary is too large");
  if (unk_id != kNoUnk && (unk_id < 0 || static_cast<size_t>(unk_id) >= vocab.size())) {
    Invalid("unk_id " + std::to_string(unk_id) + " is not in the vocabulary (" + std::to_string(vocab.size()) +
            " pieces)");
  }
  pieces_.reserve(vocab.size());
  scores_.reserve(vocab.size());
  double min_score = std::numeric_limits<double>::infinity();
  for (size_t id = 0; id < vocab.size(); ++id) {
    if (!std::isfinite(vocab[id].second)) Invalid("piece " + std::to_string(id) + " has a non-finite score");
    if (!utf::IsValidUtf8(vocab[id].first)) Invalid("piece " + std::to_string(id) + " is not valid UTF-8");
    min_score = std::min(min_score, vocab[id].second);
    pieces_.push_back(std::move(vocab[id].first));
    scores_.push_back(vocab[id].second);
  }
  unk_score_ = min_score - kUnkPenalty;
  BuildTrie();
  for (int byte = 0; byte < 256; ++byte) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", byte);
    byte_piece_ids_[byte] = PieceToId(name);
  }
  cache_owner_ = ReserveWordCacheOwners(1);
}

UnigramModel UnigramModel::FromJson(const json::Value& model) {
  if (!model.is_object()) Invalid("\"model\" is not an object");
  if (const json::Value* type = model.find("type"); type && type->as_string() != "Unigram") {
    Invalid("\"type\" is not \"Unigram\"");
  }
  const json::Value* vocab_json = model.find("vocab");
  if (vocab_json == nullptr || !vocab_json->is_array()) Invalid("\"vocab\" is missing or not an array");
  std::vector<std::pair<std::string, double>> vocab;
  vocab.reserve(vocab_json->as_array().size());
  for (const json::Value& entry : vocab_json->as_array()) {
    const std::vector<json::Value>& pair = entry.as_array();
    if (pair.size() != 2 || !pair[0].is_string() || !pair[1].is_number()) {
      Invalid("vocab entry " + std::to_string(vocab.size()) + " is not a [piece, score] pair");
    }
    vocab.emplace_back(pair[0].as_string(), pair[1].as_number());
  }
  int32_t unk_id = kNoUnk;
  if (const json::Value* unk = model.find("unk_id"); unk && !unk->is_null()) {
    const double value = unk->as_number(-1);
    if (!unk->is_number() || value < 0 || value != std::floor(value) || value >= 2147483647.0) {
      Invalid("\"unk_id\" is not a vocabulary index");
    }
    unk_id = static_cast<int32_t>(value);
  }
  bool byte_fallback = false;
  if (const json::Value* fallback = model.find("byte_fallback"); fallback && !fallback->is_null()) {
    if (!fallback->is_bool()) Invalid("\"byte_fallback\" is not a boolean");
    byte_fallback = fallback->as_bool();
  }
  return UnigramModel(std::move(vocab), unk_id, byte_fallback);
}

void UnigramModel::BuildTrie() {
  // Each distinct piece once, with the id HF's map keeps for it (the last), sorted by bytes.
  std::unordered_map<std::string_view, int32_t> last_id;
  last_id.reserve(pieces_.size());
  for (size_t id = 0; id < pieces_.size(); ++id) last_id[pieces_[id]] = static_cast<int32_t>(id);
  std::vector<std::pair<std::string_view, int32_t>> keys(last_id.begin(), last_id.end());
  std::sort(keys.begin(), keys.end());

  trie_.assign(512, TrieNode{0, -1, -1});
  trie_[0].check = -2;  // the root's slot is taken
  size_t next_check_pos = 1;

  // The smallest base >= 1 whose slots for `labels` (ascending) are all free; grows the array as needed.
  auto find_base = [&](const std::vector<uint8_t>& labels) -> int32_t {
    size_t pos = std::max<size_t>(next_check_pos, static_cast<size_t>(labels[0]) + 1);
    const size_t scan_start = pos;
    size_t occupied = 0;
    for (;; ++pos) {
      if (pos + 256 >= trie_.size()) trie_.resize(std::max(trie_.size() * 2, pos + 512), TrieNode{0, -1, -1});
      if (trie_[pos].check != -1) {
        ++occupied;
        continue;
      }
      const size_t base = pos - labels[0];
      bool fits = true;
      for (size_t k = 1; k < labels.size() && fits; ++k) fits = trie_[base + labels[k]].check == -1;
      if (!fits) continue;
      // darts' heuristic: stop rescanning a region that is almost full.
      if (static_cast<double>(occupied) >= 0.95 * static_cast<double>(pos - scan_start + 1)) next_check_pos = pos;
      if (base > static_cast<size_t>(std::numeric_limits<int32_t>::max() - 512)) Invalid("vocabulary too large");
      return static_cast<int32_t>(base);
    }
  };

  struct Task {
    int32_t node;
    size_t lo, hi, depth;  // keys[lo, hi) share their first `depth` bytes, the path to `node`
  };
  std::vector<Task> stack{{0, 0, keys.size(), 0}};
  std::vector<uint8_t> labels;
  std::vector<std::pair<size_t, size_t>> ranges;
  while (!stack.empty()) {
    const Task task = stack.back();
    stack.pop_back();
    size_t i = task.lo;
    if (i < task.hi && keys[i].first.size() == task.depth) trie_[task.node].id = keys[i++].second;
    labels.clear();
    ranges.clear();
    while (i < task.hi) {
      const uint8_t label = static_cast<uint8_t>(keys[i].first[task.depth]);
      size_t j = i + 1;
      while (j < task.hi && static_cast<uint8_t>(keys[j].first[task.depth]) == label) ++j;
      labels.push_back(label);
      ranges.emplace_back(i, j);
      i = j;
    }
    if (labels.empty()) continue;
    const int32_t base = find_base(labels);
    trie_[task.node].base = base;
    for (size_t k = 0; k < labels.size(); ++k) {
      const int32_t child = base + labels[k];
      trie_[child].check = task.node;
      stack.push_back(Task{child, ranges[k].first, ranges[k].second, task.depth + 1});
    }
  }
  // Padding: base + 255 stays in range for every node (bases are < size - 256 by find_base).
  size_t used = 0;
  for (size_t s = 0; s < trie_.size(); ++s) {
    if (trie_[s].check != -1) used = std::max(used, s + 1);
    if (trie_[s].base > 0) used = std::max(used, static_cast<size_t>(trie_[s].base) + 256);
  }
  trie_.resize(std::max<size_t>(used, 256));
  trie_.shrink_to_fit();
}

int32_t UnigramModel::PieceToId(std::string_view piece) const {
  int32_t node = 0;
  for (const char byte : piece) {
    const int32_t child = trie_[node].base + static_cast<uint8_t>(byte);
    if (trie_[child].check != node) return -1;
    node = child;
  }
  return trie_[node].id;
}

bool UnigramModel::Tokenize(std::string_view word, std::vector<UnigramPiece>* out) const {
  if (word.empty()) return true;
  UnigramScratch& scratch = ThreadScratch();
  // A failure is not cached: it fails again, just as fast.
  return scratch.cache.AppendPieces(cache_owner_, word, out,
                                    [&](std::string_view uncached, std::vector<UnigramPiece>* pieces) {
                                      return TokenizeUncached(uncached, &scratch, pieces);
                                    });
}

bool UnigramModel::TokenizeUncached(std::string_view word, UnigramScratch* scratch_ptr,
                                    std::vector<UnigramPiece>* out) const {
  const size_t size = word.size();
  if (size >= std::numeric_limits<int32_t>::max()) {
    throw Error(ErrorCode::kInvalidArgument, "a word of 2 GiB or more cannot be tokenized");
  }
  UnigramScratch& scratch = *scratch_ptr;
  std::vector<BestPath>& best = scratch.best;
  best.assign(size + 1, BestPath{0.0, -1, -1});
  const TrieNode* trie = trie_.data();
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(word.data());

  for (size_t start = 0; start < size;) {
    const double score_so_far = best[start].score;
    const size_t char_length = CharLength(word, start);
    bool has_single_char_piece = false;
    int32_t node = 0;
    for (size_t end = start; end < size;) {
      const int32_t child = trie[node].base + bytes[end];
      if (trie[child].check != node) break;
      node = child;
      ++end;
      const int32_t id = trie[node].id;
      if (id < 0) continue;
      BestPath& target = best[end];
      const double candidate = scores_[id] + score_so_far;
      if (target.start < 0 || candidate > target.score) {
        target.score = candidate;
        target.start = static_cast<int32_t>(start);
        target.id = id;
      }
      has_single_char_piece = has_single_char_piece || end - start == char_length;
    }
    if (!has_single_char_piece) {
      BestPath& target = best[start + char_length];
      const double candidate = unk_score_ + score_so_far;
      if (target.start < 0 || candidate > target.score) {
        if (unk_id_ == kNoUnk) return false;
        target.score = candidate;
        target.start = static_cast<int32_t>(start);
        target.id = unk_id_;
      }
    }
    start += char_length;
  }

  // Back from the end; runs of unknown nodes become one piece.
  std::vector<UnigramPiece>& reversed = scratch.reversed;
  reversed.clear();
  constexpr int32_t kUnresolved = -2;  // an unknown run, resolved below
  for (size_t end = size; end > 0;) {
    const BestPath& node = best[end];
    const uint32_t start = static_cast<uint32_t>(node.start);
    if (node.id == unk_id_ && unk_id_ != kNoUnk) {
      if (!reversed.empty() && reversed.back().id == kUnresolved && reversed.back().byte_begin == end) {
        reversed.back().byte_begin = start;
      } else {
        reversed.push_back(UnigramPiece{kUnresolved, start, static_cast<uint32_t>(end)});
      }
    } else {
      reversed.push_back(UnigramPiece{node.id, start, static_cast<uint32_t>(end)});
    }
    end = start;
  }

  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) {
    if (it->id != kUnresolved) {
      out->push_back(*it);
      continue;
    }
    // HF looks the run's text up again: it may be a piece after all.
    const std::string_view text = word.substr(it->byte_begin, it->byte_end - it->byte_begin);
    const int32_t id = PieceToId(text);
    if (id >= 0) {
      out->push_back(UnigramPiece{id, it->byte_begin, it->byte_end});
      continue;
    }
    bool all_bytes = byte_fallback_;
    for (size_t k = 0; k < text.size() && all_bytes; ++k) all_bytes = byte_piece_ids_[static_cast<uint8_t>(text[k])] >= 0;
    if (all_bytes) {
      for (const char byte : text) {
        out->push_back(UnigramPiece{byte_piece_ids_[static_cast<uint8_t>(byte)], it->byte_begin, it->byte_end});
      }
    } else {
      out->push_back(UnigramPiece{unk_id_, it->byte_begin, it->byte_end});
    }
  }
  return true;
}

}  // namespace nn
