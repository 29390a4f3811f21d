// The transformer family (see transformer.hpp).
#include "transformer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/text/beam_search.hpp"
#include "torch_runtime.hpp"

namespace ouro::neural {
namespace {

using text::kBos;
using text::kEos;

// Targets that the loss skips (padding after a shorter block).
constexpr std::int64_t kIgnore = -100;
// Rows generated together by the sampler chain: bounds memory, not results (each row's draws come
// from the stream in a fixed order: step by step, row by row within a group of this size).
constexpr std::size_t kSampleRows = 64;
// Logit values (rows x positions x vocabulary) per scoring forward pass: bounds memory.
constexpr std::int64_t kScoreLogits = std::int64_t{1} << 24;

// The blocks of `data` as token sequences, every id checked against the vocabulary (<s> is never
// a token of a block: the model only ever sees it as the start).
Samples checked_blocks(const Samples& data, std::int64_t vocab) {
  Samples blocks = data.storage() == SampleStorage::kReal ? Samples::tokens_from_padded_rows(data.real()) : data;
  OURO_CHECK(blocks.storage() == SampleStorage::kTokens, DataError, "transformer: training samples are not token blocks");
  for (Eigen::Index i = 0; i < blocks.size(); ++i) {
    const auto tokens = blocks.tokens(i);
    for (std::size_t j = 0; j < tokens.size(); ++j) {
      const std::int32_t v = tokens[j];
      OURO_CHECK(v >= 0 && v < vocab && static_cast<text::TokenId>(v) != kBos, DataError,
                 "transformer: sample {} token {} is {}, which is not a token id of the {}-type vocabulary", i, j, v,
                 vocab);
    }
  }
  return blocks;
}

torch::Tensor ids_tensor(const std::vector<std::vector<std::int64_t>>& rows, std::int64_t length, std::int64_t pad) {
  torch::Tensor out = torch::full({static_cast<std::int64_t>(rows.size()), length}, pad, torch::kInt64);
  auto a = out.accessor<std::int64_t, 2>();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t j = 0; j < rows[r].size() && static_cast<std::int64_t>(j) < length; ++j) {
      a[static_cast<std::int64_t>(r)][static_cast<std::int64_t>(j)] = rows[r][j];
    }
  }
  return out;
}

