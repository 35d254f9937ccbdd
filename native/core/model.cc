#include "core/model.h"

#include <sys/stat.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/decode/calibration.h"
#include "core/error.h"
#include "core/runtime/onnx_initializers.h"
#include "core/tokenizer/tokenizer_class.h"
#include "core/util/json.h"

namespace nn {
namespace {

// A path that exists but is no regular file (a directory, a device such as a link to /dev/null) is a broken
// model directory, not a missing file: say so rather than "not found".
bool IsFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::kInvalidModel, "'" + path + "' exists but is not a regular file (" +
                                              (S_ISDIR(st.st_mode) ? "a directory" : "a device, socket or pipe") +
                                              "); replace it with the model's file");
  }
  return true;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Join(const std::string& dir, const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string RequireFile(const std::string& dir, const std::string& name, const std::string& why) {
  const std::string path = Join(dir, name);
  if (!IsFile(path)) throw Error(ErrorCode::kModelNotFound, "model directory '" + dir + "' has no " + name + " (" + why + ")");
  return path;
}

std::string FindOnnxFile(const ModelParams& params) {
  if (!params.model_file.empty()) {
    const std::string path = Join(params.directory, params.model_file);
    if (!IsFile(path)) throw Error(ErrorCode::kModelNotFound, "model file '" + path + "' does not exist");
    return path;
  }
  for (const char* name : {"model.onnx", "onnx/model.onnx"}) {
    const std::string path = Join(params.directory, name);
    if (IsFile(path)) return path;
  }
  throw Error(ErrorCode::kModelNotFound, "model directory '" + params.directory +
                                             "' has neither model.onnx nor onnx/model.onnx; name the file with modelFile");
}

// The largest window accepted from a config; real models have 512 to 32,768 positions.
constexpr double kMaxPositions = 1 << 20;

// Model types whose embeddings number positions from padding_idx + 1 (transformers'
// create_position_ids_from_input_ids), so padding_idx + 1 rows of the position table are never used by a text:
// RoBERTa's 514 rows hold 512 tokens.
bool PositionsFollowPadding(const std::string& model_type) {
  for (const char* type : {"roberta", "xlm-roberta", "xlm-roberta-xl", "camembert", "roberta-prelayernorm",
                           "data2vec-text", "xmod", "ibert", "longformer", "mpnet"}) {
    if (model_type == type) return true;
  }
  return false;
}

// Position-table rows a window cannot use (see PositionsFollowPadding); 0 for other models.
size_t UnusablePositions(const json::Value& config, const std::string& config_path) {
  const json::Value* type = config.find("model_type");
  if (type == nullptr || !PositionsFollowPadding(type->as_string())) return 0;
  const json::Value* pad = config.find("pad_token_id");
  const double padding_idx = pad && !pad->is_null() ? pad->as_number(-1) : 1;  // RobertaConfig's default
  if (!(padding_idx >= 0 && padding_idx < kMaxPositions) || padding_idx != std::floor(padding_idx)) {
    throw Error(ErrorCode::kInvalidModel, config_path + ": pad_token_id must be a non-negative integer");
  }
  return static_cast<size_t>(padding_idx) + 1;
}

// The window: the positions a text may use (the position table less UnusablePositions), capped by the tokenizer's
// model_max_length, which is what the reference pipeline truncates and cuts its stride windows at.
size_t ReadMaxTokens(const json::Value& config, const std::string& config_path, const json::Value& tokenizer_config) {
  size_t max_tokens = 512;
  if (const json::Value* v = config.find("max_position_embeddings")) {
    const double positions = v->as_number(-1);
    if (!v->is_number() || !(positions >= 2 && positions <= kMaxPositions) || positions != std::floor(positions)) {
      throw Error(ErrorCode::kInvalidModel, config_path + ": max_position_embeddings must be an integer from 2 to " +
                                                std::to_string(static_cast<size_t>(kMaxPositions)));
    }
    const size_t unusable = UnusablePositions(config, config_path);
    if (static_cast<size_t>(positions) < unusable + 2) {
      throw Error(ErrorCode::kInvalidModel,
                  config_path + ": max_position_embeddings leaves no room after pad_token_id");
    }
    max_tokens = static_cast<size_t>(positions) - unusable;
  }
  // Tokenizers without a limit write a huge sentinel (1e30); only real limits count.
  const json::Value* limit = tokenizer_config.find("model_max_length");
  if (limit && limit->as_number() >= 2 && limit->as_number() < 1e7) {
    max_tokens = std::min(max_tokens, static_cast<size_t>(limit->as_number()));
  }
  return max_tokens;
}

// tokenizer_config.json's root, or null when the directory has none.
json::Value ReadTokenizerConfig(const std::string& directory) {
  const std::string path = Join(directory, "tokenizer_config.json");
  if (!IsFile(path)) return json::Value();
  return json::Parse(json::ReadFile(path), path);
}

// The pipeline's tokenizer.unk_token_id: tokenizer_config.json's unk_token when the vocabulary has it (RoBERTa's
// "<unk>", which its BPE model does not name), else the model's own.
int32_t PipelineUnkId(const Tokenizer& tokenizer, const json::Value& tokenizer_config) {
  const std::string unk = ConfigToken(tokenizer_config, "unk_token");
  const int32_t id = unk.empty() ? -1 : tokenizer.TokenToId(unk);
  return id >= 0 ? id : tokenizer.unk_id();
}

// Rows of the model's position-embedding table (an initializer named ...position_embeddings...), or 0 when the
// file has none that can be read.
size_t PositionTableRows(const std::string& model_path) {
  for (const InitializerShape& shape : ReadInitializerShapes(model_path)) {
    if (shape.dims.size() == 2 && shape.dims[0] > 0 && shape.name.find("position_embeddings") != std::string::npos) {
      return static_cast<size_t>(shape.dims[0]);
    }
  }
  return 0;
}

}  // namespace

