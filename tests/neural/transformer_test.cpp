// The transformer family (src/neural/transformer.hpp): its forward pass, loss and gradients against
// the same GPT-2 network in Debian's python3-torch; causal masking; key/value-cache decoding against
// full recomputation; greedy and beam decoding (with the repetition penalty and temperature) against
// their definitions and an exhaustive search; the watermark's bias in greedy decoding, its green
// rate on a flat model against the closed form, and beam search choosing green tokens; windowed scoring against its hand-listed windows; and
// the contracts every family keeps: deterministic fits that learn, checkpoint bytes that restore the
// same model, and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image_fixtures.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "ouro/io/array_file.hpp"
#include "ouro/text/vocabulary.hpp"
#include "support/files.hpp"
#include "torch_runtime.hpp"
#include "transformer.hpp"

namespace ouro::neural {
namespace {

using testing::test_rng;
using text::kBos;

TransformerShape tiny_shape(std::int64_t vocab = 11, std::int64_t context = 16) {
  return {.vocab = vocab, .layers = 2, .heads = 2, .width = 8, .context = context, .dropout = 0.0};
}

// A network with torch's default initialisation drawn from `block`'s stream (embeddings N(0, 1)),
// whose logits are far from uniform, so decoding choices are clear-cut.
TransformerNet peaked_net(const TransformerShape& shape, std::uint64_t block) {
  TransformerNet net(shape);
  Rng rng = test_rng(block);
  init_parameters(*net, rng);
  net->eval();
  return net;
}

torch::Tensor ids_of(const std::vector<std::int64_t>& ids) {
  return torch::tensor(ids, torch::kInt64).view({1, static_cast<std::int64_t>(ids.size())});
}

// The logits after the last of `ids`, from a full forward pass.
std::vector<float> next_logits(TransformerNet& net, const std::vector<std::int64_t>& ids) {
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = net->forward(ids_of(ids)).select(1, static_cast<std::int64_t>(ids.size()) - 1)[0];
  return {logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel()};
}

// The repetition penalty by its definition (each distinct token of `history` once), <s> excluded,
// then the watermark's bias when one is given, then the temperature.
std::vector<double> processed_log_probs(std::vector<float> logits, const std::vector<std::int64_t>& history,
                                        double penalty, double temperature,
                                        const hygiene::Watermark* watermark = nullptr) {
  std::vector<bool> done(logits.size(), false);
  for (const std::int64_t t : history) {
    if (done[t]) continue;
    done[t] = true;
    logits[t] = logits[t] > 0 ? static_cast<float>(logits[t] / penalty) : static_cast<float>(logits[t] * penalty);
  }
  logits[kBos] = -std::numeric_limits<float>::infinity();
  if (watermark != nullptr) {
    const std::vector<text::TokenId> ids(history.begin(), history.end());
    watermark->bias_logits(ids, logits);
  }
  double z = 0.0;
  for (const float l : logits) z += std::exp(l / temperature);
  std::vector<double> out;
  for (const float l : logits) out.push_back(l / temperature - std::log(z));
  return out;
}

Samples blocks_of(const std::vector<std::vector<std::int32_t>>& rows) {
  std::vector<std::int32_t> ids;
  std::vector<std::size_t> offsets{0};
  for (const auto& r : rows) {
    ids.insert(ids.end(), r.begin(), r.end());
    offsets.push_back(ids.size());
  }
  return Samples(std::move(ids), std::move(offsets));
}

TEST(Transformer, ForwardLossAndGradientsEqualPythonTorch) {
  const auto dir = testing::scratch_dir("transformer_reference");
  const TransformerShape shape = tiny_shape(13, 10);
  TransformerNet net(shape);
  Rng rng = test_rng(1);
  net->initialise(rng);
  // Three sequences of 7 tokens; the last row predicts only its first 4 (a shorter block, padded).
  const std::int64_t rows = 3, length = 7;
  torch::Tensor ids = torch::empty({rows, length}, torch::kInt64);
  torch::Tensor targets = torch::empty({rows, length}, torch::kInt64);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t j = 0; j < length; ++j) {
      ids[r][j] = static_cast<std::int64_t>(rng.below(13));
      targets[r][j] = r == 2 && j >= 4 ? -100 : static_cast<std::int64_t>(rng.below(13));
    }
  }
  const torch::Tensor logits = net->forward(ids);
  torch::Tensor loss = torch::nn::functional::cross_entropy(
      logits.reshape({-1, shape.vocab}), targets.reshape({-1}), torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
  loss.backward();

  using testing::to_matrix;
  const torch::Tensor params = testing::flat_parameters(*net);
  write_npy(dir / "params.npy", to_matrix(params, params.numel()));
  write_npy(dir / "ids.npy", to_matrix(ids, rows));
  write_npy(dir / "targets.npy", to_matrix(targets, rows));
  const std::string command =
      fmt::format("'{}' '{}/tests/neural/transformer_reference.py' '{}' {} {} {} {} {}", OURO_PYTHON, OURO_SOURCE_DIR,
                  dir.string(), shape.vocab, shape.layers, shape.heads, shape.width, shape.context);
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto reference = nlohmann::json::parse(testing::read_file(dir / "reference.json"));
  EXPECT_EQ(reference["parameters"].get<std::int64_t>(), params.numel());
  const Matrix their_logits = read_array(dir / "logits.npy");
  const Matrix our_logits = to_matrix(logits, rows * length);
  ASSERT_EQ(their_logits.rows(), our_logits.rows());
  EXPECT_LE((our_logits - their_logits).cwiseAbs().maxCoeff(), 1e-5 * their_logits.cwiseAbs().maxCoeff());
  EXPECT_NEAR(loss.item<double>(), reference["loss"].get<double>(), 1e-5 * std::abs(reference["loss"].get<double>()));
  const Matrix ours = to_matrix(testing::flat_gradients(*net), params.numel());
  const Matrix theirs = read_array(dir / "grads.npy");
  ASSERT_EQ(theirs.rows(), ours.rows());
  EXPECT_LE((ours - theirs).cwiseAbs().maxCoeff(), 1e-4 * theirs.cwiseAbs().maxCoeff());
}

TEST(Transformer, ATokensLogitsDoNotDependOnLaterTokens) {
  TransformerNet net = peaked_net(tiny_shape(), 2);
  torch::NoGradGuard no_grad;
  const std::vector<std::int64_t> a{2, 5, 7, 3, 9, 4, 6, 1}, b{2, 5, 7, 3, 10, 0, 8, 8};  // differ from position 4
  const torch::Tensor la = net->forward(ids_of(a)), lb = net->forward(ids_of(b));
  EXPECT_LE((la.slice(1, 0, 4) - lb.slice(1, 0, 4)).abs().max().item<double>(), 1e-6);
  EXPECT_GT((la.slice(1, 4, 8) - lb.slice(1, 4, 8)).abs().max().item<double>(), 1e-3);
}

TEST(Transformer, CachedDecodingEqualsFullRecomputation) {
  TransformerNet net = peaked_net(tiny_shape(), 3);
  torch::NoGradGuard no_grad;
  const std::vector<std::vector<std::int64_t>> rows{{2, 5, 7, 3, 9, 4, 6, 1, 0, 8, 10, 3}, {2, 4, 4, 8, 1, 0, 7, 7, 5, 6, 9, 10}};
  const torch::Tensor full = net->forward(torch::stack({ids_of(rows[0])[0], ids_of(rows[1])[0]}));
  KvCache cache;
  // A 5-token prompt, then one token at a time.
  torch::Tensor step =
      net->forward(torch::stack({ids_of(rows[0])[0].slice(0, 0, 5), ids_of(rows[1])[0].slice(0, 0, 5)}), &cache);
  EXPECT_LE((step - full.slice(1, 0, 5)).abs().max().item<double>(), 1e-5);
  for (std::int64_t p = 5; p < 12; ++p) {
    const torch::Tensor fed = torch::tensor({rows[0][p], rows[1][p]}, torch::kInt64).view({2, 1});
    step = net->forward(fed, &cache);
    EXPECT_LE((step.select(1, 0) - full.select(1, p)).abs().max().item<double>(), 1e-5) << "position " << p;
  }
  EXPECT_EQ(cache.positions(), 12);
  // Reordering the cache (a beam search keeping row 1 twice) continues row 1's sequence in both rows.
  cache.reorder(torch::tensor({1, 1}, torch::kInt64));
  const torch::Tensor next = net->forward(torch::tensor({3, 3}, torch::kInt64).view({2, 1}), &cache);
  std::vector<std::int64_t> extended = rows[1];
  extended.push_back(3);
  const torch::Tensor expected = net->forward(ids_of(extended)).select(1, 12)[0];
  EXPECT_LE((next.select(1, 0)[0] - expected).abs().max().item<double>(), 1e-5);
  EXPECT_LE((next.select(1, 0)[1] - expected).abs().max().item<double>(), 1e-5);
  // Past the context: a clear error, not a crash.
  EXPECT_THROW(net->forward(torch::zeros({1, 5}, torch::kInt64), &cache), DataError);
}

TransformerSettings decoding_settings(const TransformerShape& shape, std::size_t beams, double penalty) {
  TransformerSettings s;
  s.shape = shape;
  s.prompt_tokens = 3;
  s.beams = beams;
  s.repetition_penalty = penalty;
  return s;
}

TEST(Transformer, TopOneSamplingIsGreedyDecodingWithThePenalty) {
  const TransformerShape shape = tiny_shape();
  TransformerSettings settings = decoding_settings(shape, 1, 1.7);
  settings.top_k = 1;
  const Samples prompts = blocks_of({{5, 7, 3, 9, 4, 6}, {1, 0, 8, 8, 10, 3}});
  TransformerModel model(peaked_net(shape, 4), prompts, 6, settings, torch::kCPU, {});
  Rng rng = test_rng(5);
  const Samples drawn = model.draw(3, 0.7, rng);
  ASSERT_EQ(drawn.size(), 3);
  TransformerNet net = model.net();
  for (Eigen::Index i = 0; i < 3; ++i) {
    const auto block = prompts.tokens(i % 2);
    std::vector<std::int64_t> sequence{kBos};
    sequence.insert(sequence.end(), block.begin(), block.begin() + 3);
    for (int j = 0; j < 6; ++j) {
      const std::vector<std::int64_t> history(sequence.begin() + 1, sequence.end());
      const std::vector<double> lp = processed_log_probs(next_logits(net, sequence), history, 1.7, 1.0);
      sequence.push_back(std::max_element(lp.begin(), lp.end()) - lp.begin());
      EXPECT_EQ(drawn.tokens(i)[static_cast<std::size_t>(j)], sequence.back()) << "row " << i << " token " << j;
    }
  }
}

TEST(Transformer, BeamSearchWithEnoughBeamsFindsTheMostProbableContinuation) {
  // Vocabulary of 5 (4 tokens besides <s>), 3 new tokens: 16 beams keep every 2-token prefix, so the
  // search is exhaustive and must equal the best of all 64 continuations under the same penalised,
  // tempered log-probabilities.
  const TransformerShape shape = tiny_shape(5, 8);
  const double penalty = 2.5, temperature = 0.8;
  const Samples prompts = blocks_of({{3, 4, 1}});
  TransformerNet net = peaked_net(shape, 6);
  TransformerModel model(net, prompts, 3, decoding_settings(shape, 16, penalty), torch::kCPU, {});
  Rng rng = test_rng(7);
  const Samples beam = model.draw(1, temperature, rng);

  const std::vector<std::int64_t> prompt{kBos, 3, 4, 1};
  const std::vector<std::int64_t> tokens{0, 1, 3, 4};
  double best = -std::numeric_limits<double>::infinity();
  std::vector<std::int64_t> argbest;
  for (const std::int64_t a : tokens) {
    for (const std::int64_t b : tokens) {
      for (const std::int64_t c : tokens) {
        std::vector<std::int64_t> sequence = prompt;
        double score = 0.0;
        for (const std::int64_t t : {a, b, c}) {
          const std::vector<std::int64_t> history(sequence.begin() + 1, sequence.end());
          score += processed_log_probs(next_logits(net, sequence), history, penalty, temperature)[t];
          sequence.push_back(t);
        }
        if (score > best) {
          best = score;
          argbest = {a, b, c};
        }
      }
    }
  }
  ASSERT_EQ(beam.tokens(0).size(), 3u);
  EXPECT_EQ(std::vector<std::int64_t>(beam.tokens(0).begin(), beam.tokens(0).end()), argbest);
  // Beam search is deterministic: no draws from the stream.
  Rng other = test_rng(8);
  const Samples again = model.draw(1, temperature, other);
  EXPECT_TRUE(std::equal(beam.tokens(0).begin(), beam.tokens(0).end(), again.tokens(0).begin()));
}

hygiene::WatermarkSettings watermark_settings(hygiene::WatermarkScheme scheme, std::int64_t vocab, double delta) {
  return {.scheme = scheme, .gamma = 0.25, .delta = delta, .vocab_size = vocab};
}

TEST(Transformer, TopOneSamplingWithAWatermarkIsGreedyDecodingOfTheBiasedLogits) {
  // delta 3 on a peaked net changes some greedy choices; each must be the argmax of the logits after
  // the penalty and then the watermark's bias (the prompt is part of the seeding history).
  const TransformerShape shape = tiny_shape(11, 32);
  for (const auto scheme : {hygiene::WatermarkScheme::kSimple1, hygiene::WatermarkScheme::kSelfHash}) {
    TransformerSettings settings = decoding_settings(shape, 1, 1.3);
    settings.top_k = 1;
    settings.watermark = watermark_settings(scheme, shape.vocab, 3.0);
    const hygiene::Watermark watermark(*settings.watermark);
    const Samples prompts = blocks_of({{5, 7, 3, 9}, {1, 0, 8, 8}});
    TransformerModel model(peaked_net(shape, 4), prompts, 12, settings, torch::kCPU, {});
    Rng rng = test_rng(5);
    const Samples drawn = model.draw(2, 0.7, rng);
    TransformerNet net = model.net();
    std::size_t changed = 0;
    for (Eigen::Index i = 0; i < 2; ++i) {
      const auto block = prompts.tokens(i);
      std::vector<std::int64_t> sequence{kBos};
      sequence.insert(sequence.end(), block.begin(), block.begin() + 3);
      for (int j = 0; j < 12; ++j) {
        const std::vector<std::int64_t> history(sequence.begin() + 1, sequence.end());
        const std::vector<float> logits = next_logits(net, sequence);
        const std::vector<double> lp = processed_log_probs(logits, history, 1.3, 1.0, &watermark);
        const std::vector<double> plain = processed_log_probs(logits, history, 1.3, 1.0);
        sequence.push_back(std::max_element(lp.begin(), lp.end()) - lp.begin());
        changed += sequence.back() != std::max_element(plain.begin(), plain.end()) - plain.begin();
        EXPECT_EQ(drawn.tokens(i)[static_cast<std::size_t>(j)], sequence.back())
            << hygiene::watermark_scheme_name(scheme) << " row " << i << " token " << j;
      }
    }
    EXPECT_GT(changed, 0u) << "the bias never changed a choice: the test would not see it missing";
  }
}

// A network whose every parameter is 0: every logit is 0, so the next token is uniform over the
// vocabulary without <s>, and the watermark alone shapes the draws.
TransformerNet flat_net(const TransformerShape& shape) {
  TransformerNet net(shape);
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : net->parameters()) p.zero_();
  net->eval();
  return net;
}

