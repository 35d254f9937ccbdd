#include "core/redaction/keyed.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>

#include "core/error.h"

namespace nn::redaction {
namespace {

constexpr unsigned char kTokenVersion = 1;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

const char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string ToBase64Url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (uint32_t{Bytes(bytes)[i]} << 16) | (uint32_t{Bytes(bytes)[i + 1]} << 8) | Bytes(bytes)[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kBase64Url[(n >> shift) & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = uint32_t{Bytes(bytes)[i]} << 16;
    if (rest == 2) n |= uint32_t{Bytes(bytes)[i + 1]} << 8;
    out.push_back(kBase64Url[(n >> 18) & 63]);
    out.push_back(kBase64Url[(n >> 12) & 63]);
    if (rest == 2) out.push_back(kBase64Url[(n >> 6) & 63]);
  }
  return out;
}

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::optional<std::string> FromBase64Url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const int value = Base64UrlValue(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

CipherContext NewContext() {
  CipherContext ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw std::bad_alloc();
  return ctx;
}

void CheckKey(std::string_view key) {
  if (key.size() != kEncryptKeyBytes) {
    throw Error(ErrorCode::kInvalidArgument, "the encrypt key must be 32 bytes (AES-256), got " +
                                                 std::to_string(key.size()));
  }
}

}  // namespace

bool IsTokenChar(char32_t c) { return c < 0x80 && Base64UrlValue(static_cast<char>(c)) >= 0; }

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(data), data.size(), digest, &length) == nullptr) {
    throw Error(ErrorCode::kInternal, "HMAC-SHA256 failed in libcrypto");
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

std::string Seal(std::string_view key, std::string_view associated, std::string_view plaintext) {
  CheckKey(key);
  std::string sealed(1 + kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  out[0] = kTokenVersion;
  unsigned char* nonce = out + 1;
  unsigned char* body = nonce + kNonceBytes;
  if (RAND_bytes(nonce, static_cast<int>(kNonceBytes)) != 1) {
    throw Error(ErrorCode::kInternal, "the random source failed; nothing was encrypted");
  }
  CipherContext ctx = NewContext();
  int length = 0;
  const bool ok =
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, Bytes(associated), static_cast<int>(associated.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), body, &length, Bytes(plaintext), static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), body + length, &length) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), body + plaintext.size()) == 1;
  if (!ok) throw Error(ErrorCode::kInternal, "AES-256-GCM encryption failed in libcrypto");
  return ToBase64Url(sealed);
}

std::optional<std::string> Open(std::string_view key, std::string_view associated, std::string_view token) {
  CheckKey(key);
  const std::optional<std::string> sealed = FromBase64Url(token);
  if (!sealed || sealed->size() < 1 + kNonceBytes + kTagBytes || static_cast<unsigned char>((*sealed)[0]) != kTokenVersion) {
    return std::nullopt;
  }
  const auto* nonce = Bytes(*sealed) + 1;
  const auto* body = nonce + kNonceBytes;
  const size_t body_size = sealed->size() - 1 - kNonceBytes - kTagBytes;
  std::string plaintext(body_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  CipherContext ctx = NewContext();
  int length = 0;
  // GCM checks the tag in DecryptFinal: a wrong key, an altered token or altered associated data fails there.
  const bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, Bytes(associated), static_cast<int>(associated.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out, &length, body, static_cast<int>(body_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          const_cast<unsigned char*>(body + body_size)) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out + length, &length) == 1;
  if (!ok) return std::nullopt;
  return plaintext;
}

}  // namespace nn::redaction
