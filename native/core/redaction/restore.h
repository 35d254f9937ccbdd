// The inverse of the encrypt operator: puts back the original value of every "<LABEL:enc:token>" placeholder of a
// redacted text, given the key it was encrypted under. Other placeholders and text are left as they are.
#pragma once

#include <string>
#include <string_view>

namespace nn::redaction {

// `text` with each encrypt placeholder replaced by its value. Throws nn::Error kInvalidArgument for a key that is not
// 32 bytes, and for a placeholder that does not open under the key (a wrong key, or the token or its label was
// altered), naming its offset: nothing is restored then, so a caller never gets a half-restored text.
std::u16string Restore(std::u16string_view text, std::string_view key);

}  // namespace nn::redaction
