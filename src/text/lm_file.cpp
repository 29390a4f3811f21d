// ARPA and binary n-gram model files (see lm_file.hpp).
#include "ouro/text/lm_file.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/text/tokenizer.hpp"

namespace ouro::text {
namespace {

static_assert(std::endian::native == std::endian::little, "the binary model layout is little-endian");

constexpr std::string_view kMagic = "OUROLM01";
constexpr double kMissingUnkLog10 = -100.0;  // KenLM's probability for a model without <unk>
constexpr double kNeverLog10 = -99.0;        // ARPA's "never predicted" (<s>)

// The file's bytes, read in one call (a model file is tens to hundreds of megabytes).
std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  OURO_CHECK(in, IoError, "cannot read the language model '{}'", path.string());
  std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  OURO_CHECK(in.gcount() == static_cast<std::streamsize>(bytes.size()), IoError, "reading '{}' failed", path.string());
  return bytes;
}

// ---- ARPA reading -------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The lines of a file read whole, with their numbers.
class LineReader {
 public:
  explicit LineReader(const std::filesystem::path& path) : path_(path), text_(read_whole_file(path)) {}
  // The next line (without its end), false at the end of the file.
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const std::size_t end = std::min(text_.find('\n', pos_), text_.size());
    line = std::string_view(text_).substr(pos_, end - pos_);
    pos_ = end + 1;
    ++number_;
    return true;
  }
  // The next line that is not blank, false at the end of the file.
  bool next_nonblank(std::string_view& line) {
    while (next(line))
      if (!trim(line).empty()) return true;
    return false;
  }
  std::string where() const { return fmt::format("{}:{}", path_.string(), number_); }

 private:
  std::filesystem::path path_;
  std::string text_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
};

double parse_log10(std::string_view field, const LineReader& lines, std::string_view what) {
  double value = 0.0;
  const char* first = field.data();
  const char* last = field.data() + field.size();
  if (!field.empty() && field.front() == '+') ++first;
  const auto [end, ec] = std::from_chars(first, last, value);
  OURO_CHECK(ec == std::errc() && end == last && !std::isnan(value) && value <= 0.0, DataError,
             "{}: the {} '{}' is not a log10 probability (a number at most 0)", lines.where(), what, field);
  return value;
}

std::size_t parse_count(std::string_view field, const LineReader& lines) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  OURO_CHECK(ec == std::errc() && end == field.data() + field.size(), DataError,
             "{}: '{}' is not an n-gram count", lines.where(), field);
  return value;
}

double from_log10(double value) { return value == -std::numeric_limits<double>::infinity() ? 0.0 : std::pow(10.0, value); }

// The `\data\` header: counts per order.
std::vector<std::size_t> read_header(LineReader& lines) {
  std::string_view line;
  bool found = false;
  while (lines.next(line))
    if (trim(line) == "\\data\\") {
      found = true;
      break;
    }
  OURO_CHECK(found, DataError, "{}: no \\data\\ header; this is not an ARPA file", lines.where());
  std::vector<std::size_t> counts;
  while (lines.next(line)) {
    line = trim(line);
    if (line.empty()) {
      if (counts.empty()) continue;
      break;
    }
    OURO_CHECK(line.starts_with("ngram "), DataError, "{}: expected 'ngram N=COUNT' in the \\data\\ header, found '{}'",
               lines.where(), line);
    const std::string_view body = trim(line.substr(6));
    const std::size_t eq = body.find('=');
    OURO_CHECK(eq != std::string_view::npos, DataError, "{}: expected 'ngram N=COUNT', found '{}'", lines.where(), line);
    const std::size_t n = parse_count(trim(body.substr(0, eq)), lines);
    OURO_CHECK(n == counts.size() + 1, DataError, "{}: the header lists order {} where order {} was expected",
               lines.where(), n, counts.size() + 1);
    counts.push_back(parse_count(trim(body.substr(eq + 1)), lines));
  }
  OURO_CHECK(counts.size() >= static_cast<std::size_t>(kMinOrder) && counts.size() <= static_cast<std::size_t>(kMaxOrder),
             DataError, "{}: the header gives a model of order {}; orders {} to {} are supported", lines.where(),
             counts.size(), kMinOrder, kMaxOrder);
  return counts;
}

