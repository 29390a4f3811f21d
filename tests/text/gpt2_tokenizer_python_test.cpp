// GPT-2's tokenizer against an independent reference (label: python): OpenAI's encoder.py algorithm
// (bytes_to_unicode, the pre-tokenising pattern run by Python's `regex` module, bpe() with its
// rank loop), written out in a script, tokenizes wikitext-2's test split and a set of awkward
// strings with the same vocab.json and merges.txt (300 merges learned from the split's head);
// every line's tokens must match exactly. Debian packages no GPT-2 tokenizer library
// (tiktoken, tokenizers, transformers), so the script is the reference.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/text/gpt2_tokenizer.hpp"
#include "text/gpt2_fixtures.hpp"
#include "text/temp_files.hpp"

namespace ouro::text {
namespace {

constexpr const char* kReference = R"PY(
import json, sys
try:
    import regex as re
except ImportError:
    sys.exit(77)
d = sys.argv[1]

def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('\xa1'), ord('\xac') + 1)) + list(range(ord('\xae'), ord('\xff') + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))

def get_pairs(word):
    return set(zip(word, word[1:]))

encoder = json.load(open(f'{d}/vocab.json', encoding='utf-8'))
lines = open(f'{d}/merges.txt', encoding='utf-8').read().split('\n')[1:-1]
bpe_ranks = {tuple(l.split()): i for i, l in enumerate(lines)}
byte_encoder = bytes_to_unicode()
pat = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")

def bpe(token):
    word = tuple(token)
    pairs = get_pairs(word)
    if not pairs:
        return [token]
    while True:
        bigram = min(pairs, key=lambda pair: bpe_ranks.get(pair, float('inf')))
        if bigram not in bpe_ranks:
            break
        first, second = bigram
        new_word = []
        i = 0
        while i < len(word):
            try:
                j = word.index(first, i)
                new_word.extend(word[i:j])
                i = j
            except ValueError:
                new_word.extend(word[i:])
                break
            if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                new_word.append(first + second)
                i += 2
            else:
                new_word.append(word[i])
                i += 1
        word = tuple(new_word)
        if len(word) == 1:
            break
        pairs = get_pairs(word)
    return list(word)

out = []
for text in json.load(open(f'{d}/lines.json', encoding='utf-8')):
    tokens = []
    for piece in re.findall(pat, text):
        tokens.extend(bpe(''.join(byte_encoder[b] for b in piece.encode('utf-8'))))
    for t in tokens:
        assert t in encoder, t
    out.append(tokens)
json.dump(out, open(f'{d}/expected.json', 'w', encoding='utf-8'))
)PY";

TEST(Gpt2TokenizerReference, MatchesEncoderPyOnWikitextAndAwkwardText) {
  const auto wikitext = testing::wikitext_test_lines();
  if (wikitext.empty()) GTEST_SKIP() << "no wikitext-2 under " << OURO_SHARED_DATA;
  testing::TextDir dir;
  auto vocabulary = testing::byte_vocabulary();
  const std::vector<std::string> head(wikitext.begin(), wikitext.begin() + std::min<std::size_t>(wikitext.size(), 1500));
  const auto merges = testing::train_merges(head, 300, &vocabulary);
  testing::write_vocab_json(dir, vocabulary);
  testing::write_merges_txt(dir, merges);
  std::vector<std::string> lines = wikitext;
  for (const char* s : {"I'm here, isn't it? They'll've we'd I'M 's", "a   b  \n\n c\n\nd\t\te \xc2\xa0 f",
                        "caf\xc3\xa9 na\xc3\xafve \xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1 x\xc2\xb2",
                        "\xe6\x9d\xb1\xe4\xba\xac" "2024\xe5\xb9\xb4 hi \xf0\x9f\x91\x8b\xf0\x9f\x8f\xbd! 3.14", "   ", "\n",
                        // Characters where whitespace definitions differ: U+001C (Python's str.isspace, not
                        // White_Space), U+0085 and U+2028 (White_Space), U+200B (neither).
                        "a\x1c" "b\xc2\x85" "c\xe2\x80\xa8" "d \xe2\x80\x8b e  \xc2\x85 f"})
    lines.emplace_back(s);
  dir.write("lines.json", nlohmann::json(lines).dump());
  const auto script = dir.write("reference.py", kReference);
  const int status =
      std::system(fmt::format("'{}' '{}' '{}'", OURO_PYTHON, script.string(), dir.path().string()).c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) GTEST_SKIP() << "python3-regex is not installed";
  ASSERT_EQ(status, 0) << "the reference script failed";
  std::ifstream in(dir.path() / "expected.json");
  const auto expected = nlohmann::json::parse(in).get<std::vector<std::vector<std::string>>>();
  ASSERT_EQ(expected.size(), lines.size());
  const auto tokenizer = Gpt2Tokenizer::load(dir.path() / "vocab.json", dir.path() / "merges.txt");
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (tokenizer.tokenize(lines[i]) != expected[i] && ++mismatches <= 5)
      ADD_FAILURE() << "line " << i << " differs from encoder.py: " << lines[i];
  }
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace ouro::text
