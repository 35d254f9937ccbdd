#include "core/monitoring/observe.h"

namespace nn::monitoring {

void ObservePart(const Model& model, ExtractRequest* part, bool caller_asked_signals, Monitor* monitor) {
  EntityColumns& result = part->result;
  std::vector<std::string> tag_names;
  const std::vector<std::string>* names = &model.labels().types();
  if (part->rules) {
    names = &part->label_names;
  } else if (model.head().LabelsAreTags(part->options.head)) {
    for (size_t i = 0; i < model.labels().size(); ++i) tag_names.push_back(model.labels().tag(i).name);
    names = &tag_names;
  }
  ObservedCall call;
  call.texts = &part->texts;
  call.result = &result;
  call.label_names = names;
  if (!part->utf8_bounds.empty()) {
    call.utf8 = part->utf8;
    call.utf8_bounds = &part->utf8_bounds;
  }
  monitor->Observe(call);
  if (!caller_asked_signals) {
    result.signals = false;
    for (std::vector<float>* column : {&result.min_probs, &result.margins, &result.entropies, &result.text_entropy,
                                       &result.unk_rate}) {
      column->clear();
    }
    result.text_windows.clear();
    result.text_tokens.clear();
  }
}

}  // namespace nn::monitoring
