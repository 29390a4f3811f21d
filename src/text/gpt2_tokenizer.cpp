// GPT-2's byte-level BPE (see gpt2_tokenizer.hpp). The pre-tokeniser is GPT-2's regular expression
// written out as a scanner over code points: the pattern is fixed, so matching it by hand needs no
// regex engine with Unicode classes and lookahead (std::regex has neither), only the character
// categories, which come from ICU.
#include "ouro/text/gpt2_tokenizer.hpp"

#include <array>
#include <fstream>
#include <iterator>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unicode/uchar.h>

#include "ouro/core/error.hpp"
#include "ouro/text/utf8.hpp"

namespace ouro::text {
namespace {

constexpr std::string_view kEndOfText = "<|endoftext|>";
// Distinct pre-tokens whose merges are remembered; beyond this the cache starts afresh (a corpus's
// words follow Zipf's law, so the frequent ones are back in it at once).
constexpr std::size_t kCacheLimit = 1 << 17;

std::string encode_utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

// The code point of one character from utf8_characters(), or -1 for a lone invalid byte.
std::int32_t code_point(std::string_view c) {
  const auto b = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(c[k])); };
  switch (c.size()) {
    case 1: return b(0) < 0x80 ? static_cast<std::int32_t>(b(0)) : -1;
    case 2: return static_cast<std::int32_t>(((b(0) & 0x1F) << 6) | (b(1) & 0x3F));
    case 3: return static_cast<std::int32_t>(((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F));
    default:
      return static_cast<std::int32_t>(((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) |
                                       (b(3) & 0x3F));
  }
}

// GPT-2's bytes_to_unicode: printable bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves, the
// rest take U+0100 upwards in byte order, so no token holds a space or a control character.
struct ByteTable {
  std::array<std::string, 256> symbol;
  std::array<int, 0x144> byte;  // code point -> byte, -1 where none
  ByteTable() {
    byte.fill(-1);
    int next = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      const int cp = printable ? b : 256 + next++;
      symbol[static_cast<std::size_t>(b)] = encode_utf8(static_cast<char32_t>(cp));
      byte[static_cast<std::size_t>(cp)] = b;
    }
  }
};

const ByteTable& byte_table() {
  static const ByteTable table;
  return table;
}

enum class CharClass { kSpace, kLetter, kNumber, kOther };

CharClass classify(std::int32_t cp) {
  if (cp < 0) return CharClass::kOther;
  if (u_isUWhiteSpace(cp)) return CharClass::kSpace;
  switch (u_charType(cp)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      return CharClass::kLetter;
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
      return CharClass::kNumber;
    default:
      return CharClass::kOther;
  }
}

std::string read_file(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.good() && !std::filesystem::is_directory(path), IoError, "{}: cannot read the GPT-2 {}",
             path.string(), what);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

const std::string& gpt2_byte_symbol(unsigned char byte) { return byte_table().symbol[byte]; }

std::vector<std::string> gpt2_pretokenize(std::string_view text) {
  const std::vector<std::string> chars = utf8_characters(text);
  const std::size_t n = chars.size();
  std::vector<std::int32_t> cp(n);
  std::vector<CharClass> cls(n);
  for (std::size_t i = 0; i < n; ++i) {
    cp[i] = code_point(chars[i]);
    cls[i] = classify(cp[i]);
  }
  const auto run = [&](std::size_t from, CharClass c) {
    while (from < n && cls[from] == c) ++from;
    return from;
  };
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < n) {
    std::size_t end = i;
    const auto at = [&](std::size_t k) { return k < n ? cp[k] : -1; };
    if (cp[i] == '\'' && (at(i + 1) == 's' || at(i + 1) == 't' || at(i + 1) == 'm' || at(i + 1) == 'd')) {
      end = i + 2;  // 's 't 'm 'd
    } else if (cp[i] == '\'' && ((at(i + 1) == 'r' && at(i + 2) == 'e') || (at(i + 1) == 'v' && at(i + 2) == 'e') ||
                                 (at(i + 1) == 'l' && at(i + 2) == 'l'))) {
      end = i + 3;  // 're 've 'll
    } else {
      // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": an optional ASCII space, then a run of one class.
      const std::size_t start = (cp[i] == ' ' && i + 1 < n && cls[i + 1] != CharClass::kSpace) ? i + 1 : i;
      if (cls[start] != CharClass::kSpace) {
        end = run(start, cls[start]);
      } else {
        // "\s+(?!\S)" then "\s+": a whitespace run followed by more text leaves its last character to
        // start the next piece (" word"), unless the run is that one character.
        end = run(i, CharClass::kSpace);
        if (end < n && end - i >= 2) --end;
      }
    }
    std::string piece;
    for (std::size_t k = i; k < end; ++k) piece += chars[k];
    out.push_back(std::move(piece));
    i = end;
  }
  return out;
}

