#include "core/tokenizer/pipeline_steps.h"

namespace nn {

void SplitByBehavior(const std::vector<PatternPiece>& pieces, SplitBehavior behavior, std::vector<CharRange>* words) {
  const size_t first_new = words->size();
  // Pieces to keep, as HF computes them, then empty ones dropped (PreTokenizedString::split does that).
  const auto push = [&](uint32_t begin, uint32_t end) { words->push_back(CharRange{begin, end}); };
  switch (behavior) {
    case SplitBehavior::kIsolated:
      for (const PatternPiece& p : pieces) push(p.begin, p.end);
      break;
    case SplitBehavior::kRemoved:
      for (const PatternPiece& p : pieces) {
        if (!p.is_match) push(p.begin, p.end);
      }
      break;
    case SplitBehavior::kContiguous: {
      bool previous_match = false;
      for (const PatternPiece& p : pieces) {
        if (p.is_match == previous_match && words->size() > first_new) {
          words->back().end = p.end;
        } else {
          push(p.begin, p.end);
        }
        previous_match = p.is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithPrevious: {
      bool previous_match = false;
      for (const PatternPiece& p : pieces) {
        if (p.is_match && !previous_match && words->size() > first_new) {
          words->back().end = p.end;
        } else {
          push(p.begin, p.end);
        }
        previous_match = p.is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithNext: {
      // HF folds from the end: a match joins the piece after it unless that piece was a match too.
      bool previous_match = false;
      std::vector<CharRange> reversed;
      for (size_t k = pieces.size(); k-- > 0;) {
        const PatternPiece& p = pieces[k];
        if (p.is_match && !previous_match && !reversed.empty()) {
          reversed.back().begin = p.begin;
        } else {
          reversed.push_back(CharRange{p.begin, p.end});
        }
        previous_match = p.is_match;
      }
      for (size_t k = reversed.size(); k-- > 0;) words->push_back(reversed[k]);
      break;
    }
  }
  // Drop the empty ones.
  size_t kept = first_new;
  for (size_t k = first_new; k < words->size(); ++k) {
    if ((*words)[k].begin < (*words)[k].end) (*words)[kept++] = (*words)[k];
  }
  words->resize(kept);
}

}  // namespace nn
