// The keyed primitives of the hash and encrypt operators, on OpenSSL's libcrypto (the one Node itself carries and
// exports to addons; the unit tests link the system's). Nothing here is home-made cryptography: HMAC-SHA256 and
// AES-256-GCM with a fresh random 96-bit nonce per value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nn::redaction {

constexpr size_t kEncryptKeyBytes = 32;  // AES-256
constexpr size_t kMinHashKeyBytes = 32;  // HMAC-SHA256: a key shorter than the digest weakens it

// HMAC-SHA256 of `data` under `key`, as 64 lowercase hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Encrypts `plaintext` under the 32-byte `key`, authenticating `associated` (not stored): the token is base64url
// (no padding) of version byte 1, the 12-byte nonce, the ciphertext and the 16-byte tag. Throws nn::Error
// kInvalidArgument for a key of another length, kInternal when the random source fails.
std::string Seal(std::string_view key, std::string_view associated, std::string_view plaintext);

// The plaintext of a Seal token, or nothing when the token is malformed or does not authenticate under this key
// and associated data (wrong key, altered token or label).
std::optional<std::string> Open(std::string_view key, std::string_view associated, std::string_view token);

// Whether c may appear in a token (the base64url alphabet).
bool IsTokenChar(char32_t c);

}  // namespace nn::redaction
