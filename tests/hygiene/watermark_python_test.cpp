// The watermark against the reference implementation's algorithm run by Debian's python3-torch
// (label: python): the script below ports jwkirchenbauer/lm-watermarking's seeding schemes
// (additive_prf for simple_1, anchored_minhash_prf with its torch-drawn hashint table for selfhash),
// its green lists (torch.randperm with a seeded CPU generator), its detector (n-grams counted once
// or with repeats, z, scipy's normal tail) and its logits processor (self-hash rejection over the 41
// best candidates), all in torch's own integer arithmetic. Seeds, green lists, T, G, z, both
// p-values and biased logits must equal ours; the table itself must equal torch's randperm. Debian
// packages neither the reference nor transformers, so the port is the reference.
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/core/rng.hpp"
#include "ouro/hygiene/torch_randperm.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "support/python.hpp"

namespace ouro::hygiene {
namespace {

using text::TokenId;

constexpr const char* kReference = R"PY(
import json, sys, collections
import torch
import scipy.stats
out_dir = sys.argv[1]
cases = json.load(open(out_dir + "/cases.json"))

rng = torch.Generator(device=torch.device("cpu"))
rng.manual_seed(2971215073)
table_size = 1_000_003
fixed_table = torch.randperm(1_000_003, device=torch.device("cpu"), generator=rng)
fixed_table.numpy().astype("<i8").tofile(out_dir + "/table.bin")

def hashint(t):
    return fixed_table[t.cpu() % table_size] + 1

def additive_prf(input_ids, salt_key):
    return salt_key * input_ids.sum().item()

def anchored_minhash_prf(input_ids, salt_key, anchor=-1):
    return (salt_key * hashint(input_ids) * hashint(input_ids[anchor])).min().item()

def ngrams(seq, n):
    return [tuple(seq[i:i + n]) for i in range(len(seq) - n + 1)]

class Watermark:
    def __init__(self, c):
        self.vocab_size, self.gamma, self.delta, self.key = c["vocab"], c["gamma"], c["delta"], c["key"]
        self.self_salt = c["scheme"] == "selfhash"
        self.context_width = 4 if self.self_salt else 1
        self.prf = anchored_minhash_prf if self.self_salt else additive_prf
        self.rng = torch.Generator(device=torch.device("cpu"))
    def seed(self, input_ids):
        return self.prf(input_ids[-self.context_width:], salt_key=self.key) % (2**64 - 1)
    def greenlist(self, input_ids):
        self.rng.manual_seed(self.seed(input_ids))
        size = int(self.vocab_size * self.gamma)
        return torch.randperm(self.vocab_size, generator=self.rng)[:size]
    def bias(self, input_ids, scores):
        if self.self_salt:
            _, order = scores.sort(dim=-1, descending=True)
            green = []
            for idx, cand in enumerate(order):
                if cand in self.greenlist(torch.cat([input_ids, cand[None]], dim=0)):
                    green.append(cand)
                if idx == 40:
                    break
            green = torch.as_tensor(green, dtype=torch.long)
        else:
            green = self.greenlist(input_ids)
        mask = torch.zeros_like(scores, dtype=torch.bool)
        if len(green) > 0:
            mask[green] = True
        scores[mask] = scores[mask] + self.delta
        return scores
    def detect(self, ids, ignore_repeated):
        n = self.context_width + 1 - self.self_salt
        freq = collections.Counter(ngrams(ids, n))
        verdict = {}
        for g in freq:
            prefix = g if self.self_salt else g[:-1]
            verdict[g] = bool(g[-1] in self.greenlist(torch.as_tensor(prefix)))
        if ignore_repeated:
            T, G = len(freq), sum(verdict.values())
        else:
            T = sum(freq.values())
            G = sum(freq[g] * verdict[g] for g in freq)
        z = (G - self.gamma * T) / (T * self.gamma * (1 - self.gamma)) ** 0.5
        return dict(T=T, G=int(G), z=z, p_normal=float(scipy.stats.norm.sf(z)),
                    p_binomial=float(scipy.stats.binom.sf(G - 1, T, self.gamma)))

results = []
for c in cases:
    w = Watermark(c)
    r = {"seeds": [], "greenlists": []}
    for ctx in c["contexts"]:
        t = torch.as_tensor(ctx, dtype=torch.long)
        r["seeds"].append(str(w.seed(t)))
        r["greenlists"].append(w.greenlist(t).tolist())
    r["unique"] = [w.detect(d, True) for d in c["documents"]]
    r["repeats"] = [w.detect(d, False) for d in c["documents"]]
    r["biased"] = [w.bias(torch.as_tensor(h, dtype=torch.long), torch.tensor(s, dtype=torch.float32)).tolist()
                   for h, s in zip(c["histories"], c["scores"])]
    results.append(r)
json.dump(results, open(out_dir + "/results.json", "w"))
)PY";

struct Case {
  WatermarkSettings settings;
  std::vector<std::vector<TokenId>> contexts, documents, histories;
  std::vector<std::vector<float>> scores;
};

std::vector<TokenId> random_tokens(std::size_t n, std::int64_t vocab, Rng& rng) {
  std::vector<TokenId> out(n);
  for (auto& t : out) t = static_cast<TokenId>(rng.below(static_cast<std::uint64_t>(vocab)));
  return out;
}

// Documents with repeated n-grams (a phrase copied twice) so unique and repeated counts differ.
std::vector<TokenId> document_with_repeats(std::int64_t vocab, Rng& rng) {
  auto doc = random_tokens(40, vocab, rng);
  const std::vector<TokenId> phrase(doc.begin() + 5, doc.begin() + 15);
  doc.insert(doc.end(), phrase.begin(), phrase.end());
  doc.insert(doc.end(), phrase.begin(), phrase.end());
  return doc;
}

Case make_case(WatermarkScheme scheme, std::int64_t vocab, double gamma, std::uint64_t key, std::uint64_t seed) {
  Case c;
  c.settings.scheme = scheme;
  c.settings.vocab_size = vocab;
  c.settings.gamma = gamma;
  c.settings.key = key;
  c.settings.delta = 2.0;
  Rng rng(seed, {Purpose::kUser, 0, 0, 0});
  const std::size_t width = scheme == WatermarkScheme::kSelfHash ? 4 : 1;
  for (int i = 0; i < 12; ++i) c.contexts.push_back(random_tokens(width + rng.below(3), vocab, rng));
  // Ids at the top of a GPT-2-sized range exercise hashint's modulo and the int64 wrap-around.
  c.contexts.push_back(std::vector<TokenId>(width, static_cast<TokenId>(vocab - 1)));
  for (int i = 0; i < 6; ++i) c.documents.push_back(document_with_repeats(vocab, rng));
  c.documents.push_back(random_tokens(width + 1, vocab, rng));  // the shortest scorable document
  for (int i = 0; i < 6; ++i) {
    c.histories.push_back(random_tokens(3 + rng.below(5), vocab, rng));
    std::vector<float> s(static_cast<std::size_t>(vocab) + 3);  // a model head wider than the vocabulary
    for (auto& x : s) x = static_cast<float>(3.0 * rng.normal());
    c.scores.push_back(s);
  }
  return c;
}

nlohmann::json to_json(const Case& c) {
  return {{"scheme", std::string(watermark_scheme_name(c.settings.scheme))},
          {"vocab", c.settings.vocab_size},
          {"gamma", c.settings.gamma},
          {"delta", c.settings.delta},
          {"key", c.settings.key},
          {"contexts", c.contexts},
          {"documents", c.documents},
          {"histories", c.histories},
          {"scores", c.scores}};
}

void expect_scores_equal(const WatermarkScore& ours, const nlohmann::json& theirs, const std::string& where) {
  EXPECT_EQ(ours.scored, theirs["T"].get<std::size_t>()) << where;
  EXPECT_EQ(ours.green, theirs["G"].get<std::size_t>()) << where;
  EXPECT_NEAR(ours.z, theirs["z"].get<double>(), 1e-12) << where;
  EXPECT_NEAR(ours.p_normal, theirs["p_normal"].get<double>(), 1e-12 * theirs["p_normal"].get<double>() + 1e-300)
      << where;
  EXPECT_NEAR(ours.p_binomial, theirs["p_binomial"].get<double>(), 1e-9 * theirs["p_binomial"].get<double>())
      << where;
}

TEST(WatermarkPython, SeedsGreenListsScoresAndBiasedLogitsEqualTheReferenceImplementation) {
  testing::TempDir dir;
  const std::vector<Case> cases = {
      make_case(WatermarkScheme::kSimple1, 1000, 0.25, 15485863, 1),
      make_case(WatermarkScheme::kSelfHash, 1000, 0.25, 15485863, 2),
      make_case(WatermarkScheme::kSelfHash, 50257, 0.5, 15485863, 3),  // GPT-2's vocabulary
      make_case(WatermarkScheme::kSimple1, 50257, 0.1, (1ULL << 62) + 7, 4),  // a key whose products exceed 64 bits
      make_case(WatermarkScheme::kSelfHash, 333, 0.3, (1ULL << 61) + 11, 5),
  };
  nlohmann::json input = nlohmann::json::array();
  for (const auto& c : cases) input.push_back(to_json(c));
  for (const char* module : {"torch", "scipy"})
    if (!testing::python_imports(module))
      GTEST_SKIP() << OURO_PYTHON << " cannot import " << module << " (Debian: python3-" << module << ")";
  std::ofstream(dir / "cases.json") << input.dump();
  ASSERT_TRUE(testing::run_python(dir, kReference));

  // The self-hash table: torch's randperm(1,000,003) with seed 2971215073, entry for entry.
  std::ifstream table_file(dir / "table.bin", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(table_file)), std::istreambuf_iterator<char>());
  std::vector<std::int64_t> table(bytes.size() / sizeof(std::int64_t));
  std::memcpy(table.data(), bytes.data(), bytes.size());
  EXPECT_EQ(table, torch_randperm(1'000'003, 2971215073ULL));

