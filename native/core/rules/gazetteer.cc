#include "core/rules/gazetteer.h"

#include <algorithm>

namespace nn::rules {
namespace {

inline size_t HashPair(uint32_t state, uint32_t word) {
  uint64_t x = (static_cast<uint64_t>(state) << 32) | word;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<size_t>(x);
}

}  // namespace

Gazetteer::Gazetteer(Folding folding) : folding_(folding) {
  table_.resize(1024);
  depth_.push_back(0);
  first_value_.push_back(kNone);
  parent_.push_back(kNone);
  word_.push_back(0);
}

Gazetteer::~Gazetteer() = default;
Gazetteer::Gazetteer(Gazetteer&&) noexcept = default;
Gazetteer& Gazetteer::operator=(Gazetteer&&) noexcept = default;

uint32_t Gazetteer::Goto(uint32_t state, uint32_t word) const {
  const size_t mask = table_.size() - 1;
  for (size_t i = HashPair(state, word) & mask;; i = (i + 1) & mask) {
    const Slot& slot = table_[i];
    if (slot.state == kNone) return kNone;
    if (slot.state == state && slot.word == word) return slot.child;
  }
}

void Gazetteer::GrowTable() {
  std::vector<Slot> old(table_.size() * 2);
  old.swap(table_);
  const size_t mask = table_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.state == kNone) continue;
    size_t i = HashPair(slot.state, slot.word) & mask;
    while (table_[i].state != kNone) i = (i + 1) & mask;
    table_[i] = slot;
  }
}

uint32_t Gazetteer::AddTransition(uint32_t state, uint32_t word) {
  if ((transitions_ + 1) * 2 > table_.size()) GrowTable();  // load factor at most 1/2
  const size_t mask = table_.size() - 1;
  size_t i = HashPair(state, word) & mask;
  for (;; i = (i + 1) & mask) {
    Slot& slot = table_[i];
    if (slot.state == kNone) break;
    if (slot.state == state && slot.word == word) return slot.child;
  }
  const uint32_t child = static_cast<uint32_t>(depth_.size());
  table_[i] = Slot{state, word, child};
  ++transitions_;
  depth_.push_back(depth_[state] + 1);
  first_value_.push_back(kNone);
  parent_.push_back(state);
  word_.push_back(word);
  return child;
}

bool Gazetteer::Add(std::u16string_view phrase, uint32_t value) {
  std::vector<Word> words;
  SplitWords(phrase, &words);
  if (words.empty()) return false;
  built_ = false;
  std::string folded;
  uint32_t state = 0;
  uint64_t joined = 0;
  for (size_t k = 0; k < words.size(); ++k) {
    FoldWord(phrase, words[k], folding_, &folded);
    const auto [it, inserted] = word_ids_.try_emplace(folded, static_cast<uint32_t>(word_ids_.size()));
    state = AddTransition(state, it->second);
    if (words[k].joined && k < 64) joined |= uint64_t{1} << k;
  }
  const uint32_t index = static_cast<uint32_t>(values_.size());
  values_.push_back(value);
  joined_.push_back(joined);
  next_value_.push_back(first_value_[state]);
  first_value_[state] = index;
  return true;
}

void Gazetteer::Build() {
  const size_t states = depth_.size();
  fail_.assign(states, 0);
  output_.assign(states, kNone);
  // States in breadth-first order (by depth), so a state's failure target is final before it is used.
  std::vector<uint32_t> order(states);
  for (uint32_t s = 0; s < states; ++s) order[s] = s;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return depth_[a] < depth_[b]; });
  for (uint32_t s : order) {
    if (s == 0) continue;
    const uint32_t parent = parent_[s];
    uint32_t target = 0;
    if (parent != 0) {
      for (uint32_t f = fail_[parent];; f = fail_[f]) {
        const uint32_t next = Goto(f, word_[s]);
        if (next != kNone) {
          target = next;
          break;
        }
        if (f == 0) break;
      }
    }
    fail_[s] = target;
    output_[s] = first_value_[target] != kNone ? target : output_[target];
  }
  parent_.clear();
  parent_.shrink_to_fit();
  word_.clear();
  word_.shrink_to_fit();
  built_ = true;
}

void Gazetteer::FindAll(std::u16string_view text, const std::vector<Word>& words, std::vector<Match>* matches) const {
  if (!built_ || values_.empty()) return;
  std::string folded;
  uint32_t state = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    FoldWord(text, words[i], folding_, &folded);
    const auto it = word_ids_.find(folded);
    if (it == word_ids_.end()) {  // no phrase has this word: every partial match ends here
      state = 0;
      continue;
    }
    for (;;) {
      const uint32_t next = Goto(state, it->second);
      if (next != kNone) {
        state = next;
        break;
      }
      if (state == 0) break;
      state = fail_[state];
    }
    for (uint32_t s = first_value_[state] != kNone ? state : output_[state]; s != kNone; s = output_[s]) {
      const size_t length = depth_[s];
      const size_t first = i + 1 - length;
      for (uint32_t v = first_value_[s]; v != kNone; v = next_value_[v]) {
        bool gaps_agree = true;
        for (size_t k = 1; k < length && k < 64 && gaps_agree; ++k) {
          gaps_agree = words[first + k].joined == ((joined_[v] >> k) & 1);
        }
        if (gaps_agree) matches->push_back(Match{words[first].start, words[i].end, values_[v]});
      }
    }
  }
}

}  // namespace nn::rules