TEST(Transformer, AWatermarkedFlatModelDrawsGreenTokensAtTheClosedFormRate) {
  // simple_1, gamma 0.25, V = 200: 50 green ids per step. Uniform logits plus delta on the green ones
  // give P(green) = 50 e^d / (50 e^d + 149) when <s> is red, 49 e^d / (49 e^d + 150) when green
  // (<s> is never drawn). 64 rows x 40 tokens: the share of green tokens lies within 4 standard
  // errors of that range, for delta 2 (0.707..0.713) and delta 0 (0.246..0.251).
  const TransformerShape shape = tiny_shape(200, 48);
  const Samples prompts = blocks_of({{17, 42}, {3, 99}});
  for (const double delta : {2.0, 0.0}) {
    TransformerSettings settings = decoding_settings(shape, 1, 1.0);
    settings.prompt_tokens = 2;
    settings.watermark = watermark_settings(hygiene::WatermarkScheme::kSimple1, shape.vocab, delta);
    const hygiene::Watermark watermark(*settings.watermark);
    const TransformerModel model(flat_net(shape), prompts, 40, settings, torch::kCPU, {});
    Rng rng = test_rng(21);
    const Samples drawn = model.draw(64, 1.0, rng);
    std::size_t green = 0, tokens = 0;
    for (Eigen::Index i = 0; i < drawn.size(); ++i) {
      std::vector<text::TokenId> sequence(prompts.tokens(i % 2).begin(), prompts.tokens(i % 2).end());
      for (const std::int32_t t : drawn.tokens(i)) {
        sequence.push_back(static_cast<text::TokenId>(t));
        green += watermark.is_green(std::span(sequence).last(2));
        ++tokens;
      }
    }
    const double e = std::exp(delta);
    const double low = 49 * e / (49 * e + 150), high = 50 * e / (50 * e + 149);
    const double share = static_cast<double>(green) / static_cast<double>(tokens);
    const double se = std::sqrt(high * (1 - low) / static_cast<double>(tokens));
    EXPECT_GE(share, low - 4 * se) << "delta " << delta;
    EXPECT_LE(share, high + 4 * se) << "delta " << delta;
  }
}