// The learning rate at optimiser step `step` of `total`: linear warm-up, then cosine decay to 0.
double scheduled_lr(double lr, std::size_t step, std::size_t total, double warmup) {
  const auto warm = static_cast<std::size_t>(std::ceil(warmup * static_cast<double>(total)));
  if (step < warm) return lr * static_cast<double>(step + 1) / static_cast<double>(warm);
  const double progress = static_cast<double>(step - warm) / static_cast<double>(std::max<std::size_t>(1, total - warm));
  return lr * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

// The last position's logits of every row, on the CPU as float.
torch::Tensor last_logits(const torch::Tensor& logits) {
  return logits.select(1, logits.size(1) - 1).to(torch::kCPU, torch::kFloat32).contiguous();
}

// log softmax(row / temperature), in double.
std::vector<double> log_softmax(std::span<const float> row, double temperature) {
  double top = -std::numeric_limits<double>::infinity();
  for (const float l : row) top = std::max(top, static_cast<double>(l) / temperature);
  double sum = 0.0;
  for (const float l : row) sum += std::exp(static_cast<double>(l) / temperature - top);
  const double log_z = top + std::log(sum);
  std::vector<double> out(row.size());
  for (std::size_t i = 0; i < row.size(); ++i) out[i] = static_cast<double>(row[i]) / temperature - log_z;
  return out;
}

// Natural-log probability of tokens 1.. of each sequence under `net` (evaluation mode), in context
// windows advancing by half a context (see transformer.hpp).
std::vector<double> windowed_log_probs(TransformerNetImpl& net, torch::Device device,
                                       const std::vector<std::vector<std::int64_t>>& sequences) {
  torch::NoGradGuard no_grad;
  struct Window {
    std::size_t sequence;
    std::int64_t begin, end, first_target;  // tokens [begin, end) in; targets [first_target, end) scored
  };
  const std::int64_t context = net.shape().context, stride = std::max<std::int64_t>(1, context / 2);
  std::vector<Window> windows;
  const std::int64_t vocab = net.shape().vocab;
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    for (const std::int64_t t : sequences[s]) {
      OURO_CHECK(t >= 0 && t < vocab, DataError, "transformer: sequence {} holds token {}, outside the {}-type vocabulary",
                 s, t, vocab);
    }
    const auto size = static_cast<std::int64_t>(sequences[s].size());
    if (size < 2) continue;
    std::int64_t begin = 0, end = std::min(size, context);
    windows.push_back({s, begin, end, 1});
    while (end < size) {
      begin += stride;
      const std::int64_t first = end;
      end = std::min(size, begin + context);
      windows.push_back({s, begin, end, first});
    }
  }
  std::vector<double> out(sequences.size(), 0.0);
  for (std::size_t w = 0; w < windows.size();) {
    // As many windows as the logit budget allows, padded to the longest.
    std::int64_t width = 0;
    std::size_t last = w;
    while (last < windows.size()) {
      const std::int64_t wider = std::max(width, windows[last].end - windows[last].begin);
      if (last > w && static_cast<std::int64_t>(last - w + 1) * wider * vocab > kScoreLogits) break;
      width = wider;
      ++last;
    }
    std::vector<std::vector<std::int64_t>> inputs;
    for (std::size_t k = w; k < last; ++k) {
      const auto& seq = sequences[windows[k].sequence];
      inputs.emplace_back(seq.begin() + windows[k].begin, seq.begin() + windows[k].end);
    }
    const torch::Tensor lp =
        torch::log_softmax(net.forward(ids_tensor(inputs, width, 0).to(device)), -1).to(torch::kCPU).contiguous();
    const auto a = lp.accessor<float, 3>();
    for (std::size_t k = w; k < last; ++k) {
      const Window& win = windows[k];
      const auto& seq = sequences[win.sequence];
      double sum = 0.0;
      for (std::int64_t p = win.first_target; p < win.end; ++p) {
        sum += a[static_cast<std::int64_t>(k - w)][p - 1 - win.begin][seq[static_cast<std::size_t>(p)]];
      }
      out[win.sequence] += sum;
    }
    w = last;
  }
  return out;
}

// Sentences of vocabulary ids as sequences <s> w.. </s>.
std::vector<std::vector<std::int64_t>> sentence_sequences(std::span<const std::vector<std::uint32_t>> sentences) {
  std::vector<std::vector<std::int64_t>> sequences;
  for (const auto& s : sentences) {
    sequences.emplace_back(1, static_cast<std::int64_t>(kBos));
    sequences.back().insert(sequences.back().end(), s.begin(), s.end());
    sequences.back().push_back(static_cast<std::int64_t>(kEos));
  }
  return sequences;
}

// Perplexity of `sequences` (as sentence_sequences makes them) under `net`.
double perplexity(TransformerNetImpl& net, torch::Device device, const std::vector<std::vector<std::int64_t>>& sequences) {
  TokenScore score;
  for (const double lp : windowed_log_probs(net, device, sequences)) score.log_prob += lp;
  for (const auto& s : sequences) score.tokens += s.size() - 1;
  return score.perplexity();
}

}  // namespace

TransformerFamily::TransformerFamily(Eigen::Index length, TransformerSettings settings, NeuralTraining training)
    : length_(length), settings_(std::move(settings)), training_(training) {
  if (settings_.checkpoint) {
    pretrained_ = TransformerNet(settings_.shape);
    load_gpt2_weights(*settings_.checkpoint, *pretrained_, settings_.vocab_offset, settings_.separator);
  }
}

Capabilities TransformerFamily::capabilities() const {
  return {.samples = SampleKind::kTokens, .token_scoring = true, .warm_start = true};
}

std::size_t TransformerFamily::min_samples(Eigen::Index) const { return 1; }