Model::~Model() {
  session_.reset();
  tokenizer_.reset();
#if defined(__GLIBC__)
  // A model is ~100 MB of blocks, often allocated on a loader thread's malloc arena; glibc keeps freed arena
  // memory mapped, so without a trim each load/dispose cycle would leave RSS tens of MB higher until arenas fill.
  malloc_trim(0);
#endif
}

std::shared_ptr<const Model> Model::Load(const ModelParams& params) {
  if (!IsDirectory(params.directory)) {
    throw Error(ErrorCode::kModelNotFound, "model directory '" + params.directory + "' does not exist");
  }
  std::shared_ptr<Model> model(new Model());
  const std::string config_path = RequireFile(params.directory, "config.json", "it holds id2label");
  const json::Value config = json::Parse(json::ReadFile(config_path), config_path);
  model->labels_ = LabelScheme::FromConfig(config, config_path);
  model->head_ = MakeHead(config, config_path, model->labels_);
  const json::Value tokenizer_config = ReadTokenizerConfig(params.directory);
  model->max_tokens_ = ReadMaxTokens(config, config_path, tokenizer_config);
  const size_t unusable_positions = UnusablePositions(config, config_path);
  if (!params.calibration_path.empty()) {
    if (std::string(model->head_->name()) != "token") {
      throw Error(ErrorCode::kInvalidArgument, std::string("calibration applies to token classifiers; this is ") +
                                                   model->head_->description());
    }
    model->inverse_temperatures_ = LoadCalibration(params.calibration_path, model->labels_);
    model->calibration_path_ = params.calibration_path;
  }

  // Tokenized as the reference pipeline's tokenizer is built (tokenizer_class.h), not always as the file alone.
  const std::string tokenizer_path = RequireFile(params.directory, "tokenizer.json", "the tokenizer");
  model->tokenizer_ = Tokenizer::FromDocument(
      AsTransformersBuildsIt(json::Parse(json::ReadFile(tokenizer_path), tokenizer_path), tokenizer_config),
      tokenizer_path);
  model->subwords_ =
      SubwordRule::FromTokenizer(*model->tokenizer_, PipelineUnkId(*model->tokenizer_, tokenizer_config));
  if (model->tokenizer_->template_size() >= model->max_tokens_) {
    throw Error(ErrorCode::kInvalidModel, "the model window of " + std::to_string(model->max_tokens_) +
                                              " tokens cannot hold the tokenizer's special tokens");
  }

  model->model_path_ = FindOnnxFile(params);
  model->runtime_ = &OrtRuntime::Load(params.ort_library_path, params.ort_library_choice);
  SessionParams session = params.session;
  if (model->runtime_->library_path() != params.ort_library_path) {
    session.cuda_hint = ", loaded for an earlier model: a process holds one ONNX Runtime, so the library chosen for "
                        "this device ('" + params.ort_library_path + "') was not loaded. Load CUDA models first, or "
                        "set NATIVE_NER_ORT_LIBRARY to the CUDA-capable library for every model";
  }
  model->session_ = std::make_unique<InferenceSession>(*model->runtime_, model->model_path_, session);
  if (const size_t positions = PositionTableRows(model->model_path_);
      positions > 0 && model->max_tokens_ + unusable_positions > positions) {
    throw Error(ErrorCode::kInvalidModel, config_path + " gives a window of " + std::to_string(model->max_tokens_) +
                                              " tokens" +
                                              (unusable_positions ? " after " + std::to_string(unusable_positions) +
                                                                        " padding positions" : std::string()) +
                                              " but the model's position table has " + std::to_string(positions) +
                                              " rows; the config does not belong to this model");
  }
  if (model->tokenizer_->template_size() == 0) {
    model->warnings_.push_back(
        "tokenizer.json has no post_processor, so texts reach the model without special tokens ([CLS], [SEP]); "
        "a model trained with them (as BERT models are) gives poor results: export the tokenizer again");
  }

  model->head_->CheckOutput(
      ModelOutput{model->session_->output_name(), model->model_path_, config_path, model->session_->output_shape()});
  return model;
}

}  // namespace nn