TEST(Transformer, BeamSearchOnAFlatWatermarkedModelChoosesOnlyGreenTokens) {
  // With every logit equal, a green token scores delta above a red one at every step, so the best
  // continuation holds green tokens only; the detector then counts all of them.
  const TransformerShape shape = tiny_shape(200, 32);
  TransformerSettings settings = decoding_settings(shape, 3, 1.0);
  settings.watermark = watermark_settings(hygiene::WatermarkScheme::kSimple1, shape.vocab, 2.0);
  const hygiene::Watermark watermark(*settings.watermark);
  const Samples prompts = blocks_of({{17, 42, 5}});
  const TransformerModel model(flat_net(shape), prompts, 20, settings, torch::kCPU, {});
  Rng rng = test_rng(22);
  const Samples drawn = model.draw(1, 1.0, rng);
  std::vector<text::TokenId> sequence{17, 42, 5};
  for (const std::int32_t t : drawn.tokens(0)) {
    sequence.push_back(static_cast<text::TokenId>(t));
    EXPECT_TRUE(watermark.is_green(std::span(sequence).last(2))) << "token " << sequence.size() - 4;
  }
}

TEST(Transformer, LongSequencesAreScoredInHalfOverlappingWindows) {
  // Context 8: a 20-token sequence (positions 0..19, targets 1..19) is scored by the windows
  // [0, 8) for targets 1-7, [4, 12) for 8-11, [8, 16) for 12-15 and [12, 20) for 16-19.
  const TransformerShape shape = tiny_shape(11, 8);
  TransformerNet net = peaked_net(shape, 9);
  TransformerModel model(net, Samples(std::vector<std::int32_t>{}, std::vector<std::size_t>{0}), 4,
                         decoding_settings(shape, 1, 1.0), torch::kCPU, {});
  std::vector<std::int64_t> sequence{kBos};
  Rng rng = test_rng(10);
  for (int i = 1; i < 20; ++i) sequence.push_back(static_cast<std::int64_t>(3 + rng.below(8)));
  struct Window {
    int begin, end, first;
  };
  double expected = 0.0;
  torch::NoGradGuard no_grad;
  for (const Window w : {Window{0, 8, 1}, Window{4, 12, 8}, Window{8, 16, 12}, Window{12, 20, 16}}) {
    const std::vector<std::int64_t> slice(sequence.begin() + w.begin, sequence.begin() + w.end);
    const torch::Tensor lp = torch::log_softmax(net->forward(ids_of(slice)), -1)[0];
    for (int p = w.first; p < w.end; ++p) expected += lp[p - 1 - w.begin][sequence[p]].item<double>();
  }
  const std::vector<double> ours = model.sequence_log_probs({sequence, {kBos, 3, 4}});
  EXPECT_NEAR(ours[0], expected, 1e-5 * std::abs(expected));
  // A sequence within the context is one forward pass.
  const torch::Tensor short_lp = torch::log_softmax(net->forward(ids_of({kBos, 3, 4})), -1)[0];
  EXPECT_NEAR(ours[1], short_lp[0][3].item<double>() + short_lp[1][4].item<double>(), 1e-5);
  // Sentences are scored as <s> w.. </s>: </s> counted, <s> not.
  const std::vector<std::vector<std::uint32_t>> sentences{{3, 4}, {5}};
  const TokenScore score = *model.score_sentences(sentences);
  EXPECT_EQ(score.tokens, 5u);
  const std::vector<double> parts = model.sequence_log_probs({{kBos, 3, 4, text::kEos}, {kBos, 5, text::kEos}});
  EXPECT_NEAR(score.log_prob, parts[0] + parts[1], 1e-9);
  // Ids outside the vocabulary are refused by name.
  EXPECT_THROW(model.sequence_log_probs({{kBos, 11}}), DataError);
}