std::unique_ptr<GenerativeModel> TransformerFamily::fit_model(const Samples& data, Rng& rng,
                                                              const GenerativeModel* start,
                                                              const GenerativeModel* /*generation0*/) const {
  use_one_thread();
  const TransformerShape& shape = settings_.shape;
  Samples blocks = checked_blocks(data, shape.vocab);
  const auto n = static_cast<std::size_t>(blocks.size());
  OURO_CHECK(n > 0, DataError, "transformer: no training samples");
  TransformerNet net(shape);
  if (start != nullptr) {
    copy_parameters(*dynamic_cast<const TransformerModel&>(*start).net(), *net);
  } else if (pretrained_) {
    copy_parameters(*pretrained_, *net);
  } else {
    net->initialise(rng);
  }
  net->to(training_.device);
  net->train();
  torch::optim::AdamW optimizer(net->parameters(),
                                torch::optim::AdamWOptions(training_.lr).weight_decay(training_.weight_decay));
  const std::size_t steps_per_epoch = (n + training_.batch - 1) / training_.batch;
  const std::size_t fixed_steps = start != nullptr ? settings_.finetune_steps : settings_.train_steps;
  const std::size_t total_steps =
      fixed_steps > 0 ? fixed_steps : steps_per_epoch * static_cast<std::size_t>(training_.epochs_from(start != nullptr));
  // Passes over the data; with a fixed step count the last one stops where the steps run out.
  const std::size_t epochs = (total_steps + steps_per_epoch - 1) / steps_per_epoch;
  std::size_t step = 0;
  TransformerFitLog log;
  const std::vector<std::vector<std::int64_t>> validation =
      settings_.validation ? sentence_sequences(*settings_.validation) : std::vector<std::vector<std::int64_t>>{};
  std::string best_weights;
  std::vector<std::vector<std::int64_t>> inputs, targets;
  for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
    net->train();
    const std::vector<std::size_t> order = shuffled_indices(n, rng);
    double loss_sum = 0.0, predicted = 0.0;
    for (std::size_t begin = 0; begin < n && step < total_steps; begin += training_.batch, ++step) {
      inputs.clear();
      targets.clear();
      std::int64_t width = 0;
      for (std::size_t k = begin; k < std::min(n, begin + training_.batch); ++k) {
        const auto tokens = blocks.tokens(static_cast<Eigen::Index>(order[k]));
        inputs.emplace_back(1, static_cast<std::int64_t>(kBos));
        inputs.back().insert(inputs.back().end(), tokens.begin(), tokens.end() - (tokens.empty() ? 0 : 1));
        targets.emplace_back(tokens.begin(), tokens.end());
        width = std::max<std::int64_t>(width, static_cast<std::int64_t>(tokens.size()));
        predicted += static_cast<double>(tokens.size());
      }
      if (width == 0) continue;
      const torch::Tensor x = ids_tensor(inputs, width, 0).to(training_.device);
      const torch::Tensor y = ids_tensor(targets, width, kIgnore).to(training_.device);
      for (auto& group : optimizer.param_groups()) {
        static_cast<torch::optim::AdamWOptions&>(group.options())
            .lr(scheduled_lr(training_.lr, step, total_steps, settings_.warmup));
      }
      optimizer.zero_grad();
      const torch::Tensor logits = net->forward(x, nullptr, &rng);
      const torch::Tensor loss = torch::nn::functional::cross_entropy(
          logits.reshape({-1, shape.vocab}), y.reshape({-1}),
          torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnore).reduction(torch::kSum));
      const torch::Tensor count = y.ne(kIgnore).sum();
      (loss / count).backward();
      if (settings_.clip > 0.0) torch::nn::utils::clip_grad_norm_(net->parameters(), settings_.clip);
      optimizer.step();
      loss_sum += loss.item<double>();
    }
    OURO_CHECK(std::isfinite(loss_sum), DataError, "transformer: the training loss diverged (not finite) in epoch {}",
               epoch + 1);
    log.epoch_losses.push_back(loss_sum / std::max(1.0, predicted));
    if (!validation.empty()) {
      net->eval();
      log.validation_perplexities.push_back(perplexity(*net, training_.device, validation));
      const auto& ppl = log.validation_perplexities;
      if (ppl.size() == 1 || ppl.back() < ppl[log.selected_epoch - 1]) {
        log.selected_epoch = ppl.size();
        best_weights = save_parameters(*net);
      }
    }
  }
  if (!best_weights.empty()) load_parameters(*net, best_weights, "the selected epoch's weights");
  net->eval();
  return std::make_unique<TransformerModel>(std::move(net), std::move(blocks), length_, settings_, training_.device,
                                            std::move(log));
}

