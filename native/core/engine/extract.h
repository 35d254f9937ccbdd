// One extract request from texts to entities: tokenize, cut into windows, decode each window with the model's head,
// merge each text's windows. Running the windows through the model is the engine's (engine/engine.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/decode/entity.h"
#include "core/decode/head.h"
#include "core/engine/batcher.h"
#include "core/model.h"
#include "core/monitoring/monitor.h"
#include "core/redaction/policy.h"
#include "core/redaction/redactor.h"
#include "core/rules/rule_set.h"
#include "core/segmentation/sentences.h"

namespace nn {

struct ExtractOptions {
  HeadOptions head;                     // options of one kind of head (aggregation, spanMode, ...); unset: its default
  std::vector<std::string> keep_types;  // report only these entity types; empty: all
  float min_score = 0.0f;               // report only entities scoring at least this
  BatchLimits batch;
  size_t stride = 128;                 // tokens shared by consecutive windows of a long text
  size_t max_text_length = 1u << 24;   // UTF-16 units; longer texts are refused, not truncated
  size_t max_windows = 0;              // model windows the whole call may need; 0: no bound (the engine checks it)
  double timeout_ms = 0;               // from submission until the call fails with kTimeout; 0: no deadline
  // Set: each text is split into sentences (segmentation/sentences.h) and each sentence is run as a text of its own
  // (one model input each, windowed when longer than the model), so results equal those of the sentences given one
  // by one; entity offsets are the text's. Unset: each text is run whole.
  std::optional<SegmentOptions> segment;
};

// The per-request "baton": filled on the JS thread (texts, options), worked on by a native thread
// (result), read back on the JS thread. It never points into JS memory.
struct ExtractRequest {
  std::vector<std::u16string> texts;
  // UTF-8 input instead of `texts`: text i is utf8[utf8_bounds[i], utf8_bounds[i + 1]). It is decoded on the worker
  // thread, and entity offsets are then given in bytes within each text.
  std::string utf8;
  std::vector<uint32_t> utf8_bounds;
  ExtractOptions options;
  // Run after the model on each text (core/rules/rule_set.h); held for the whole call, so swapping a model's rules
  // never changes a call already made. Null: none.
  std::shared_ptr<const rules::RuleSet> rules;
  // Set: after the model and the rules, each text is rewritten by this policy (core/redaction/redactor.h) into
  // `redacted`, once the whole call is done, in text order (pseudonyms are numbered in that order). String input only.
  std::shared_ptr<const redaction::Policy> redaction;
  // Set: once the call is done, its texts and entities are counted into this monitor (core/monitoring/observe.h);
  // the engine computes the texts' signals for it. Null: none.
  std::shared_ptr<monitoring::Monitor> monitor;
  EntityColumns result;
  // With rules: the label names result.labels index (the model's types, then the rules' own labels).
  std::vector<std::string> label_names;
  redaction::RedactedTexts redacted;
};

// One request's texts cut into model windows. Windows may be decoded in any order and from any thread (each
// writes only its own slot) as their batch's output arrives; Finish() then fills request->result. The engine
// (engine/engine.h) mixes the windows of many jobs into shared batches.
class ExtractJob {
 public:
  // Decodes UTF-8 input, checks the request, tokenizes its texts and cuts them into windows. `first_text` is
  // the index of the request's first text among the caller's, for error messages. Throws nn::Error:
  // kInvalidArgument when the stride leaves no room in the window or an option does not apply to the model's head,
  // kTextTooLong naming the first text over max_text_length, kTooManyWindows when these texts alone need more than
  // options.max_windows windows.
  ExtractJob(const Model& model, ExtractRequest* request, size_t first_text = 0);
  ~ExtractJob();
  ExtractJob(const ExtractJob&) = delete;
  ExtractJob& operator=(const ExtractJob&) = delete;

  size_t window_count() const;
  const Encoding& window(size_t w) const;
  // The model output's dimensions after [batch, sequence] (the head's: labels, or span width and labels).
  const std::vector<size_t>& output_dims() const;
  // `output` is window w's row of its batch's output.
  void DecodeWindow(size_t w, const float* output);
  // After every window was decoded: merges each text's windows, filters, fills request->result.
  void Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The kTooManyWindows message for a call with these options.
std::string TooManyWindowsMessage(const ExtractOptions& options);

}  // namespace nn