// Blocks of a cyclic pattern 3, 4, .., 10, 3, .. starting at a random phase: learnable structure.
Samples cyclic_blocks(std::size_t n, std::size_t length, Rng& rng) {
  std::vector<std::vector<std::int32_t>> rows;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::int32_t> row;
    const std::uint64_t phase = rng.below(8);
    for (std::size_t j = 0; j < length; ++j) row.push_back(static_cast<std::int32_t>(3 + (phase + j) % 8));
    rows.push_back(row);
  }
  return blocks_of(rows);
}

TransformerFamily tiny_family(int epochs, double dropout = 0.1) {
  TransformerSettings settings = decoding_settings(tiny_shape(11, 1 + 3 + 8), 1, 1.0);
  settings.shape.dropout = dropout;
  NeuralTraining training = testing::quick_training(epochs);
  training.lr = 1e-2;
  return TransformerFamily(8, settings, training);
}

TEST(Transformer, FitIsAPureFunctionOfDataAndStreamAndLearnsThePattern) {
  const TransformerFamily family = tiny_family(60);
  Rng data_rng = test_rng(11);
  const Samples data = cyclic_blocks(64, 8, data_rng);
  Rng a = test_rng(12), b = test_rng(12), c = test_rng(13);
  const auto model = family.fit(data, a);
  EXPECT_EQ(model->encode(), family.fit(data, b)->encode());
  EXPECT_NE(model->encode(), family.fit(data, c)->encode());
  const auto& losses = dynamic_cast<const TransformerModel&>(*model).fit_log().epoch_losses;
  ASSERT_EQ(losses.size(), 60u);
  EXPECT_NEAR(losses.front(), std::log(11.0), 0.3);  // an untrained model is near uniform
  EXPECT_LT(losses.back(), 0.6);                      // only each block's first token is uncertain
  // Prompted samples continue the cycle from their prompt.
  Rng draw_rng = test_rng(14);
  const Samples drawn = model->draw(8, 0.5, draw_rng);
  std::size_t followed = 0;
  for (Eigen::Index i = 0; i < drawn.size(); ++i) {
    const auto prompt = data.tokens(i);
    std::int32_t previous = prompt[2];
    for (const std::int32_t t : drawn.tokens(i)) {
      followed += t == 3 + (previous - 3 + 1) % 8;
      previous = t;
    }
  }
  EXPECT_GE(followed, 60u);  // of 64 tokens
}

