// Window merging (decode/aggregation.h MergeWindowEntities): a long text's overlapping windows give some entities
// twice or cut; the reference pipeline keeps, among entities starting inside one another, the longer (or as long
// and more confident).
#include "core/decode/aggregation.h"
#include "tests/check.h"

namespace nn {

std::ostream& operator<<(std::ostream& out, const Entity& e) {
  return out << "{" << e.start << "-" << e.end << " " << e.label << " " << e.score << "}";
}
bool operator==(const Entity& a, const Entity& b) {
  return a.start == b.start && a.end == b.end && a.label == b.label && a.score == b.score && a.token == b.token;
}

namespace {

TEST("window merging", "an entity starting inside a shorter one replaces it") {
  std::vector<Entity> entities{{0, 10, 1, 0.9f, -1}, {5, 20, 2, 0.5f, -1}};
  MergeWindowEntities(&entities);
  CHECK_EQ(entities, (std::vector<Entity>{{5, 20, 2, 0.5f, -1}}));
}

TEST("window merging", "of two as long, the more confident stays; a shorter one starting inside is dropped") {
  std::vector<Entity> entities{{0, 10, 1, 0.6f, -1}, {2, 12, 1, 0.8f, -1}, {4, 6, 1, 0.99f, -1}};
  MergeWindowEntities(&entities);
  CHECK_EQ(entities, (std::vector<Entity>{{2, 12, 1, 0.8f, -1}}));
  std::vector<Entity> weaker{{0, 10, 1, 0.8f, -1}, {2, 12, 1, 0.6f, -1}};
  MergeWindowEntities(&weaker);
  CHECK_EQ(weaker, (std::vector<Entity>{{0, 10, 1, 0.8f, -1}}));
}

TEST("window merging", "the same entity seen by two windows comes out once; disjoint ones come out in order") {
  std::vector<Entity> entities{{30, 35, 3, 0.7f, -1}, {0, 4, 1, 0.9f, -1}, {10, 15, 2, 0.8f, -1},
                               {10, 15, 2, 0.8f, -1}};
  MergeWindowEntities(&entities);
  CHECK_EQ(entities, (std::vector<Entity>{{0, 4, 1, 0.9f, -1}, {10, 15, 2, 0.8f, -1}, {30, 35, 3, 0.7f, -1}}));
  std::vector<Entity> none;
  MergeWindowEntities(&none);
  CHECK(none.empty());
}

}  // namespace
}  // namespace nn
