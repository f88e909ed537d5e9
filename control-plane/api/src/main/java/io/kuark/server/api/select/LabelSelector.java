package io.kuark.server.api.select;

import io.kuark.server.api.http.Statuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed label selector in upstream's string syntax: {@code k=v}, {@code k==v}, {@code k!=v},
 * {@code k in (a,b)}, {@code k notin (a,b)}, {@code k} (exists) and {@code !k} (does not exist),
 * comma-separated and all required. Immutable.
 */
public final class LabelSelector {

  /** Matches everything. */
  public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  enum Op {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST
  }

  record Requirement(String key, Op op, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      switch (op) {
        case EQUALS:
        case IN:
          return value != null && values.contains(value);
        case NOT_EQUALS:
        case NOT_IN:
          return value == null || !values.contains(value);
        case EXISTS:
          return value != null;
        case DOES_NOT_EXIST:
          return value == null;
        default:
          return false;
      }
    }
  }

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /** Parses {@code text}; null or blank selects everything; bad syntax is a 400 BadRequest. */
  public static LabelSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> out = new ArrayList<>();
    for (String term : splitTerms(text)) {
      out.add(parseTerm(term.trim(), text));
    }
    return new LabelSelector(List.copyOf(out));
  }

  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /** Splits at commas that are not inside parentheses. */
  private static List<String> splitTerms(String text) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(text.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(text.substring(start));
    return terms;
  }

  private static Requirement parseTerm(String term, String whole) {
    if (term.isEmpty()) {
      throw invalid(whole);
    }
    if (term.startsWith("!")) {
      return new Requirement(
          checkKey(term.substring(1).trim(), whole), Op.DOES_NOT_EXIST, Set.of());
    }
    String[] words = term.split("\\s+", 2);
    if (words.length == 2) {
      String rest = words[1].trim();
      if (rest.startsWith("notin")) {
        return new Requirement(
            checkKey(words[0], whole), Op.NOT_IN, values(rest.substring(5), whole));
      }
      if (rest.startsWith("in")) {
        return new Requirement(checkKey(words[0], whole), Op.IN, values(rest.substring(2), whole));
      }
    }
    int ne = term.indexOf("!=");
    if (ne > 0) {
      return equality(term.substring(0, ne), term.substring(ne + 2), Op.NOT_EQUALS, whole);
    }
    int eqeq = term.indexOf("==");
    if (eqeq > 0) {
      return equality(term.substring(0, eqeq), term.substring(eqeq + 2), Op.EQUALS, whole);
    }
    int eq = term.indexOf('=');
    if (eq > 0) {
      return equality(term.substring(0, eq), term.substring(eq + 1), Op.EQUALS, whole);
    }
    return new Requirement(checkKey(term, whole), Op.EXISTS, Set.of());
  }

  private static Requirement equality(String key, String value, Op op, String whole) {
    return new Requirement(checkKey(key.trim(), whole), op, Set.of(value.trim()));
  }

  private static Set<String> values(String text, String whole) {
    String t = text.trim();
    if (!t.startsWith("(") || !t.endsWith(")")) {
      throw invalid(whole);
    }
    Set<String> out = new TreeSet<>();
    for (String v : t.substring(1, t.length() - 1).split(",")) {
      out.add(v.trim());
    }
    return out;
  }

  private static String checkKey(String key, String whole) {
    if (key.isEmpty() || !key.matches("[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?")) {
      throw invalid(whole);
    }
    return key;
  }

  private static RuntimeException invalid(String text) {
    return Statuses.badRequest("unable to parse requirement: invalid label selector: " + text);
  }
}
