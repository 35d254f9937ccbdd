// The engine's one call into the monitoring stage: a finished part of a request, counted into the request's monitor
// (engine/engine.cc FinishCall, after the rules and the redaction, on the engine's thread). The engine runs a
// monitored request with text signals on (HeadOptions::signals) whether or not the caller asked, because the monitor
// reads them; this takes them back out of the result when the caller did not ask, so monitoring never changes what
// a call returns.
#pragma once

#include "core/engine/extract.h"
#include "core/model.h"
#include "core/monitoring/monitor.h"

namespace nn::monitoring {

// Counts `part`'s texts and entities into `monitor`, naming labels as the result does (the rules' label table, the
// model's tags for aggregation "none", else its types). Then, unless `caller_asked_signals`, clears the result's
// signal columns.
void ObservePart(const Model& model, ExtractRequest* part, bool caller_asked_signals, Monitor* monitor);

}  // namespace nn::monitoring
