// sentences(text, options?) => Uint32Array [start0, end0, start1, end1, ...]: the sentence splitter
// (core/segmentation) on its own, synchronously on the calling thread (it runs at tens of MB/s, so no worker).
// lib/segmentation.ts checks the arguments and builds the sentence objects.
#pragma once

#include <napi.h>

namespace nn::addon {

Napi::Value Sentences(const Napi::CallbackInfo& info);

}  // namespace nn::addon