// Moves to the `\N-grams:` line of order n.
void expect_section(LineReader& lines, std::size_t n) {
  std::string_view line;
  const std::string header = fmt::format("\\{}-grams:", n);
  OURO_CHECK(lines.next_nonblank(line), DataError, "{}: the file ends before its {} section", lines.where(), header);
  OURO_CHECK(trim(line) == header, DataError, "{}: expected the {} section, found '{}'{}", lines.where(), header,
             trim(line), trim(line).starts_with("\\") ? "" : " (more n-grams than the header counts?)");
}

struct Listed {
  std::vector<TokenId> words;
  double log_prob;
  double log_backoff;
};

// The `count` lines of order n's section.
template <typename Visit>
void read_section(LineReader& lines, std::size_t n, std::size_t count, Visit&& visit) {
  std::string_view line;
  std::vector<std::string_view> fields;
  for (std::size_t i = 0; i < count; ++i) {
    OURO_CHECK(lines.next(line), DataError, "{}: the file ends after {} of the {} {}-grams the header counts",
               lines.where(), i, count, n);
    split_words(line, fields);
    OURO_CHECK(!fields.empty() && !fields[0].starts_with("\\"), DataError,
               "{}: the {}-gram section ends after {} entries; the header counts {}", lines.where(), n, i, count);
    OURO_CHECK(fields.size() == n + 1 || fields.size() == n + 2, DataError,
               "{}: a {}-gram line holds a log10 probability, {} words and an optional back-off; this one has {} "
               "fields",
               lines.where(), n, n, fields.size());
    const double log_prob = parse_log10(fields[0], lines, "probability");
    const double log_backoff =
        fields.size() == n + 2 ? [&] {
          double b = 0.0;
          const auto [end, ec] = std::from_chars(fields[n + 1].data(), fields[n + 1].data() + fields[n + 1].size(), b);
          OURO_CHECK(ec == std::errc() && end == fields[n + 1].data() + fields[n + 1].size() && std::isfinite(b),
                     DataError, "{}: the back-off '{}' is not a number", lines.where(), fields[n + 1]);
          return b;
        }()
                               : 0.0;
    visit(std::span<const std::string_view>(fields.data() + 1, n), log_prob, log_backoff);
  }
}

// ---- binary -------------------------------------------------------------------------------

class BinaryWriter {
 public:
  explicit BinaryWriter(std::ostream& out) : out_(out) {}
  void bytes(const void* data, std::size_t size) {
    out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    check_.add(data, size);
  }
  template <typename T>
  void value(T v) { bytes(&v, sizeof v); }
  std::uint64_t check() const { return check_.word(); }

 private:
  std::ostream& out_;
  CheckWordStream check_;
};

// Reads the binary form straight into its final buffers, check-wording the bytes on the way; the
// trailing check word is compared before anything read is decoded (finish()).
class BinaryReader {
 public:
  explicit BinaryReader(const std::filesystem::path& path) : in_(path, std::ios::binary | std::ios::ate), where_(path.string()) {
    OURO_CHECK(in_, IoError, "cannot read the language model '{}'", where_);
    const auto size = static_cast<std::size_t>(in_.tellg());
    in_.seekg(0);
    OURO_CHECK(size >= kMagic.size() + 8, DataError, "{}: not a binary language model (too short)", where_);
    left_ = size - 8;
  }
  void read(void* data, std::size_t size) {
    OURO_CHECK(size <= left_, DataError, "{}: the file ends inside its data; it is truncated or damaged", where_);
    in_.read(static_cast<char*>(data), static_cast<std::streamsize>(size));
    OURO_CHECK(in_.gcount() == static_cast<std::streamsize>(size), IoError, "reading '{}' failed", where_);
    check_.add(data, size);
    left_ -= size;
  }
  template <typename T>
  T value() {
    T v;
    read(&v, sizeof v);
    return v;
  }
  std::size_t left() const { return left_; }
  // DataError unless every byte was read and the trailing check word matches them.
  void finish() {
    OURO_CHECK(left_ == 0, DataError, "{}: {} bytes follow the tables", where_, left_);
    std::uint64_t stored = 0;
    in_.read(reinterpret_cast<char*>(&stored), sizeof stored);
    OURO_CHECK(stored == check_.word(), DataError,
               "{}: the check word does not match its contents; the file is damaged or truncated", where_);
  }

