// Layout of the generated normalization tables (normalization_tables.cc, written by
// scripts/gen_normalization_tables.py). Only unicode_normalization.cc reads them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nn::normalization_tables {

struct PooledDecomposition {
  char32_t code_point;
  uint16_t pool_offset;  // into kCompatibilityPool
  uint8_t length;
};

struct Composition {
  char32_t first;
  char32_t second;
  char32_t composite;
};

// Sorted by code point / by (first, second).
extern const PooledDecomposition kCompatibilityDecomposition[];
extern const size_t kCompatibilityDecompositionSize;
extern const char32_t kCompatibilityPool[];
extern const Composition kComposition[];
extern const size_t kCompositionSize;

}  // namespace nn::normalization_tables
