#include "core/engine/windows.h"

#include <algorithm>

namespace nn {
namespace {

void AppendTemplateTokens(const std::vector<int32_t>& ids, Encoding* out) {
  for (int32_t id : ids) {
    out->ids.push_back(id);
    out->type_ids.push_back(0);
    out->starts.push_back(0);
    out->ends.push_back(0);
    out->special.push_back(1);
    out->word_ids.push_back(-1);
  }
}

void AppendSlice(const Encoding& bare, size_t begin, size_t end, Encoding* out) {
  out->ids.insert(out->ids.end(), bare.ids.begin() + begin, bare.ids.begin() + end);
  out->type_ids.insert(out->type_ids.end(), bare.type_ids.begin() + begin, bare.type_ids.begin() + end);
  out->starts.insert(out->starts.end(), bare.starts.begin() + begin, bare.starts.begin() + end);
  out->ends.insert(out->ends.end(), bare.ends.begin() + begin, bare.ends.begin() + end);
  out->special.insert(out->special.end(), bare.special.begin() + begin, bare.special.begin() + end);
  out->word_ids.insert(out->word_ids.end(), bare.word_ids.begin() + begin, bare.word_ids.begin() + end);
}

}  // namespace

size_t CountWindows(size_t tokens, const Tokenizer& tokenizer, size_t max_tokens, size_t stride) {
  if (tokens == 0) return 0;
  const size_t content = max_tokens - tokenizer.template_size();
  if (tokens <= content) return 1;
  const size_t step = content - stride;
  return 1 + (tokens - content + step - 1) / step;
}

void SplitIntoWindows(const Encoding& bare, const Tokenizer& tokenizer, size_t max_tokens, size_t stride,
                      std::vector<Encoding>* windows, std::vector<size_t>* begins) {
  const size_t template_tokens = tokenizer.template_size();
  const size_t content = max_tokens - template_tokens;
  const size_t step = content - stride;
  if (bare.size() == 0) return;
  // Windows start every `step` tokens until one reaches the end.
  size_t begin = 0;
  while (true) {
    const size_t end = std::min(begin + content, bare.size());
    Encoding& window = windows->emplace_back();
    const size_t length = end - begin + template_tokens;
    window.ids.reserve(length);
    AppendTemplateTokens(tokenizer.prefix_ids(), &window);
    AppendSlice(bare, begin, end, &window);
    AppendTemplateTokens(tokenizer.suffix_ids(), &window);
    if (begins) begins->push_back(begin);
    if (end == bare.size()) break;
    begin += step;
  }
}

}  // namespace nn
