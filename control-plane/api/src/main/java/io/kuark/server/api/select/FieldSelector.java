package io.kuark.server.api.select;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Statuses;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed field selector ({@code path=value}, {@code path==value}, {@code path!=value},
 * comma-separated). Fields are dotted paths into the object ({@code metadata.name}, {@code
 * spec.nodeName}, {@code status.phase}, {@code involvedObject.uid}, ...); a missing field compares
 * as the empty string, as upstream's field sets do. Immutable.
 */
public final class FieldSelector {

  public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  record Term(String field, boolean equals, String value) {}

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = terms;
  }

  public static FieldSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    List<Term> out = new ArrayList<>();
    for (String raw : text.split(",")) {
      String term = raw.trim();
      int ne = term.indexOf("!=");
      int eqeq = term.indexOf("==");
      int eq = term.indexOf('=');
      if (ne > 0) {
        out.add(new Term(term.substring(0, ne).trim(), false, term.substring(ne + 2).trim()));
      } else if (eqeq > 0) {
        out.add(new Term(term.substring(0, eqeq).trim(), true, term.substring(eqeq + 2).trim()));
      } else if (eq > 0) {
        out.add(new Term(term.substring(0, eq).trim(), true, term.substring(eq + 1).trim()));
      } else {
        throw Statuses.badRequest("invalid field selector: " + text);
      }
    }
    return new FieldSelector(List.copyOf(out));
  }

  public boolean matches(JsonNode object) {
    for (Term t : terms) {
      boolean same = value(object, t.field()).equals(t.value());
      if (same != t.equals()) {
        return false;
      }
    }
    return true;
  }

  public boolean isEverything() {
    return terms.isEmpty();
  }

  /** The value named by {@code field} if it is {@code metadata.name} with '=' (fast path). */
  public String exactName() {
    for (Term t : terms) {
      if (t.equals() && t.field().equals("metadata.name")) {
        return t.value();
      }
    }
    return null;
  }

  private static String value(JsonNode object, String field) {
    JsonNode node = object;
    for (String part : field.split("\\.")) {
      node = node.path(part);
    }
    if (node.isMissingNode() || node.isNull()) {
      return "";
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }
}
