// Runs a callable when the scope ends, however it ends: releases C handles (ONNX Runtime's) on throw.
#pragma once

#include <utility>

namespace nn {

template <typename F>
class ScopeExit {
 public:
  explicit ScopeExit(F f) : f_(std::move(f)) {}
  ~ScopeExit() { f_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  F f_;
};

template <typename F>
ScopeExit(F) -> ScopeExit<F>;

}  // namespace nn
