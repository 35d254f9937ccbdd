#include "core/model.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>

#include "core/error.h"
#include "core/util/json.h"

namespace nn {
namespace {

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
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

// The window is the smaller of the position-embedding table and the tokenizer's declared maximum.
size_t ReadMaxTokens(const json::Value& config, const std::string& directory) {
  size_t max_tokens = 512;
  if (const json::Value* v = config.find("max_position_embeddings"); v && v->as_number() >= 2) {
    max_tokens = static_cast<size_t>(v->as_number());
  }
  const std::string tokenizer_config = Join(directory, "tokenizer_config.json");
  if (IsFile(tokenizer_config)) {
    const json::Value doc = json::Parse(json::ReadFile(tokenizer_config), tokenizer_config);
    // Tokenizers without a limit write a huge sentinel (1e30); only real limits count.
    if (const json::Value* v = doc.find("model_max_length"); v && v->as_number() >= 2 && v->as_number() < 1e7) {
      max_tokens = std::min(max_tokens, static_cast<size_t>(v->as_number()));
    }
  }
  return max_tokens;
}

}  // namespace

std::shared_ptr<const Model> Model::Load(const ModelParams& params) {
  if (!IsDirectory(params.directory)) {
    throw Error(ErrorCode::kModelNotFound, "model directory '" + params.directory + "' does not exist");
  }
  std::shared_ptr<Model> model(new Model());
  const std::string config_path = RequireFile(params.directory, "config.json", "it holds id2label");
  const json::Value config = json::Parse(json::ReadFile(config_path), config_path);
  model->labels_ = LabelScheme::FromConfig(config, config_path);
  model->max_tokens_ = ReadMaxTokens(config, params.directory);

  model->tokenizer_ = Tokenizer::FromFile(RequireFile(params.directory, "tokenizer.json", "the tokenizer"));
  model->subwords_ = SubwordRule::FromTokenizer(*model->tokenizer_);
  if (model->tokenizer_->prefix_ids().size() + model->tokenizer_->suffix_ids().size() >= model->max_tokens_) {
    throw Error(ErrorCode::kInvalidModel, "the model window of " + std::to_string(model->max_tokens_) +
                                              " tokens cannot hold the tokenizer's special tokens");
  }

  model->model_path_ = FindOnnxFile(params);
  model->runtime_ = &OrtRuntime::Load(params.ort_library_path);
  model->session_ = std::make_unique<InferenceSession>(*model->runtime_, model->model_path_, params.session);

  const std::vector<int64_t>& shape = model->session_->output_shape();
  if (shape.size() != 3) {
    throw Error(ErrorCode::kInvalidModel, "output '" + model->session_->output_name() + "' of '" + model->model_path_ +
                                              "' has rank " + std::to_string(shape.size()) +
                                              "; a token classifier outputs [batch, sequence, labels]");
  }
  if (shape[2] > 0 && static_cast<size_t>(shape[2]) != model->labels_.size()) {
    throw Error(ErrorCode::kInvalidModel, config_path + " lists " + std::to_string(model->labels_.size()) +
                                              " labels but the model outputs " + std::to_string(shape[2]) +
                                              " scores per token; the config does not belong to this model");
  }
  return model;
}

}  // namespace nn
