// A phrase list matched in time linear in the text whatever its size: an Aho–Corasick automaton over words
// (words.h), not characters, so every match is whole words by construction and a phrase of n words costs n steps
// to add. Words are interned to ids once (a hash lookup per word of the text); transitions live in one open-addressing
// table keyed by (state, word), so 1,000,000 phrases need no per-state containers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/rules/words.h"

namespace nn::rules {

class Gazetteer {
 public:
  explicit Gazetteer(Folding folding);
  ~Gazetteer();
  Gazetteer(Gazetteer&&) noexcept;
  Gazetteer& operator=(Gazetteer&&) noexcept;

  const Folding& folding() const { return folding_; }

  // Adds `phrase` carrying `value` (the caller's entry index; one phrase may carry several). Returns false, adding
  // nothing, when the phrase has no words (empty or blank). The gaps count: "AT&T" does not match "AT & T".
  bool Add(std::u16string_view phrase, uint32_t value);
  // Computes the failure links; call once after the last Add and before FindAll.
  void Build();
  size_t phrase_count() const { return values_.size(); }

  struct Match {
    uint32_t start;  // UTF-16 offsets in the text
    uint32_t end;
    uint32_t value;
  };
  // Appends every occurrence of every phrase (overlapping ones too) in `text`, cut into `words` by SplitWords.
  void FindAll(std::u16string_view text, const std::vector<Word>& words, std::vector<Match>* matches) const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t Goto(uint32_t state, uint32_t word) const;
  uint32_t AddTransition(uint32_t state, uint32_t word);  // the child, created when missing
  void GrowTable();

  Folding folding_;
  std::unordered_map<std::string, uint32_t> word_ids_;
  // Transitions: slot = {state, word, child}, open addressing, size a power of two.
  struct Slot {
    uint32_t state = kNone;
    uint32_t word = 0;
    uint32_t child = 0;
  };
  std::vector<Slot> table_;
  size_t transitions_ = 0;
  // Per state (0 is the root).
  std::vector<uint32_t> depth_;
  std::vector<uint32_t> fail_;
  std::vector<uint32_t> output_;       // the nearest state along the failure chain that ends a phrase; kNone
  std::vector<uint32_t> first_value_;  // the state's first phrase (index into values_), kNone
  std::vector<uint32_t> parent_, word_;  // only until Build
  // Per phrase: its value, the next phrase ending at the same state, and which of its words are joined to the
  // previous one (bit k for word k; words past 64 are not checked).
  std::vector<uint32_t> values_;
  std::vector<uint32_t> next_value_;
  std::vector<uint64_t> joined_;
  bool built_ = false;
};

}  // namespace nn::rules