TEST(Transformer, AFitOfTrainStepsRunsThatManyMinibatchesAcrossReshuffledPasses) {
  // 64 blocks in minibatches of 16: 4 steps per pass.
  Rng data_rng = test_rng(15);
  const Samples data = cyclic_blocks(64, 8, data_rng);
  auto fitted = [&](int epochs, std::size_t train_steps) {
    TransformerSettings settings = decoding_settings(tiny_shape(11, 1 + 3 + 8), 1, 1.0);
    settings.train_steps = train_steps;
    const TransformerFamily family(8, settings, testing::quick_training(epochs));
    Rng rng = test_rng(16);
    return family.fit(data, rng);
  };
  auto passes = [](const auto& model) {
    return dynamic_cast<const TransformerModel&>(*model).fit_log().epoch_losses.size();
  };
  // Twelve steps are three whole passes: the same fit, bit for bit, as three epochs (and the step
  // count overrides model.epochs).
  const auto by_epochs = fitted(3, 0);
  const auto by_steps = fitted(7, 12);
  EXPECT_EQ(by_steps->encode(), by_epochs->encode());
  EXPECT_EQ(passes(by_steps), 3u);
  // Nine steps: two passes and one minibatch of a third, a schedule of its own.
  const auto partial = fitted(7, 9);
  EXPECT_EQ(passes(partial), 3u);
  EXPECT_NE(partial->encode(), by_epochs->encode());
  EXPECT_NE(partial->encode(), fitted(2, 0)->encode());
}