 private:
  std::ifstream in_;
  std::string where_;
  std::size_t left_ = 0;
  CheckWordStream check_;
};

}  // namespace

void write_arpa(const KneserNey& model, const Vocabulary& vocabulary, std::ostream& out) {
  OURO_CHECK(vocabulary.size() == model.vocab_size(), DataError,
             "the vocabulary has {} words; the model was trained over {}", vocabulary.size(), model.vocab_size());
  fmt::memory_buffer buffer;
  const auto flush = [&](bool force) {
    if (!force && buffer.size() < (1u << 20)) return;
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    buffer.clear();
  };
  fmt::format_to(std::back_inserter(buffer), "\\data\\\n");
  for (int n = 1; n <= model.order(); ++n)
    fmt::format_to(std::back_inserter(buffer), "ngram {}={}\n", n, n == 1 ? model.vocab_size() : model.ngrams(n));
  int section = 0;
  model.for_each_ngram([&](int n, std::span<const TokenId> words, double prob, double backoff) {
    if (n != section) {
      fmt::format_to(std::back_inserter(buffer), "\n\\{}-grams:\n", n);
      section = n;
    }
    if (prob > 0.0)
      fmt::format_to(std::back_inserter(buffer), "{:.12g}", std::log10(prob));
    else
      fmt::format_to(std::back_inserter(buffer), "{}", kNeverLog10);
    for (std::size_t i = 0; i < words.size(); ++i)
      fmt::format_to(std::back_inserter(buffer), "{}{}", i == 0 ? '\t' : ' ', vocabulary.token(words[i]));
    if (backoff != 1.0) fmt::format_to(std::back_inserter(buffer), "\t{:.12g}", std::log10(backoff));
    buffer.push_back('\n');
    flush(false);
  });
  fmt::format_to(std::back_inserter(buffer), "\n\\end\\\n");
  flush(true);
  OURO_CHECK(out.good(), IoError, "writing the ARPA file failed");
}

WordModel read_arpa(const std::filesystem::path& path) {
  LineReader lines(path);
  const std::vector<std::size_t> header = read_header(lines);

  WordModel out;
  std::vector<Listed> unigrams;
  expect_section(lines, 1);
  read_section(lines, 1, header[0], [&](std::span<const std::string_view> words, double lp, double lb) {
    const std::size_t before = out.vocabulary.size();
    const TokenId id = out.vocabulary.add(words[0]);
    const bool reserved = id <= kBos;
    OURO_CHECK(out.vocabulary.size() > before ||
                   (reserved && std::none_of(unigrams.begin(), unigrams.end(), [&](const Listed& l) { return l.words[0] == id; })),
               DataError, "{}: the unigram '{}' is listed twice", lines.where(), words[0]);
    unigrams.push_back({{id}, lp, lb});
  });
  const auto listed = [&](TokenId id) {
    return std::any_of(unigrams.begin(), unigrams.end(), [&](const Listed& l) { return l.words[0] == id; });
  };
  OURO_CHECK(listed(kEos) && listed(kBos), DataError, "{}: the unigrams must list </s> and <s>", path.string());
  if (!listed(kUnk)) unigrams.push_back({{kUnk}, kMissingUnkLog10, 0.0});

  std::vector<std::size_t> counts = header;
  counts[0] = out.vocabulary.size();
  BackoffModelBuilder builder(counts);
  for (const Listed& u : unigrams) builder.add(u.words, from_log10(u.log_prob), std::pow(10.0, u.log_backoff));

  std::vector<TokenId> ids;
  for (std::size_t n = 2; n <= header.size(); ++n) {
    expect_section(lines, n);
    read_section(lines, n, header[n - 1], [&](std::span<const std::string_view> words, double lp, double lb) {
      ids.clear();
      for (std::string_view w : words) {
        OURO_CHECK(out.vocabulary.contains(w), DataError, "{}: the word '{}' is not among the unigrams", lines.where(), w);
        ids.push_back(out.vocabulary.id(w));
      }
      try {
        builder.add(ids, from_log10(lp), std::pow(10.0, lb));
      } catch (const DataError& e) {
        throw DataError(fmt::format("{}: {}", lines.where(), e.what()));
      }
    });
  }
  std::string_view line;
  OURO_CHECK(lines.next_nonblank(line), DataError, "{}: the file ends without \\end\\", lines.where());
  OURO_CHECK(trim(line) == "\\end\\", DataError, "{}: expected \\end\\, found '{}'{}", lines.where(), trim(line),
             trim(line).starts_with("\\") ? "" : " (more n-grams than the header counts?)");
  out.model = builder.finish();
  return out;
}