std::vector<std::string> read_gpt2_vocabulary(const std::filesystem::path& vocab_json) {
  const std::string name = vocab_json.string();
  const std::string text = read_file(vocab_json, "vocabulary (vocab.json)");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{}: not valid JSON: {}", name, e.what()));
  }
  OURO_CHECK(json.is_object(), DataError, "{}: a JSON {}, expected an object of token -> id", name, json.type_name());
  const std::size_t size = json.size();
  std::vector<std::string> tokens(size);
  std::vector<bool> filled(size, false);
  for (const auto& [token, id] : json.items()) {
    OURO_CHECK(id.is_number_integer(), DataError, "{}: token '{}' has id {}, expected an integer", name, token,
               id.dump());
    const std::int64_t k = id.get<std::int64_t>();
    OURO_CHECK(k >= 0 && static_cast<std::uint64_t>(k) < size, DataError,
               "{}: token '{}' has id {}, but {} tokens need ids 0..{}", name, token, k, size, size - 1);
    const auto slot = static_cast<std::size_t>(k);
    OURO_CHECK(!filled[slot], DataError, "{}: tokens '{}' and '{}' share id {}", name, tokens[slot], token, k);
    tokens[slot] = token;
    filled[slot] = true;
  }
  OURO_CHECK(size > 0, DataError, "{}: holds no tokens", name);
  return tokens;
}

std::vector<Gpt2Merge> read_gpt2_merges(const std::filesystem::path& merges_txt) {
  const std::string name = merges_txt.string();
  const std::string text = read_file(merges_txt, "merges (merges.txt)");
  std::vector<Gpt2Merge> merges;
  std::size_t line_no = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    at = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (line_no == 1 && line.starts_with("#version"))) continue;
    const std::size_t space = line.find(' ');
    const bool two = space != std::string_view::npos && space > 0 && space + 1 < line.size() &&
                     line.find(' ', space + 1) == std::string_view::npos;
    OURO_CHECK(two, DataError, "{}:{}: merge line '{}' is not two symbols separated by one space", name, line_no, line);
    merges.push_back({std::string(line.substr(0, space)), std::string(line.substr(space + 1)), line_no});
  }
  return merges;
}

struct Gpt2Tokenizer::Impl {
  std::vector<std::string> vocabulary;
  std::unordered_map<std::string, std::int32_t> ids;
  std::unordered_map<std::string, std::size_t> ranks;  // "left right" -> rank
  bool special_end_of_text = false;
  mutable std::mutex cache_mutex;
  mutable std::unordered_map<std::string, std::vector<std::string>> cache;

  // Byte-pair merges of one pre-token, as encoder.py's bpe(): repeatedly merge the adjacent pair of
  // lowest rank, every occurrence left to right.
  std::vector<std::string> merge(std::string_view piece) const {
    std::vector<std::string> word;
    for (const char c : piece) word.push_back(gpt2_byte_symbol(static_cast<unsigned char>(c)));
    std::string key;
    while (word.size() > 1) {
      std::size_t best = SIZE_MAX;
      for (std::size_t i = 0; i + 1 < word.size(); ++i) {
        key.assign(word[i]).append(" ").append(word[i + 1]);
        if (const auto it = ranks.find(key); it != ranks.end() && it->second < best) best = it->second;
      }
      if (best == SIZE_MAX) break;
      // The pair of rank `best` (ranks are distinct, so one pair of symbols).
      std::string left, right;
      for (std::size_t i = 0; i + 1 < word.size(); ++i) {
        key.assign(word[i]).append(" ").append(word[i + 1]);
        if (const auto it = ranks.find(key); it != ranks.end() && it->second == best) {
          left = word[i];
          right = word[i + 1];
          break;
        }
      }
      std::vector<std::string> next;
      next.reserve(word.size());
      for (std::size_t i = 0; i < word.size();) {
        if (i + 1 < word.size() && word[i] == left && word[i + 1] == right) {
          next.push_back(left + right);
          i += 2;
        } else {
          next.push_back(std::move(word[i]));
          ++i;
        }
      }
      word = std::move(next);
    }
    return word;
  }

