package io.kuark.server.apimodel.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The subset of Kubernetes JSONPath used by CRD printer columns: {@code .a.b}, {@code ['a.b']},
 * {@code [0]}, {@code [-1]}, {@code [*]}, {@code .*}, {@code ..name} and filters {@code
 * [?(@.type=="Ready")]} ({@code ==}, {@code !=}, or existence). An optional surrounding {@code
 * {...}} is accepted.
 */
public final class JsonPath {

  private sealed interface Step permits Field, Index, Wildcard, Filter, Descend {}

  private record Field(String name) implements Step {}

  private record Index(int index) implements Step {}

  private record Wildcard() implements Step {}

  private record Descend(String name) implements Step {}

  private record Filter(List<String> path, String op, String literal) implements Step {}

  private final List<Step> steps;

  private JsonPath(List<Step> steps) {
    this.steps = steps;
  }

  /** Parses an expression; IllegalArgumentException when it is outside the supported subset. */
  public static JsonPath parse(String expression) {
    String e = expression.trim();
    if (e.startsWith("{") && e.endsWith("}")) {
      e = e.substring(1, e.length() - 1).trim();
    }
    if (e.startsWith("$")) {
      e = e.substring(1);
    }
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '.') {
        if (i + 1 < e.length() && e.charAt(i + 1) == '.') {
          int end = nameEnd(e, i + 2);
          steps.add(new Descend(e.substring(i + 2, end)));
          i = end;
          continue;
        }
        if (i + 1 < e.length() && e.charAt(i + 1) == '*') {
          steps.add(new Wildcard());
          i += 2;
          continue;
        }
        int end = nameEnd(e, i + 1);
        if (end > i + 1) {
          steps.add(new Field(e.substring(i + 1, end)));
        }
        i = end;
      } else if (c == '[') {
        int close = closing(e, i);
        String inner = e.substring(i + 1, close).trim();
        steps.add(bracket(inner, expression));
        i = close + 1;
      } else {
        int end = nameEnd(e, i);
        if (end == i) {
          throw new IllegalArgumentException("unsupported JSONPath: " + expression);
        }
        steps.add(new Field(e.substring(i, end)));
        i = end;
      }
    }
    return new JsonPath(steps);
  }

  private static int nameEnd(String e, int from) {
    int i = from;
    while (i < e.length() && e.charAt(i) != '.' && e.charAt(i) != '[') {
      i++;
    }
    return i;
  }

  private static int closing(String e, int open) {
    int depth = 0;
    boolean quoted = false;
    char quote = 0;
    for (int i = open; i < e.length(); i++) {
      char c = e.charAt(i);
      if (quoted) {
        if (c == quote) {
          quoted = false;
        }
      } else if (c == '\'' || c == '"') {
        quoted = true;
        quote = c;
      } else if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    throw new IllegalArgumentException("unclosed [ in JSONPath: " + e);
  }

  private static Step bracket(String inner, String expression) {
    if (inner.equals("*")) {
      return new Wildcard();
    }
    if ((inner.startsWith("'") && inner.endsWith("'"))
        || (inner.startsWith("\"") && inner.endsWith("\""))) {
      return new Field(inner.substring(1, inner.length() - 1));
    }
    if (inner.startsWith("?(") && inner.endsWith(")")) {
      String cond = inner.substring(2, inner.length() - 1).trim();
      String op = cond.contains("==") ? "==" : cond.contains("!=") ? "!=" : null;
      String left = op == null ? cond : cond.substring(0, cond.indexOf(op)).trim();
      String right = op == null ? null : cond.substring(cond.indexOf(op) + 2).trim();
      if (!left.startsWith("@")) {
        throw new IllegalArgumentException("unsupported JSONPath filter: " + expression);
      }
      List<String> path = new ArrayList<>();
      for (String p : left.substring(1).split("\\.")) {
        if (!p.isEmpty()) {
          path.add(p);
        }
      }
      if (right != null
          && right.length() >= 2
          && (right.startsWith("\"") || right.startsWith("'"))) {
        right = right.substring(1, right.length() - 1);
      }
      return new Filter(path, op, right);
    }
    try {
      return new Index(Integer.parseInt(inner));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unsupported JSONPath: " + expression, e);
    }
  }

  /** Every node the path selects, in document order; missing keys select nothing. */
  public List<JsonNode> find(JsonNode root) {
    List<JsonNode> current = new ArrayList<>();
    current.add(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode n : current) {
        apply(step, n, next);
      }
      current = next;
    }
    return current;
  }

  private static void apply(Step step, JsonNode n, List<JsonNode> out) {
    if (step instanceof Field f) {
      JsonNode v = n.get(f.name());
      if (v != null && n.isObject()) {
        out.add(v);
      }
    } else if (step instanceof Index ix) {
      if (n.isArray()) {
        int i = ix.index() < 0 ? n.size() + ix.index() : ix.index();
        if (i >= 0 && i < n.size()) {
          out.add(n.get(i));
        }
      }
    } else if (step instanceof Wildcard) {
      if (n.isArray() || n.isObject()) {
        n.elements().forEachRemaining(out::add);
      }
    } else if (step instanceof Descend d) {
      descend(n, d.name(), out);
    } else if (step instanceof Filter f) {
      Iterator<JsonNode> it = n.isArray() || n.isObject() ? n.elements() : null;
      while (it != null && it.hasNext()) {
        JsonNode e = it.next();
        JsonNode v = e;
        for (String p : f.path()) {
          v = v.path(p);
        }
        boolean match;
        if (f.op() == null) {
          match = !v.isMissingNode();
        } else {
          boolean eq = !v.isMissingNode() && v.isValueNode() && v.asText().equals(f.literal());
          match = "==".equals(f.op()) == eq;
        }
        if (match) {
          out.add(e);
        }
      }
    }
  }

  private static void descend(JsonNode n, String name, List<JsonNode> out) {
    if (n.isObject()) {
      JsonNode v = n.get(name);
      if (v != null) {
        out.add(v);
      }
    }
    if (n.isObject() || n.isArray()) {
      n.elements().forEachRemaining(child -> descend(child, name, out));
    }
  }
}
