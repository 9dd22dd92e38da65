package polystore.analysis;

import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * The few analysis-common components the integ-test distribution lacks and polystore needs,
 * each backed by Lucene's own implementation: `edge_ngram` (init-scripts/elasticsearch),
 * and `uax_url_email` + `pattern_capture` + `unique` (the x-pack `.security` index's email analyzer).
 */
public class PolystoreAnalysisPlugin extends Plugin implements AnalysisPlugin {
  @Override
  public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
    return Map.of(
      "edge_ngram", (indexSettings, env, name, settings) -> new Factory(indexSettings, settings, name),
      "uax_url_email", (indexSettings, env, name, settings) -> TokenizerFactory.newFactory(name, () -> {
        UAX29URLEmailTokenizer t = new UAX29URLEmailTokenizer();
        t.setMaxTokenLength(settings.getAsInt("max_token_length", 255));
        return t;
      }));
  }

  @Override
  public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
    return Map.of(
      "pattern_capture", AnalysisPlugin.requiresAnalysisSettings((indexSettings, env, name, settings) -> {
        boolean preserve = settings.getAsBoolean("preserve_original", true);
        Pattern[] patterns = settings.getAsList("patterns").stream().map(Pattern::compile).toArray(Pattern[]::new);
        if (patterns.length == 0) throw new IllegalArgumentException("required setting 'patterns' is missing for token filter [" + name + "]");
        return filter(name, ts -> new PatternCaptureGroupTokenFilter(ts, preserve, patterns));
      }),
      "unique", (indexSettings, env, name, settings) -> {
        boolean samePosition = settings.getAsBoolean("only_on_same_position", false);
        return filter(name, ts -> samePosition ? new RemoveDuplicatesTokenFilter(ts) : new Unique(ts));
      });
  }

  private static TokenFilterFactory filter(String name, java.util.function.Function<TokenStream, TokenStream> f) {
    return new TokenFilterFactory() {
      @Override public String name() { return name; }
      @Override public TokenStream create(TokenStream ts) { return f.apply(ts); }
    };
  }

  /** Drops every token whose text was already seen in this stream. */
  static final class Unique extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final CharArraySet seen = new CharArraySet(8, false);
    Unique(TokenStream in) { super(in); }
    @Override public boolean incrementToken() throws java.io.IOException {
      while (input.incrementToken()) {
        char[] copy = java.util.Arrays.copyOf(term.buffer(), term.length());
        if (!seen.contains(copy, 0, copy.length)) { seen.add(copy); return true; }
      }
      return false;
    }
    @Override public void reset() throws java.io.IOException { super.reset(); seen.clear(); }
  }

  static final class Factory extends AbstractTokenizerFactory {
    private final int minGram;
    private final int maxGram;
    private final IntPredicate tokenChar;

    Factory(IndexSettings indexSettings, Settings settings, String name) {
      super(indexSettings, settings, name);
      this.minGram = settings.getAsInt("min_gram", EdgeNGramTokenizer.DEFAULT_MIN_GRAM_SIZE);
      this.maxGram = settings.getAsInt("max_gram", EdgeNGramTokenizer.DEFAULT_MAX_GRAM_SIZE);
      IntPredicate p = null;
      for (String c : settings.getAsList("token_chars")) {
        IntPredicate q = switch (c) {
          case "letter" -> Character::isLetter;
          case "digit" -> Character::isDigit;
          case "whitespace" -> Character::isWhitespace;
          case "punctuation" -> ch -> switch (Character.getType(ch)) {
            case Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.OTHER_PUNCTUATION, Character.CONNECTOR_PUNCTUATION,
                 Character.DASH_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION -> true;
            default -> false;
          };
          case "symbol" -> ch -> switch (Character.getType(ch)) {
            case Character.CURRENCY_SYMBOL, Character.MATH_SYMBOL, Character.OTHER_SYMBOL, Character.MODIFIER_SYMBOL -> true;
            default -> false;
          };
          default -> throw new IllegalArgumentException("Unknown token type: '" + c + "', must be one of [letter, digit, whitespace, punctuation, symbol]");
        };
        p = p == null ? q : p.or(q);
      }
      this.tokenChar = p;
    }

    @Override
    public Tokenizer create() {
      if (tokenChar == null) return new EdgeNGramTokenizer(minGram, maxGram);
      final IntPredicate t = tokenChar;
      return new EdgeNGramTokenizer(minGram, maxGram) {
        @Override
        protected boolean isTokenChar(int chr) {
          return t.test(chr);
        }
      };
    }
  }
}
