// The redaction stage (core/redaction): the keyed primitives against published vectors, overlap merging, grapheme
// snapping, every operator, pseudonym scopes and the encrypt/restore round trip, on synthetic entities.
#include <string>
#include <vector>

#include "core/redaction/keyed.h"
#include "core/redaction/overlaps.h"
#include "core/redaction/redactor.h"
#include "core/redaction/restore.h"
#include "core/util/utf.h"
#include "tests/check.h"

namespace nn::redaction {
namespace {

const std::vector<std::string> kLabels{"PER", "EMAIL", "LOC"};
constexpr int32_t kPer = 0, kEmail = 1, kLoc = 2;
const std::string kKey(32, '\x2a');

Entity E(uint32_t start, uint32_t end, int32_t label, float score = 0.9f) { return Entity{start, end, label, score, -1}; }

RedactedTexts RedactOne(const Policy& policy, std::u16string_view text, const std::vector<Entity>& entities) {
  RedactedTexts out;
  Redactor(policy, kLabels).Redact(text, entities, &out);
  return out;
}

std::string Text(const RedactedTexts& out, size_t i = 0) { return utf::Utf16ToUtf8(out.texts[i]); }

Policy With(OperatorKind kind) {
  Policy policy;
  policy.fallback.kind = kind;
  policy.hash_key = kKey;
  policy.encrypt_key = kKey;
  return policy;
}

TEST("redaction keyed", "HMAC-SHA256 gives RFC 4231 test case 2") {
  CHECK_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
           std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
}

TEST("redaction keyed", "a sealed value opens under its key and label only, and sealing twice differs") {
  const std::string token = Seal(kKey, "PER", "Ada Lovelace");
  CHECK(Open(kKey, "PER", token) == std::optional<std::string>("Ada Lovelace"));
  CHECK(Seal(kKey, "PER", "Ada Lovelace") != token);
  CHECK(!Open(std::string(32, 'x'), "PER", token));
  CHECK(!Open(kKey, "LOC", token));
  std::string altered = token;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  CHECK(!Open(kKey, "PER", altered));
  CHECK(!Open(kKey, "PER", token.substr(0, 20)));
  CHECK_THROWS(Seal("short", "PER", "x"), ErrorCode::kInvalidArgument, "32 bytes");
}

TEST("redaction overlaps", "nested and crossing detections merge under the outermost; touching ones stay apart") {
  const std::vector<Detection> detections{{0, 10, 0.5f, 0}, {2, 5, 0.99f, 1}, {8, 14, 0.7f, 2}, {14, 16, 0.6f, 3}};
  const std::vector<Region> regions = MergeOverlaps(detections);
  CHECK_EQ(regions.size(), size_t{2});
  CHECK_EQ(regions[0].start, 0u);
  CHECK_EQ(regions[0].end, 14u);
  CHECK_EQ(regions[0].leader, 0u);  // the longest, though the least confident
  CHECK_EQ(regions[1].start, 14u);
  CHECK_EQ(regions[1].leader, 3u);
  CHECK(MergeOverlaps({}).empty());
}

TEST("redaction overlaps", "of two as long, the more confident leads") {
  const std::vector<Region> regions = MergeOverlaps({{0, 4, 0.5f, 0}, {2, 6, 0.8f, 1}});
  CHECK_EQ(regions.size(), size_t{1});
  CHECK_EQ(regions[0].leader, 1u);
}

TEST("redaction overlaps", "edges snap out to grapheme clusters: a combining mark, an emoji ZWJ sequence") {
  // "Jose" + U+0301, then a space and a family emoji (man ZWJ woman ZWJ girl), surrogate pairs.
  const std::u16string text = u"Jose\u0301 \U0001F468\u200D\U0001F469\u200D\U0001F467!";
  const std::vector<uint32_t> boundaries = GraphemeBoundaries(text);
  uint32_t start = 0, end = 4;  // stops before the combining mark
  SnapToBoundaries(boundaries, &start, &end);
  CHECK_EQ(end, 5u);
  start = 8;  // inside the emoji sequence
  end = 9;
  SnapToBoundaries(boundaries, &start, &end);
  CHECK_EQ(start, 6u);
  CHECK_EQ(end, 14u);
  CHECK_EQ(boundaries.size() - 1, size_t{7});  // J o s é, space, the family, !
  CHECK_EQ(GraphemeBoundaries(u""), (std::vector<uint32_t>{0}));
}

TEST("redaction operators", "replace gives <LABEL> or the given text, and items map both texts") {
  const std::u16string text = u"Call Ada at ada@x.org now";
  RedactedTexts out = RedactOne(With(OperatorKind::kReplace), text, {E(5, 8, kPer), E(12, 21, kEmail)});
  CHECK_EQ(Text(out), std::string("Call <PER> at <EMAIL> now"));
  CHECK_EQ(out.item_count(), size_t{2});
  CHECK_EQ(out.new_starts[1], 14u);
  CHECK_EQ(out.new_ends[1], 21u);
  CHECK_EQ(out.operators[0], static_cast<uint8_t>(OperatorKind::kReplace));
  Policy given = With(OperatorKind::kReplace);
  given.fallback.replacement = u"[redacted]";
  CHECK_EQ(Text(RedactOne(given, text, {E(5, 8, kPer)})), std::string("Call [redacted] at ada@x.org now"));
}

TEST("redaction operators", "mask covers grapheme clusters and keeps the last N; remove leaves nothing") {
  Policy mask = With(OperatorKind::kMask);
  mask.fallback.keep_last = 4;
  const std::u16string card = u"card 4111111111111111.";
  CHECK_EQ(Text(RedactOne(mask, card, {E(5, 21, kPer)})), std::string("card ************1111."));
  mask.fallback.keep_last = 1;
  mask.fallback.mask_char = U'\u2022';
  const std::u16string emoji = u"x \U0001F600\U0001F600a y";
  CHECK_EQ(Text(RedactOne(mask, emoji, {E(2, 7, kPer)})), std::string("x \u2022\u2022a y"));
  mask.fallback.keep_last = 99;
  CHECK_EQ(Text(RedactOne(mask, card, {E(5, 21, kPer)})), utf::Utf16ToUtf8(card));
  CHECK_EQ(Text(RedactOne(With(OperatorKind::kRemove), card, {E(5, 21, kPer)})), std::string("card ."));
}

TEST("redaction operators", "hash is the HMAC of the value's UTF-8, as long as asked, equal for equal values") {
  Policy policy = With(OperatorKind::kHash);
  policy.fallback.hash_length = 12;
  const RedactedTexts out = RedactOne(policy, u"Ada and Ada", {E(0, 3, kPer), E(8, 11, kPer)});
  const std::string expected = "<PER:" + HmacSha256Hex(kKey, "Ada").substr(0, 12) + ">";
  CHECK_EQ(Text(out), expected + " and " + expected);
  policy.hash_key.clear();
  CHECK_THROWS(Redactor(policy, kLabels), ErrorCode::kInvalidArgument, "hash key");
}

TEST("redaction operators", "encrypt then restore gives the text back; a wrong key or an altered label is refused") {
  const std::u16string text = u"Ada J\u00f6rg \U0001F600 at ada@x.org";
  const RedactedTexts out = RedactOne(With(OperatorKind::kEncrypt), text, {E(0, 8, kPer), E(15, 24, kEmail)});
  CHECK(Text(out).find("<PER:enc:") == 0);
  CHECK(Text(out).find("J\u00f6rg") == std::string::npos);
  CHECK(Restore(out.texts[0], kKey) == text);
  CHECK_THROWS(Restore(out.texts[0], std::string(32, 'x')), ErrorCode::kInvalidArgument, "offset 0");
  std::u16string swapped = out.texts[0];
  swapped.replace(1, 3, u"LOC");
  CHECK_THROWS(Restore(swapped, kKey), ErrorCode::kInvalidArgument, "does not open");
  CHECK_THROWS(Restore(out.texts[0], "short"), ErrorCode::kInvalidArgument, "32-byte");
  Policy no_key = With(OperatorKind::kEncrypt);
  no_key.encrypt_key = "short";
  CHECK_THROWS(Redactor(no_key, kLabels), ErrorCode::kInvalidArgument, "32-byte");
}

TEST("redaction operators", "restore leaves other placeholders and lookalikes, and reads a text of '<' in linear time") {
  const std::u16string text = u"<PER> <PER:enc:> <PER:enc:!!> a<b <:enc:abc>";
  CHECK(Restore(text, kKey) == text);
  const std::u16string many(200000, u'<');
  CHECK(Restore(many, kKey) == many);
}

TEST("redaction pseudonyms", "numbers restart per text, run through a call, or continue a shared table") {
  const std::u16string a = u"Ada met Bob. Ada left.";
  const std::vector<Entity> entities{E(0, 3, kPer), E(8, 11, kPer), E(13, 16, kPer)};
  const std::u16string b = u"Bob!";
  Policy policy = With(OperatorKind::kPseudonym);
  {
    RedactedTexts out;
    Redactor redactor(policy, kLabels);
    redactor.Redact(a, entities, &out);
    redactor.Redact(b, {E(0, 3, kPer)}, &out);
    CHECK_EQ(Text(out, 0), std::string("<PER_1> met <PER_2>. <PER_1> left."));
    CHECK_EQ(Text(out, 1), std::string("<PER_1>!"));
  }
  policy.pseudonyms = PseudonymScope::kCall;
  {
    RedactedTexts out;
    Redactor redactor(policy, kLabels);
    redactor.Redact(a, entities, &out);
    redactor.Redact(b, {E(0, 3, kPer)}, &out);
    CHECK_EQ(Text(out, 1), std::string("<PER_2>!"));
  }
  policy.pseudonyms = PseudonymScope::kShared;
  policy.shared_pseudonyms = std::make_shared<PseudonymTable>(
      std::vector<PseudonymTable::LabelValues>{{"PER", {u"Zed", u"Bob"}}});
  CHECK_EQ(Text(RedactOne(policy, b, {E(0, 3, kPer)})), std::string("<PER_2>!"));
  CHECK_EQ(Text(RedactOne(policy, a, entities)), std::string("<PER_3> met <PER_2>. <PER_3> left."));
  CHECK_EQ(policy.shared_pseudonyms->size(), size_t{3});
  CHECK_THROWS(PseudonymTable({{"PER", {u"x", u"x"}}}), ErrorCode::kInvalidArgument, "twice");
}

TEST("redaction policy", "minimum scores, allowed values and keep leave text as it is; keep is reported") {
  Policy policy = With(OperatorKind::kReplace);
  policy.min_scores["PER"] = 0.8f;
  policy.allow.insert(u"Paris");
  policy.operators["EMAIL"].kind = OperatorKind::kKeep;
  const std::u16string text = u"Ada, Bo in Paris: a@b.io";
  const RedactedTexts out = RedactOne(policy, text, {E(0, 3, kPer, 0.5f), E(5, 7, kPer, 0.9f), E(11, 16, kLoc), E(18, 24, kEmail)});
  CHECK_EQ(Text(out), std::string("Ada, <PER> in Paris: a@b.io"));
  CHECK_EQ(out.item_count(), size_t{2});
  CHECK_EQ(out.operators[1], static_cast<uint8_t>(OperatorKind::kKeep));
  CHECK_EQ(out.new_starts[1], 21u);  // shifted by "<PER>" replacing "Bo"
  CHECK_EQ(out.new_ends[1], 27u);
}

TEST("redaction policy", "an outer detection's operator wins over nested ones; a kept one inside it is not reported") {
  Policy policy = With(OperatorKind::kReplace);
  policy.operators["LOC"].kind = OperatorKind::kKeep;
  const std::u16string text = u"mail ada.lovelace@x.org now";
  const RedactedTexts out = RedactOne(policy, text, {E(5, 8, kPer), E(5, 23, kEmail), E(18, 23, kLoc)});
  CHECK_EQ(Text(out), std::string("mail <EMAIL> now"));
  CHECK_EQ(out.item_count(), size_t{1});
  CHECK_EQ(out.labels[0], kEmail);
}

TEST("redaction policy", "an empty text and a text without detections come back unchanged") {
  const RedactedTexts out = RedactOne(With(OperatorKind::kReplace), u"", {});
  CHECK_EQ(Text(out), std::string());
  CHECK_EQ(out.offsets, (std::vector<uint32_t>{0, 0}));
  CHECK_EQ(Text(RedactOne(With(OperatorKind::kMask), u"plain", {})), std::string("plain"));
}

}  // namespace
}  // namespace nn::redaction