std::unique_ptr<GenerativeModel> TransformerFamily::decode(std::string_view bytes) const {
  TransformerNet net(settings_.shape);
  load_parameters(*net, bytes, "transformer checkpoint");
  net->to(training_.device);
  net->eval();
  // A decoded model continues training blocks only after a fit; warm starts need its weights alone.
  return std::make_unique<TransformerModel>(std::move(net), Samples(std::vector<std::int32_t>{}, std::vector<std::size_t>{0}), length_,
                                            settings_, training_.device, TransformerFitLog{});
}

TransformerModel::TransformerModel(TransformerNet net, Samples prompts, Eigen::Index length,
                                   TransformerSettings settings, torch::Device device, TransformerFitLog log)
    : net_(std::move(net)),
      prompts_(std::move(prompts)),
      length_(length),
      settings_(settings),
      watermark_(settings_.watermark ? std::optional<hygiene::Watermark>(std::in_place, *settings_.watermark)
                                     : std::nullopt),
      device_(device),
      log_(std::move(log)) {}

std::vector<std::int64_t> TransformerModel::prompt(std::size_t row) const {
  std::vector<std::int64_t> out{static_cast<std::int64_t>(kBos)};
  if (settings_.generation == text::Generation::kPrompted) {
    OURO_CHECK(prompts_.size() > 0, DataError, "transformer: prompted generation needs the training blocks");
    const auto block = prompts_.tokens(static_cast<Eigen::Index>(row % static_cast<std::size_t>(prompts_.size())));
    const std::size_t used = std::min(settings_.prompt_tokens, block.size());
    out.insert(out.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(used));
  }
  return out;
}

std::vector<float> TransformerModel::next_token_logits(const torch::Tensor& logits, std::int64_t r,
                                                      std::span<const text::TokenId> history) const {
  const float* data = logits.data_ptr<float>() + r * logits.size(1);
  std::vector<float> row(data, data + logits.size(1));
  text::apply_repetition_penalty(row, history, settings_.repetition_penalty);
  row[kBos] = -std::numeric_limits<float>::infinity();
  if (watermark_) watermark_->bias_logits(history, row);
  return row;
}

std::vector<std::vector<std::int64_t>> TransformerModel::sample_continuations(
    const std::vector<std::vector<std::int64_t>>& prompts, double bias, Rng& rng) const {
  torch::NoGradGuard no_grad;
  const text::SamplerSettings chain{bias, settings_.top_k, settings_.top_p};
  const auto rows = static_cast<std::int64_t>(prompts.size());
  // The history the repetition penalty and the watermark read: the prompt after <s>, then the
  // tokens generated.
  std::vector<std::vector<text::TokenId>> history;
  for (const auto& p : prompts) history.emplace_back(p.begin() + 1, p.end());
  std::vector<std::vector<std::int64_t>> out(prompts.size());
  KvCache cache;
  torch::Tensor logits =
      last_logits(net_->forward(ids_tensor(prompts, static_cast<std::int64_t>(prompts[0].size()), 0).to(device_), &cache));
  std::vector<std::vector<std::int64_t>> next(prompts.size(), std::vector<std::int64_t>(1));
  for (Eigen::Index step = 0; step < length_; ++step) {
    for (std::int64_t r = 0; r < rows; ++r) {
      const std::vector<float> row = next_token_logits(logits, r, history[r]);
      const std::vector<double> lp = log_softmax(row, 1.0);
      std::vector<double> p(lp.size());
      std::transform(lp.begin(), lp.end(), p.begin(), [](double v) { return std::exp(v); });
      text::Candidates candidates = text::Candidates::from_dense(p);
      const auto t = static_cast<std::int64_t>(text::sample_chain(candidates, chain, rng));
      out[r].push_back(t);
      history[r].push_back(static_cast<text::TokenId>(t));
      next[r][0] = t;
    }
    if (step + 1 < length_) logits = last_logits(net_->forward(ids_tensor(next, 1, 0).to(device_), &cache));
  }
  return out;
}