void write_binary_lm(const WordModel& model, const std::filesystem::path& path) {
  const BackoffModel& m = model.model;
  OURO_CHECK(model.vocabulary.size() == m.vocab_size(), DataError,
             "the vocabulary has {} words; the model has {} unigrams", model.vocabulary.size(), m.vocab_size());
  AtomicFile file(path);
  BinaryWriter out(file.stream());
  out.bytes(kMagic.data(), kMagic.size());
  out.value<std::uint32_t>(static_cast<std::uint32_t>(m.order()));
  for (int n = 1; n <= m.order(); ++n) out.value<std::uint64_t>(m.ngrams(n));
  for (TokenId id = kBos + 1; id < model.vocabulary.size(); ++id) {
    const std::string& token = model.vocabulary.token(id);
    out.value<std::uint32_t>(static_cast<std::uint32_t>(token.size()));
    out.bytes(token.data(), token.size());
  }
  out.bytes(m.unigrams().data(), m.unigrams().size() * sizeof(BackoffModel::Entry));
  for (int n = 2; n <= m.order(); ++n) out.bytes(m.table(n).data(), m.table(n).size() * sizeof(BackoffModel::Entry));
  const std::uint64_t check = out.check();
  file.stream().write(reinterpret_cast<const char*>(&check), sizeof check);
  file.commit();
}

WordModel read_binary_lm(const std::filesystem::path& path) {
  BinaryReader r(path);
  std::string magic(kMagic.size(), '\0');
  r.read(magic.data(), magic.size());
  OURO_CHECK(magic == kMagic, DataError, "{}: not a binary language model of this version (expected it to start with {})",
             path.string(), kMagic);
  const auto order = r.value<std::uint32_t>();
  OURO_CHECK(order >= static_cast<std::uint32_t>(kMinOrder) && order <= static_cast<std::uint32_t>(kMaxOrder), DataError,
             "{}: order {} is not supported", path.string(), order);
  std::vector<std::size_t> counts(order);
  for (auto& c : counts) c = r.value<std::uint64_t>();
  OURO_CHECK(counts[0] > kBos, DataError, "{}: {} unigrams cannot hold <unk>, </s> and <s>", path.string(), counts[0]);
  OURO_CHECK(counts[0] <= r.left(), DataError, "{}: the file ends inside its vocabulary of {} words; it is truncated or damaged",
             path.string(), counts[0]);
  std::vector<std::string> tokens(counts[0] - (kBos + 1));
  for (auto& token : tokens) {
    const auto size = r.value<std::uint32_t>();
    OURO_CHECK(size <= r.left(), DataError, "{}: the file ends inside its vocabulary", path.string());
    token.resize(size);
    r.read(token.data(), size);
  }
  const auto entries = [&]<typename Vector>(Vector& e, std::size_t n) {
    OURO_CHECK(n <= r.left() / sizeof(BackoffModel::Entry), DataError, "{}: the file ends inside its tables",
               path.string());
    e.resize(n);
    r.read(e.data(), n * sizeof(BackoffModel::Entry));
  };
  std::vector<BackoffModel::Entry> unigrams;
  entries(unigrams, counts[0]);
  std::vector<BackoffModel::Table> tables(order - 1);
  for (std::size_t n = 2; n <= order; ++n) entries(tables[n - 2], backoff_table_slots(counts[n - 1]));
  r.finish();
  WordModel out;
  try {
    out.vocabulary = Vocabulary::from_list(tokens);
    out.model = BackoffModel::from_layout(std::move(unigrams), std::move(tables), counts);
  } catch (const DataError& e) {
    throw DataError(fmt::format("{}: {}", path.string(), e.what()));
  }
  return out;
}

WordModel read_lm(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in, IoError, "cannot read the language model '{}'", path.string());
  char head[8] = {};
  in.read(head, sizeof head);
  if (in.gcount() == sizeof head && std::string_view(head, sizeof head) == kMagic) return read_binary_lm(path);
  return read_arpa(path);
}

}  // namespace ouro::text
