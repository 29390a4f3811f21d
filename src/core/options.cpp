// The option table: every configuration key ouroboros understands, in documentation order.
//
// This is the single source of truth for config parsing, validation, `--set`, the resolved echo in
// run.json and docs/config.md (regenerate with `ouro options --markdown > docs/config.md`; a test
// fails when the file is stale). Cross-key rules (e.g. a Gaussian needs more points than dimensions)
// are checked where the settings are used, with Config::fail naming the key.
//
// The rows marked kRepeated belong to a repeated section ([[filter]]), listed in kRepeatedSections:
// they describe one element, and element i holds them under `filter.<i>.<name>` (see config.hpp).
// Repeated sections come last, so that the docs list them after the plain sections.
#include "ouro/core/config.hpp"

namespace ouro {
namespace {

using T = OptionType;
constexpr bool kRepeated = true;
constexpr bool kPath = true;  // a file or folder, relative to the config file (see Option::path)

constexpr Option kOptions[] = {
    // [run]
    {"run.generations", T::kInteger, "100", "Generations after generation 0 (generation 0 is fitted on the initial real data).", {}, "[0, inf)"},
    {"run.replicates", T::kInteger, "200", "Independent replicates of the whole loop; numbered from 0.", {}, "[1, inf)"},
    {"run.seed", T::kInteger, "1", "Master seed; results are a pure function of the config and this seed.", {}, "[0, inf)"},
    {"run.record_every", T::kInteger, "1", "Long runs: metrics.csv, theory.csv and composition.csv hold generations 0, k, 2k, ... and the last only (every generation is still run and measured, so the printed summary is unchanged).", {}, "[1, inf)"},
    {"run.gzip_metrics", T::kBoolean, "false", "Write metrics.csv gzipped, as metrics.csv.gz; every reader of a run folder (report, sweep.csv, merge, resume) takes either."},
    {"run.device", T::kString, "\"cpu\"", "neural families: where models train and sample. cuda needs a LibTorch built with CUDA (Debian's is CPU-only); results on cuda are reproducible per device, not equal to cpu's.", "cpu|cuda"},
    {"run.threads", T::kInteger, "0", "Worker threads; 0 uses every hardware thread. Never changes results.", {}, "[0, inf)"},

    // [truth]
    {"truth.kind", T::kString, "\"gaussian\"", "The real data distribution.", "gaussian|categorical|gmm|regression|file|corpus|mnist|fashion-mnist"},
    {"truth.mean", T::kRealList, "[0.0]", "gaussian truth: mean vector (its length is the dimension d)."},
    {"truth.cov", T::kRealMatrix, "[[1.0]]", "gaussian truth: d x d covariance (symmetric positive semi-definite)."},
    {"truth.probs", T::kRealList, "", "categorical truth: outcome probabilities (normalised if they do not sum to 1).", {}, "[0, inf)"},
    {"truth.zipf.outcomes", T::kInteger, "", "categorical truth: number of outcomes K of a Zipf law p_k ~ k^-s (instead of probs).", {}, "[1, inf)"},
    {"truth.zipf.exponent", T::kReal, "1.0", "categorical truth: Zipf exponent s.", {}, "[0, inf)"},
    {"truth.weights", T::kRealList, "", "gmm truth: component weights (normalised if they do not sum to 1).", {}, "[0, inf)"},
    {"truth.means", T::kRealMatrix, "", "gmm truth: component means, one row per component."},
    {"truth.covs", T::kRealMatrixList, "", "gmm truth: one d x d covariance per component."},
    {"truth.dim", T::kInteger, "10", "regression truth: input dimension d (x ~ N(0, I_d), w* ~ N(0, I_d)). gaussian truth: set alone, the truth is N(0, I_d). A file truth's dimension is its data columns (truth.columns).", {}, "[1, inf)"},
    {"truth.noise", T::kReal, "1.0", "regression truth: label noise variance sigma^2.", {}, "(0, inf)"},
    {"truth.path", T::kString, "", "file truth: a .npy (float32/float64 or integer, C order) or .csv file, one sample per row (docs/data.md). corpus truth: the wikitext-2 folder, or the text/JSONL file. mnist/fashion-mnist truth: the folder holding the four idx .gz files (train/t10k images and labels).", {}, {}, false, kPath},
    {"truth.columns", T::kNameOrIndexList, "", "file truth: the columns that are data, by header name or index counting from 0 ([\"eruptions\", \"waiting\"] or [1, 2]); unset reads every column."},
    {"truth.corpus", T::kString, "\"wikitext-2\"", "corpus truth: the layout of truth.path: wikitext-2 (train/valid/test.txt, sha256-verified), a UTF-8 text file or JSONL (last 10% of documents held out as test).", "wikitext-2|text|jsonl"},
    {"truth.field", T::kString, "\"text\"", "corpus truth, jsonl: the string field holding each document."},
    {"truth.documents", T::kString, "\"line\"", "corpus truth, text: one document per line or per blank-line separated paragraph.", "line|paragraph"},
    {"truth.tokenizer", T::kString, "\"word\"", "corpus truth: word (whitespace; keeps wikitext's <unk>), char (Unicode code points), bpe or unigram (a sentencepiece model of truth.vocab_size pieces trained on the training documents), sentencepiece (the model file truth.tokenizer_model), or gpt2 (GPT-2's byte-level BPE from truth.tokenizer_vocab and truth.tokenizer_merges; the vocabulary is vocab.json's, id = 3 + GPT-2's id).", "word|char|bpe|unigram|sentencepiece|gpt2"},
    {"truth.vocab_size", T::kInteger, "8000", "corpus truth, bpe/unigram: pieces in the sentencepiece model (every distinct training character is one; two are reserved). Keep it at most half the distinct words of the training text, or unseen test words turn into <unk> (a warning names the bound).", {}, "[4, inf)"},
    {"truth.tokenizer_model", T::kString, "", "corpus truth, tokenizer = sentencepiece: a trained sentencepiece .model file (its own normalisation applies).", {}, {}, false, kPath},
    {"truth.tokenizer_vocab", T::kString, "", "corpus truth, tokenizer = gpt2: GPT-2's vocab.json (token -> id); the corpus vocabulary holds all of it, in its id order, after the three reserved ids.", {}, {}, false, kPath},
    {"truth.tokenizer_merges", T::kString, "", "corpus truth, tokenizer = gpt2: GPT-2's merges.txt (one merge per line, in rank order).", {}, {}, false, kPath},
    {"truth.block_tokens", T::kInteger, "64", "corpus truth: tokens per sample; the training split is cut into consecutive blocks of this length (documents end with </s>).", {}, "[1, inf)"},
    {"truth.max_tokens", T::kInteger, "0", "corpus truth: use only the first this many training tokens (0: all); the vocabulary is built from them.", {}, "[0, inf)"},
    {"truth.verify", T::kBoolean, "true", "corpus truth: check the sha256 of the named corpus files. mnist/fashion-mnist truth: check the sha256 of each idx file's decompressed bytes."},
    {"truth.pool", T::kInteger, "0", "mnist/fashion-mnist truth: only the first this many training images form the real pool (0: all 60,000), for small runs.", {}, "[0, inf)"},

    // [model]
    {"model.family", T::kString, "\"gaussian\"", "The generative model family fitted every generation.", "gaussian|categorical|gmm|kde|linear-regression|ngram|vae|ddpm|wgan-gp|transformer"},
    {"model.init", T::kString, "\"scratch\"", "Where each generation's fit starts: from nothing (scratch), from the previous generation's model (previous), or from generation 0's model (initial), as fine-tuning loops do. Only families with warm starts (gmm and the neural families) take previous or initial.", "scratch|previous|initial"},
    {"model.estimator", T::kString, "\"mle\"", "gaussian: covariance estimator, MLE (divide by n) or unbiased (divide by n-1).", "mle|unbiased"},
    {"model.smoothing", T::kReal, "0.0", "categorical: additive (Lidstone) smoothing pseudo-count per outcome.", {}, "[0, inf)"},
    {"model.components", T::kInteger, "2", "gmm: number of mixture components k.", {}, "[1, inf)"},
    {"model.tol", T::kReal, "1e-6", "gmm: EM stops when the mean log-likelihood improves by less than this.", {}, "(0, inf)"},
    {"model.max_iter", T::kInteger, "200", "gmm: EM iteration cap.", {}, "[1, inf)"},
    {"model.cov_floor", T::kReal, "1e-6", "gmm: added to every component covariance diagonal, keeping it positive definite.", {}, "[0, inf)"},
    {"model.bandwidth", T::kRealOrString, "\"scott\"", "kde: kernel standard deviation h (a number) or a rule scaling the data covariance (scott, silverman).", "scott|silverman", "(0, inf)"},
    {"model.design", T::kString, "\"fixed\"", "linear-regression: synthetic labels on the training design (fixed) or on fresh x ~ N(0, I) (fresh).", "fixed|fresh"},
    {"model.capacity", T::kInteger, "64", "vae, wgan-gp, ddpm's latent autoencoder: channels of the first convolution (the second has twice as many), as Shumailov et al.'s VAE.", {}, "[1, inf)"},
    {"model.latent", T::kInteger, "20", "vae, wgan-gp, ddpm's latent autoencoder: latent dimensions.", {}, "[1, inf)"},
    {"model.features", T::kInteger, "32", "ddpm: channels of the UNet's first level (the second has twice as many); in latent space the denoiser MLP is 8 x features wide.", {}, "[2, inf)"},
    {"model.space", T::kString, "\"pixel\"", "ddpm: diffuse the pixels (a UNet) or the latent means of an autoencoder (the vae's network, model.capacity and model.latent) trained on generation 0's data and then frozen (an MLP denoiser; cheap enough for CPU runs).", "pixel|latent"},
    {"model.autoencoder_epochs", T::kInteger, "10", "ddpm, latent space: epochs of the autoencoder's training on generation 0's data.", {}, "[1, inf)"},
    {"model.steps", T::kInteger, "1000", "ddpm: diffusion steps T of training (the linear schedule, scaled by 1000/T).", {}, "[2, inf)"},
    {"model.sampling_steps", T::kInteger, "50", "ddpm: steps of the respaced sampling chain, evenly spaced over the T training steps.", {}, "[1, inf)"},
    {"model.condition_dropout", T::kReal, "0.1", "ddpm: probability that a training image's label is replaced by no condition (classifier-free guidance needs both).", {}, "[0, 1]"},
    {"model.critic_steps", T::kInteger, "5", "wgan-gp: critic updates per generator update.", {}, "[1, inf)"},
    {"model.gradient_penalty", T::kReal, "10.0", "wgan-gp: weight of the gradient penalty (||grad D|| - 1)^2 in the critic's loss.", {}, "[0, inf)"},
    {"model.epochs", T::kInteger, "10", "neural families: passes over the training set when a fit starts from scratch (always generation 0).", {}, "[1, inf)"},
    {"model.finetune_epochs", T::kInteger, "0", "neural families: passes over the training set when a fit continues an earlier model (model.init = previous or initial); 0: model.epochs.", {}, "[0, inf)"},
    {"model.batch", T::kInteger, "128", "neural families: minibatch size of the optimiser.", {}, "[1, inf)"},
    {"model.lr", T::kReal, "1e-3", "neural families: Adam learning rate (AdamW for transformer, the peak of its schedule).", {}, "(0, inf)"},
    {"model.weight_decay", T::kReal, "1e-5", "neural families: Adam weight decay (L2 penalty, as torch.optim.Adam applies it; decoupled, as torch.optim.AdamW, for transformer).", {}, "[0, inf)"},
    {"model.order", T::kInteger, "3", "ngram: order n of the interpolated modified Kneser-Ney model.", {}, "[2, 6]"},
    {"model.generation", T::kString, "\"prompted\"", "ngram, transformer: synthetic samples continue the first prompt_tokens of each training block (prompted, Shumailov et al.) or start at <s> (unconditional).", "prompted|unconditional"},
    {"model.prompt_tokens", T::kInteger, "64", "ngram, transformer, prompted: tokens of each training block given as the prompt (capped at the block length).", {}, "[1, inf)"},
    {"model.top_k", T::kInteger, "0", "ngram, transformer: sample among the k most probable tokens only (0: all); applied after the temperature loop.bias.", {}, "[0, inf)"},
    {"model.top_p", T::kReal, "1.0", "ngram, transformer: nucleus sampling, keep the most probable tokens holding this share of the mass.", {}, "(0, 1]"},
    {"model.layers", T::kInteger, "2", "transformer: blocks (attention + MLP), as GPT-2's n_layer.", {}, "[1, inf)"},
    {"model.heads", T::kInteger, "4", "transformer: attention heads per block (model.width must be a multiple).", {}, "[1, inf)"},
    {"model.width", T::kInteger, "128", "transformer: embedding width (GPT-2's n_embd); the MLP is 4 x width wide.", {}, "[1, inf)"},
    {"model.context", T::kInteger, "0", "transformer: positions the model attends over (GPT-2's n_positions); 0: just enough for a block after <s> and, when prompted, its prompt before it.", {}, "[0, inf)"},
    {"model.dropout", T::kReal, "0.1", "transformer: dropout on the embeddings, attention weights and residual branches during training.", {}, "[0, 1)"},
    {"model.warmup", T::kReal, "0.05", "transformer: share of a fit's optimiser steps over which the learning rate rises linearly to model.lr; a cosine decay to 0 follows.", {}, "[0, 1]"},
    {"model.train_steps", T::kInteger, "0", "transformer: optimiser steps (minibatches) of a fit from scratch, instead of model.epochs passes; the data is reshuffled at every pass and the last pass may be partial (0: model.epochs).", {}, "[0, inf)"},
    {"model.finetune_steps", T::kInteger, "0", "transformer: optimiser steps of a fit that continues an earlier model (model.init = previous or initial), instead of model.finetune_epochs passes (0: model.finetune_epochs).", {}, "[0, inf)"},
    {"model.clip", T::kReal, "1.0", "transformer: gradients are clipped to this norm (0: no clipping).", {}, "[0, inf)"},
    {"model.select", T::kString, "\"last\"", "transformer: keep the weights of a fit's last epoch, or of its epoch with the lowest perplexity on the corpus's original validation split (real-valid, as Shumailov et al.'s code does; it reads real data in every generation, and needs truth.corpus = wikitext-2).", "last|real-valid"},
    {"model.checkpoint", T::kString, "", "transformer: GPT-2 weights (.safetensors, Hugging Face's GPT-2 layout) that every fit without a starting model fine-tunes instead of a random initialisation; layers, width and context come from the file, model.heads must be set (GPT-2 small: 12), and the corpus must use truth.tokenizer = \"gpt2\" with the checkpoint's vocab.json and merges.txt.", {}, {}, false, kPath},
    {"model.beams", T::kInteger, "1", "transformer: 1 samples each token through the sampler chain; more decodes each continuation by beam search with this many beams (Shumailov et al.: 5), deterministically.", {}, "[1, inf)"},
    {"model.repetition_penalty", T::kReal, "1.0", "transformer: logits of tokens already in the prompt or the continuation are divided by this when positive and multiplied when negative (Shumailov et al.: 3.0 with beam search).", {}, "(0, inf)"},

    // [loop]
    {"loop.initial", T::kInteger, "100", "Real samples that generation 0 is fitted on (the original pool).", {}, "[1, inf)"},
    {"loop.synthetic", T::kInteger, "100", "Samples drawn from each generation's model.", {}, "[1, inf)"},
    {"loop.real", T::kString, "\"none\"", "Real data in later training sets: none, the same original points (fixed), points resampled from the original pool (resample), or new draws from the truth (fresh).", "none|fixed|resample|fresh"},
    {"loop.real_samples", T::kInteger, "0", "Real samples added to each training set after generation 0.", {}, "[0, inf)"},
    {"loop.keep", T::kString, "\"replace\"", "Which synthetic sets a training set holds: the newest (replace), all, with the initial data (accumulate), a fixed-size subsample of all (accumulate-subsample), or the last `window` sets (window).", "replace|accumulate|accumulate-subsample|window"},
    {"loop.accumulate_fresh", T::kBoolean, "true", "accumulate with fresh real data: every generation's fresh draws stay in later training sets, as all data does (true), or only the current generation's loop.real_samples draws join each training set (false)."},
    {"loop.window", T::kInteger, "2", "window: how many of the most recent data sets (the initial data counting as the first) a training set holds.", {}, "[1, inf)"},
    {"loop.train_size", T::kInteger, "0", "accumulate-subsample: training-set size drawn from the pool; 0 means loop.initial.", {}, "[0, inf)"},
    {"loop.bias", T::kReal, "1.0", "Sampling bias lambda: 1 samples the model as fitted, < 1 trades diversity for quality.", {}, "(0, 1]"},

    // [metrics]
    {"metrics.test_samples", T::kInteger, "1000", "Held-out real samples for the metrics that need them.", {}, "[1, inf)"},
    {"metrics.names", T::kStringList, "[]", "Metrics to record; empty means every metric that applies to the family."},
    {"metrics.text_samples", T::kInteger, "5", "Text runs: synthetic samples per generation and replicate saved as text to samples.jsonl (0 = none).", {}, "[0, inf)"},
    {"metrics.image_samples", T::kInteger, "64", "Image runs: the first this many synthetic samples of each generation saved as a PNG grid, 8 to a row (samples/gen-G-rep-R.png), shown in report.html (0 = none).", {}, "[0, 1024]"},
    {"metrics.image_replicates", T::kInteger, "1", "Image runs: how many replicates (the lowest-numbered) get sample grids.", {}, "[0, 100]"},
    {"metrics.floors", T::kString, "\"images\"", "Record each sample metric's real-versus-real floor beside it as <metric>_floor (the metric between the held-out test set and an independent real set of the synthetic sample size): for image truths (images), every truth (all) or none.", "images|all|none"},
    {"metrics.k", T::kInteger, "5", "precision/recall/density/coverage: the k of the k-nearest-neighbour radii.", {}, "[1, inf)"},
    {"metrics.kid_subsets", T::kInteger, "100", "kid: number of random subsets the unbiased MMD^2 is averaged over.", {}, "[1, inf)"},
    {"metrics.kid_subset_size", T::kInteger, "1000", "kid: samples per subset (capped at the smaller set's size).", {}, "[2, inf)"},
    {"metrics.latent_samples", T::kInteger, "1000", "latent_std: synthetic samples per generation encoded by generation 0's encoder (the first this many).", {}, "[2, inf)"},
    {"metrics.projections", T::kInteger, "128", "sliced_w2: number of random directions.", {}, "[1, inf)"},
    {"metrics.features", T::kString, "", "Image samples: the feature network (a LeNet weights .npy, docs/metrics-distribution.md) whose features the distribution metrics compare and whose labels the classifier metrics count; empty: the one trained for the truth (models/lenet-<truth>.npy).", {}, {}, false, kPath},
    {"metrics.class_share", T::kReal, "0.01", "class_coverage: share of the samples' classifier labels a class needs to count as covered (0.01: a tenth of a balanced class's share).", {}, "(0, 1]"},

    {"metrics.detector", T::kString, "", "corpus truths: a detector file (`ouro detector train`); adds the metrics synthetic_share and contamination (with contamination_low/high), the detector's estimate of each training set's synthetic share (docs/hygiene.md#contamination-in-the-loop).", {}, {}, false, kPath},
    {"metrics.detector_flag_above", T::kReal, "0.5", "contamination: a document counts as flagged when the detector gives P(synthetic) > this.", {}, "(0, 1)"},

    // [watermark]
    {"watermark.scheme", T::kString, "\"none\"", "ngram, transformer: watermark every synthetic sample with the KGW watermark (docs/hygiene.md#watermark), compatible with jwkirchenbauer/lm-watermarking: none, simple_1 or selfhash. Adds the metrics watermark_z and watermark_flagged.", "none|simple_1|selfhash"},
    {"watermark.gamma", T::kReal, "0.25", "Green share of the vocabulary.", {}, "(0, 1)"},
    {"watermark.delta", T::kReal, "2.0", "Logit bias of green tokens when sampling.", {}, "[0, inf)"},
    {"watermark.key", T::kInteger, "15485863", "The hash key (the reference's default).", {}, "[0, inf)"},
    {"watermark.z_threshold", T::kReal, "4.0", "A sample counts as detected when its z > this (watermark_flagged).", {}, {}},
    {"watermark.count_repeats", T::kBoolean, "false", "Detection scores every occurrence of an n-gram (default: each distinct n-gram once)."},

    // [provenance]
    {"provenance.ledger", T::kBoolean, "false", "Write the run's provenance ledger, provenance.sqlite in the output folder (docs/provenance.md#a-runs-ledger): one row per sample of every training set (its origin, the generation that produced it, its id), every candidate the filters judged (verdicts, the screens' scores) and every generation's model settings; resumed with the run."},

    // [[filter]]
    {"filter.kind", T::kString, "", "What the filter does: curate (chooses each kept sample among `candidates` draws by reward), threshold (keeps samples with r(x) >= min_reward), dedup (drops repeated samples); the screens, which drop what they flag without drawing replacements (docs/filters.md#screens): watermark (samples whose watermark z exceeds watermark.z_threshold) and detector (samples a detector file gives P(synthetic) > flag_above). Required in every [[filter]] table.", "curate|threshold|dedup|watermark|detector", {}, kRepeated},
    {"filter.candidates", T::kInteger, "2", "curate: K, the candidates drawn per kept sample.", {}, "[2, inf)", kRepeated},
    {"filter.reward", T::kRealList, "", "categorical models: the reward r(x) of each outcome, one per outcome.", {}, {}, kRepeated},
    {"filter.reward.linear", T::kRealList, "", "vector models: the weights w of the linear reward r(x) = w.x + offset, one per dimension.", {}, {}, kRepeated},
    {"filter.reward.offset", T::kReal, "0.0", "vector models, linear reward: the offset b of r(x) = w.x + b.", {}, {}, kRepeated},
    {"filter.reward.center", T::kRealList, "", "vector models: the centre c of the reward r(x) = -||x - c||^2 / scale, one value per dimension.", {}, {}, kRepeated},
    {"filter.reward.scale", T::kReal, "1.0", "vector models, centred reward: the scale s of r(x) = -||x - c||^2 / s.", {}, "(0, inf)", kRepeated},
    {"filter.min_reward", T::kReal, "", "threshold: keep the samples with r(x) >= min_reward.", {}, {}, kRepeated},
    {"filter.detector", T::kString, "", "detector: the detector file (`ouro detector train`) that judges each sample's text.", {}, {}, kRepeated, kPath},
    {"filter.flag_above", T::kReal, "0.5", "detector: a sample is flagged when its P(synthetic) > this.", {}, "(0, 1)", kRepeated},
    {"filter.miss_rate", T::kReal, "0.0", "watermark, detector: a flagged sample passes anyway with this probability (a deliberately weakened screen: its true-positive rate times 1 - miss_rate).", {}, "[0, 1]", kRepeated},
    {"filter.max_draws", T::kReal, "100", "Candidates are drawn at most this multiple of the number of samples needed.", {}, "[1, inf)", kRepeated},
};

constexpr RepeatedSection kRepeatedSections[] = {
    {"filter", "kind",
     "An array of tables: each [[filter]] table is one filter on the synthetic samples of every generation, and "
     "the filters are applied in the order the file lists them."},
};

}  // namespace

std::span<const Option> option_table() { return kOptions; }

std::span<const RepeatedSection> repeated_sections() { return kRepeatedSections; }

}  // namespace ouro