  void encode_text(std::string_view text, std::vector<std::string>& out) const {
    for (const std::string& piece : gpt2_pretokenize(text)) {
      {
        const std::lock_guard lock(cache_mutex);
        if (const auto it = cache.find(piece); it != cache.end()) {
          out.insert(out.end(), it->second.begin(), it->second.end());
          continue;
        }
      }
      std::vector<std::string> merged = merge(piece);
      out.insert(out.end(), merged.begin(), merged.end());
      const std::lock_guard lock(cache_mutex);
      if (cache.size() >= kCacheLimit) cache.clear();
      cache.emplace(piece, std::move(merged));
    }
  }
};

Gpt2Tokenizer::Gpt2Tokenizer(std::vector<std::string> vocabulary, const std::vector<Gpt2Merge>& merges,
                             std::string_view merges_source)
    : impl_(std::make_unique<Impl>()) {
  impl_->vocabulary = std::move(vocabulary);
  for (std::size_t i = 0; i < impl_->vocabulary.size(); ++i)
    impl_->ids.emplace(impl_->vocabulary[i], static_cast<std::int32_t>(i));
  for (const Gpt2Merge& m : merges) {
    const std::string result = m.left + m.right;
    OURO_CHECK(impl_->ids.contains(result), DataError,
               "{}:{}: merge '{} {}' makes '{}', which the vocabulary does not hold", merges_source, m.line, m.left,
               m.right, result);
    impl_->ranks.emplace(m.left + " " + m.right, impl_->ranks.size());
  }
  impl_->special_end_of_text = impl_->ids.contains(std::string(kEndOfText));
}

Gpt2Tokenizer Gpt2Tokenizer::load(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt) {
  return Gpt2Tokenizer(read_gpt2_vocabulary(vocab_json), read_gpt2_merges(merges_txt), merges_txt.string());
}

Gpt2Tokenizer::Gpt2Tokenizer(Gpt2Tokenizer&&) noexcept = default;
Gpt2Tokenizer& Gpt2Tokenizer::operator=(Gpt2Tokenizer&&) noexcept = default;
Gpt2Tokenizer::~Gpt2Tokenizer() = default;

std::vector<std::string> Gpt2Tokenizer::tokenize(std::string_view document) const {
  std::vector<std::string> out;
  if (!impl_->special_end_of_text) {
    impl_->encode_text(document, out);
    return out;
  }
  // <|endoftext|> is a token of its own, never split or merged with its neighbours.
  std::size_t at = 0;
  while (true) {
    const std::size_t hit = document.find(kEndOfText, at);
    impl_->encode_text(document.substr(at, hit == std::string_view::npos ? std::string_view::npos : hit - at), out);
    if (hit == std::string_view::npos) break;
    out.emplace_back(kEndOfText);
    at = hit + kEndOfText.size();
  }
  return out;
}

std::string Gpt2Tokenizer::detokenize(const std::vector<std::string>& tokens) const {
  const auto& table = byte_table();
  std::string out;
  for (const std::string& token : tokens) {
    for (const std::string& c : utf8_characters(token)) {
      const std::int32_t cp = code_point(c);
      const int byte = (cp >= 0 && static_cast<std::size_t>(cp) < table.byte.size()) ? table.byte[static_cast<std::size_t>(cp)] : -1;
      if (byte >= 0) {
        out.push_back(static_cast<char>(byte));
      } else {
        out += c;
      }
    }
  }
  return out;
}

std::span<const std::string> Gpt2Tokenizer::fixed_vocabulary() const { return impl_->vocabulary; }

std::vector<std::int32_t> Gpt2Tokenizer::ids(const std::vector<std::string>& tokens) const {
  std::vector<std::int32_t> out;
  out.reserve(tokens.size());
  for (const std::string& token : tokens) {
    const auto it = impl_->ids.find(token);
    OURO_CHECK(it != impl_->ids.end(), DataError, "GPT-2 tokenizer: token '{}' is not in vocab.json", token);
    out.push_back(it->second);
  }
  return out;
}

std::vector<std::string> Gpt2Tokenizer::tokens(std::span<const std::int32_t> ids) const {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const std::int32_t id : ids) {
    OURO_CHECK(id >= 0 && static_cast<std::size_t>(id) < impl_->vocabulary.size(), DataError,
               "GPT-2 tokenizer: id {} is outside vocab.json's 0..{}", id, impl_->vocabulary.size() - 1);
    out.push_back(impl_->vocabulary[static_cast<std::size_t>(id)]);
  }
  return out;
}

std::size_t Gpt2Tokenizer::id_count() const { return impl_->vocabulary.size(); }

std::size_t Gpt2Tokenizer::merge_count() const { return impl_->ranks.size(); }

}  // namespace ouro::text