TEST(Transformer, RealValidSelectionKeepsTheEpochOfLowestValidationPerplexity) {
  // Training blocks cycle upwards, validation sentences downwards: learning the one makes the other
  // less likely, so the best validation epoch is an early one, not the last.
  TransformerSettings settings = decoding_settings(tiny_shape(11, 1 + 3 + 8), 1, 1.0);
  std::vector<std::vector<std::uint32_t>> validation;
  for (std::uint32_t phase = 0; phase < 8; ++phase) {
    validation.emplace_back();
    for (std::uint32_t j = 0; j < 6; ++j) validation.back().push_back(3 + (phase + 8 - j % 8) % 8);
  }
  settings.validation = std::make_shared<const std::vector<std::vector<std::uint32_t>>>(validation);
  NeuralTraining training = testing::quick_training(8);
  training.lr = 1e-2;
  const TransformerFamily family(8, settings, training);
  Rng rng = test_rng(18);
  const Samples data = cyclic_blocks(64, 8, rng);
  const auto model = family.fit(data, rng);
  const TransformerFitLog& log = dynamic_cast<const TransformerModel&>(*model).fit_log();
  ASSERT_EQ(log.validation_perplexities.size(), 8u);
  const auto best = std::min_element(log.validation_perplexities.begin(), log.validation_perplexities.end());
  EXPECT_EQ(log.selected_epoch, static_cast<std::size_t>(best - log.validation_perplexities.begin()) + 1);
  EXPECT_LT(log.selected_epoch, 8u);
  // The model holds that epoch's weights: its validation perplexity is the minimum.
  const TokenScore score = *model->score_sentences(validation);
  EXPECT_NEAR(score.perplexity(), *best, 1e-9 * *best);
  EXPECT_GT(log.validation_perplexities.back(), *best);
  // Without a validation split nothing is scored and the last epoch is kept.
  Rng other = test_rng(18);
  const auto last = tiny_family(8).fit(cyclic_blocks(64, 8, other), other);
  EXPECT_TRUE(dynamic_cast<const TransformerModel&>(*last).fit_log().validation_perplexities.empty());
  EXPECT_EQ(dynamic_cast<const TransformerModel&>(*last).fit_log().selected_epoch, 0u);
}

TEST(Transformer, CheckpointBytesRestoreTheSameModel) {
  const TransformerFamily family = tiny_family(1);
  Rng rng = test_rng(15);
  const Samples data = cyclic_blocks(16, 8, rng);
  const auto model = family.fit(data, rng);
  const auto restored = family.decode(model->encode());
  EXPECT_EQ(restored->encode(), model->encode());
  const auto a = *model->score_sequences(data), b = *restored->score_sequences(data);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].log_prob, b[i].log_prob);
  // A warm start continues from the given model's weights.
  Rng r1 = test_rng(16), r2 = test_rng(16);
  EXPECT_EQ(family.fit(data, r1, model.get())->encode(), family.fit(data, r2, restored.get())->encode());
  EXPECT_THROW(family.decode(model->encode().substr(0, 50)), DataError);
}

TEST(Transformer, TokensOutsideTheVocabularyAreRefused) {
  const TransformerFamily family = tiny_family(1);
  Rng rng = test_rng(17);
  EXPECT_THROW(family.fit(blocks_of({{3, 4, 11}}), rng), DataError);
  EXPECT_THROW(family.fit(blocks_of({{3, kBos, 4}}), rng), DataError);
}

}  // namespace
}  // namespace ouro::neural
