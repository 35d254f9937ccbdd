#include "addon/segmentation_wrap.h"

#include <vector>

#include "addon/convert.h"
#include "core/segmentation/sentences.h"

namespace nn::addon {

Napi::Value Sentences(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::u16string text = ToU16String(info.Length() >= 1 ? info[0] : env.Undefined(), "text");
  const OptionReader o(info.Length() >= 2 ? info[1] : env.Undefined(), "sentences option");
  SegmentOptions options;
  options.line_breaks = o.Choice("lineBreaks", ParseLineBreaks).value_or(options.line_breaks);
  std::vector<SentenceSpan> spans;
  GuardCore(env, [&] { SplitSentences(text, options, &spans); });
  std::vector<uint32_t> bounds;
  bounds.reserve(spans.size() * 2);
  for (const SentenceSpan& s : spans) {
    bounds.push_back(s.start);
    bounds.push_back(s.end);
  }
  return ToTypedArray(env, std::move(bounds));
}

}  // namespace nn::addon