std::vector<std::int64_t> TransformerModel::beam_continuation(const std::vector<std::int64_t>& prompt,
                                                              double bias) const {
  torch::NoGradGuard no_grad;
  KvCache cache;
  torch::Tensor logits = last_logits(net_->forward(ids_tensor({prompt}, static_cast<std::int64_t>(prompt.size()), 0)
                                                       .to(device_),
                                                   &cache));
  const std::vector<text::TokenId> prompt_history(prompt.begin() + 1, prompt.end());
  const auto next = [&](std::span<const std::size_t> parents, std::span<const text::TokenId> tokens,
                        const std::vector<std::vector<text::TokenId>>& sequences) {
    if (!parents.empty()) {
      cache.reorder(torch::tensor(std::vector<std::int64_t>(parents.begin(), parents.end()), torch::kInt64).to(device_));
      std::vector<std::vector<std::int64_t>> fed;
      for (const text::TokenId t : tokens) fed.push_back({static_cast<std::int64_t>(t)});
      logits = last_logits(net_->forward(ids_tensor(fed, 1, 0).to(device_), &cache));
    }
    std::vector<std::vector<double>> rows;
    for (std::size_t b = 0; b < sequences.size(); ++b) {
      std::vector<text::TokenId> history = prompt_history;
      history.insert(history.end(), sequences[b].begin(), sequences[b].end());
      rows.push_back(log_softmax(next_token_logits(logits, static_cast<std::int64_t>(b), history), bias));
    }
    return rows;
  };
  const std::vector<text::TokenId> best = text::beam_search(static_cast<std::size_t>(length_), settings_.beams, next);
  return {best.begin(), best.end()};
}

Samples TransformerModel::draw(std::size_t n, double bias, Rng& rng) const {
  OURO_CHECK(bias > 0.0 && std::isfinite(bias), DataError, "transformer: sampling temperature {} is not > 0", bias);
  std::vector<std::int32_t> ids;
  ids.reserve(n * static_cast<std::size_t>(length_));
  std::vector<std::size_t> offsets{0};
  const auto append = [&](const std::vector<std::int64_t>& tokens) {
    for (const std::int64_t t : tokens) ids.push_back(static_cast<std::int32_t>(t));
    offsets.push_back(ids.size());
  };
  for (std::size_t i = 0; i < n;) {
    if (settings_.beams > 1) {
      append(beam_continuation(prompt(i), bias));
      ++i;
      continue;
    }
    // A group of rows whose prompts have one length (blocks may differ at a corpus's end).
    std::vector<std::vector<std::int64_t>> group{prompt(i)};
    while (group.size() < kSampleRows && i + group.size() < n) {
      std::vector<std::int64_t> next = prompt(i + group.size());
      if (next.size() != group[0].size()) break;
      group.push_back(std::move(next));
    }
    for (const auto& tokens : sample_continuations(group, bias, rng)) append(tokens);
    i += group.size();
  }
  return Samples(std::move(ids), std::move(offsets));
}

Matrix TransformerModel::sample(std::size_t n, double bias, Rng& rng) const { return draw(n, bias, rng).padded_rows(); }

std::vector<double> TransformerModel::sequence_log_probs(const std::vector<std::vector<std::int64_t>>& sequences) const {
  return windowed_log_probs(*net_, device_, sequences);
}

std::optional<TokenScore> TransformerModel::score_sentences(std::span<const std::vector<std::uint32_t>> sentences) const {
  TokenScore score;
  for (const auto& s : sentences) score.tokens += s.size() + 1;
  for (const double lp : sequence_log_probs(sentence_sequences(sentences))) score.log_prob += lp;
  return score;
}

std::optional<std::vector<TokenScore>> TransformerModel::score_sequences(const Samples& sequences) const {
  std::vector<std::vector<std::int64_t>> rows;
  for (Eigen::Index i = 0; i < sequences.size(); ++i) {
    const auto tokens = sequences.tokens(i);
    rows.emplace_back(1, static_cast<std::int64_t>(kBos));
    rows.back().insert(rows.back().end(), tokens.begin(), tokens.end());
  }
  const std::vector<double> lp = sequence_log_probs(rows);
  std::vector<TokenScore> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back({lp[i], rows[i].size() - 1});
  return out;
}

Vector TransformerModel::log_prob(const Matrix& x) const { return padded_sequence_log_probs(*this, x); }

std::string TransformerModel::encode() const { return save_parameters(*net_); }

}  // namespace ouro::neural