  nlohmann::json results;
  std::ifstream(dir / "results.json") >> results;
  ASSERT_EQ(results.size(), cases.size());
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    const auto& r = results[k];
    const std::string name = fmt::format("case {} ({})", k, watermark_scheme_name(c.settings.scheme));
    for (const bool repeats : {false, true}) {
      WatermarkSettings settings = c.settings;
      settings.count_repeats = repeats;
      const Watermark watermark(settings);
      for (std::size_t i = 0; i < c.contexts.size(); ++i) {
        EXPECT_EQ(std::to_string(watermark.seed(c.contexts[i])), r["seeds"][i].get<std::string>()) << name;
        EXPECT_EQ(watermark.green_list(c.contexts[i]), r["greenlists"][i].get<std::vector<TokenId>>()) << name;
      }
      for (std::size_t d = 0; d < c.documents.size(); ++d)
        expect_scores_equal(watermark.score(c.documents[d]), r[repeats ? "repeats" : "unique"][d],
                            fmt::format("{}, document {}, {}", name, d, repeats ? "repeats" : "unique"));
      for (std::size_t h = 0; h < c.histories.size(); ++h) {
        std::vector<float> logits = c.scores[h];
        watermark.bias_logits(c.histories[h], logits);
        EXPECT_EQ(logits, r["biased"][h].get<std::vector<float>>()) << name << ", history " << h;
      }
    }
  }
}

}  // namespace
}  // namespace ouro::hygiene
