package io.kuark.server.apimodel.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.apimodel.validation.FieldError;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a custom resource against its CRD's OpenAPI v3 schema with upstream's error shapes
 * ({@code spec.size in body must be of type integer: "string"}, {@code Required value}, {@code
 * Unsupported value}, bounds, lengths, patterns, list-map key uniqueness).
 */
public final class SchemaValidator {

  private SchemaValidator() {}

  /** All violations of the object against the schema (apiVersion/kind/metadata skipped at root). */
  public static List<FieldError> validate(JsonNode object, JsonNode schema) {
    List<FieldError> errs = new ArrayList<>();
    if (schema != null && schema.isObject()) {
      validate(object, schema, "", true, errs);
    }
    return errs;
  }

  private static void validate(
      JsonNode v, JsonNode s, String path, boolean root, List<FieldError> errs) {
    if (v == null || v.isMissingNode()) {
      return;
    }
    String shown = path.isEmpty() ? "<root>" : path;
    if (v.isNull()) {
      if (!s.path("nullable").asBoolean(false) && s.has("type")) {
        errs.add(
            FieldError.invalid(
                shown,
                "null",
                shown + " in body must be of type " + s.path("type").asText() + ": \"null\""));
      }
      return;
    }
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!v.isIntegralNumber() && !v.isTextual()) {
        errs.add(
            FieldError.invalid(
                shown,
                typeName(v),
                shown + " in body must be of type integer-or-string: \"" + typeName(v) + "\""));
      }
    } else if (s.has("type") && !matchesType(v, s.path("type").asText())) {
      errs.add(
          FieldError.invalid(
              shown,
              typeName(v),
              shown
                  + " in body must be of type "
                  + s.path("type").asText()
                  + ": \""
                  + typeName(v)
                  + "\""));
      return;
    }
    enumCheck(v, s, shown, errs);
    if (v.isNumber()) {
      numberChecks(v, s, shown, errs);
    }
    if (v.isTextual()) {
      stringChecks(v.asText(), s, shown, errs);
    }
    if (v.isArray()) {
      arrayChecks(v, s, shown, path, errs);
    }
    if (v.isObject()) {
      objectChecks(v, s, path, root, errs);
    }
    for (JsonNode sub : s.path("allOf")) {
      validate(v, sub, path, root, errs);
    }
    if (s.has("anyOf") || s.has("oneOf")) {
      String key = s.has("anyOf") ? "anyOf" : "oneOf";
      int matching = 0;
      for (JsonNode sub : s.path(key)) {
        List<FieldError> trial = new ArrayList<>();
        validate(v, sub, path, root, trial);
        if (trial.isEmpty()) {
          matching++;
        }
      }
      if (matching == 0 || (key.equals("oneOf") && matching > 1)) {
        errs.add(
            FieldError.invalid(
                shown,
                v,
                "must validate "
                    + (key.equals("oneOf") ? "one and only one" : "at least one")
                    + " schema ("
                    + key
                    + ")"));
      }
    }
    if (s.has("not")) {
      List<FieldError> trial = new ArrayList<>();
      validate(v, s.get("not"), path, root, trial);
      if (trial.isEmpty()) {
        errs.add(FieldError.invalid(shown, v, "must not validate the schema (not)"));
      }
    }
  }

  private static void enumCheck(JsonNode v, JsonNode s, String shown, List<FieldError> errs) {
    JsonNode e = s.get("enum");
    if (e == null || !e.isArray()) {
      return;
    }
    for (JsonNode allowed : e) {
      if (allowed.equals(v)
          || (allowed.isNumber()
              && v.isNumber()
              && allowed.decimalValue().compareTo(v.decimalValue()) == 0)) {
        return;
      }
    }
    List<String> supported = new ArrayList<>();
    e.forEach(a -> supported.add(a.asText()));
    errs.add(FieldError.notSupported(shown, v.isTextual() ? v.asText() : (Object) v, supported));
  }

  private static void numberChecks(JsonNode v, JsonNode s, String shown, List<FieldError> errs) {
    BigDecimal n = v.decimalValue();
    if (s.has("maximum")) {
      BigDecimal max = s.get("maximum").decimalValue();
      boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? n.compareTo(max) >= 0 : n.compareTo(max) > 0) {
        errs.add(
            FieldError.invalid(
                shown,
                v,
                shown
                    + " in body should be less than "
                    + (exclusive ? "" : "or equal to ")
                    + s.get("maximum").asText()));
      }
    }
    if (s.has("minimum")) {
      BigDecimal min = s.get("minimum").decimalValue();
      boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? n.compareTo(min) <= 0 : n.compareTo(min) < 0) {
        errs.add(
            FieldError.invalid(
                shown,
                v,
                shown
                    + " in body should be greater than "
                    + (exclusive ? "" : "or equal to ")
                    + s.get("minimum").asText()));
      }
    }
    if (s.has("multipleOf") && s.get("multipleOf").decimalValue().signum() != 0) {
      if (n.remainder(s.get("multipleOf").decimalValue()).signum() != 0) {
        errs.add(
            FieldError.invalid(
                shown,
                v,
                shown + " in body should be a multiple of " + s.get("multipleOf").asText()));
      }
    }
    String format = s.path("format").asText("");
    if (format.equals("int32")
        && v.isIntegralNumber()
        && (n.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
            || n.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0)) {
      errs.add(
          FieldError.invalid(
              shown, v, shown + " in body must be of type int32: \"" + v.asText() + "\""));
    }
  }

  private static void stringChecks(String text, JsonNode s, String shown, List<FieldError> errs) {
    int length = text.codePointCount(0, text.length());
    if (s.has("maxLength") && length > s.get("maxLength").asLong()) {
      errs.add(
          new FieldError(
              "FieldValueTooLong",
              shown,
              "Too long: may not be more than " + s.get("maxLength").asLong() + " bytes"));
    }
    if (s.has("minLength") && length < s.get("minLength").asLong()) {
      errs.add(
          FieldError.invalid(
              shown,
              text,
              shown
                  + " in body should be at least "
                  + s.get("minLength").asLong()
                  + " chars long"));
    }
    if (s.has("pattern")) {
      try {
        if (!Pattern.compile(s.get("pattern").asText()).matcher(text).find()) {
          errs.add(
              FieldError.invalid(
                  shown,
                  text,
                  shown + " in body should match '" + s.get("pattern").asText() + "'"));
        }
      } catch (PatternSyntaxException e) {
        errs.add(
            FieldError.invalid(
                shown, text, "schema pattern does not compile: " + s.get("pattern").asText()));
      }
    }
    String format = s.path("format").asText("");
    if (format.equals("date-time")
        && !text.matches(
            "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$")) {
      errs.add(
          FieldError.invalid(
              shown, text, shown + " in body must be of type date-time: \"" + text + "\""));
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > 3 * 1024 * 1024) {
      errs.add(
          new FieldError(
              "FieldValueTooLong", shown, "Too long: may not be more than 3145728 bytes"));
    }
  }

  private static void arrayChecks(
      JsonNode v, JsonNode s, String shown, String path, List<FieldError> errs) {
    if (s.has("maxItems") && v.size() > s.get("maxItems").asLong()) {
      errs.add(
          new FieldError(
              "FieldValueTooMany",
              shown,
              "Too many: "
                  + v.size()
                  + ": must have at most "
                  + s.get("maxItems").asLong()
                  + " items"));
    }
    if (s.has("minItems") && v.size() < s.get("minItems").asLong()) {
      errs.add(
          FieldError.invalid(
              shown,
              v.size(),
              shown + " in body should have at least " + s.get("minItems").asLong() + " items"));
    }
    String listType = s.path("x-kubernetes-list-type").asText("");
    if (s.path("uniqueItems").asBoolean(false) || listType.equals("set")) {
      Set<JsonNode> seen = new HashSet<>();
      for (int i = 0; i < v.size(); i++) {
        if (!seen.add(v.get(i))) {
          errs.add(FieldError.duplicate(shown + "[" + i + "]", v.get(i)));
        }
      }
    }
    if (listType.equals("map")) {
      Set<String> keys = new HashSet<>();
      for (int i = 0; i < v.size(); i++) {
        StringBuilder key = new StringBuilder();
        for (JsonNode k : s.path("x-kubernetes-list-map-keys")) {
          key.append(v.get(i).path(k.asText()).toString()).append('\u0000');
        }
        if (!keys.add(key.toString())) {
          errs.add(FieldError.duplicate(shown + "[" + i + "]", v.get(i)));
        }
      }
    }
    if (s.has("items")) {
      for (int i = 0; i < v.size(); i++) {
        validate(v.get(i), s.get("items"), path + "[" + i + "]", false, errs);
      }
    }
  }

  private static void objectChecks(
      JsonNode v, JsonNode s, String path, boolean root, List<FieldError> errs) {
    for (JsonNode r : s.path("required")) {
      if (!v.has(r.asText()) || v.get(r.asText()).isNull()) {
        errs.add(FieldError.required(path.isEmpty() ? r.asText() : path + "." + r.asText(), null));
      }
    }
    if (s.has("maxProperties") && v.size() > s.get("maxProperties").asLong()) {
      errs.add(
          new FieldError(
              "FieldValueTooMany",
              path,
              "Too many: "
                  + v.size()
                  + ": must have at most "
                  + s.get("maxProperties").asLong()
                  + " items"));
    }
    if (s.has("minProperties") && v.size() < s.get("minProperties").asLong()) {
      errs.add(
          FieldError.invalid(
              path,
              v.size(),
              path
                  + " in body should have at least "
                  + s.get("minProperties").asLong()
                  + " properties"));
    }
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (root
          && (e.getKey().equals("apiVersion")
              || e.getKey().equals("kind")
              || e.getKey().equals("metadata"))) {
        continue;
      }
      String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      if (props.has(e.getKey())) {
        validate(e.getValue(), props.get(e.getKey()), child, false, errs);
      } else if (additional != null && additional.isObject()) {
        validate(e.getValue(), additional, child, false, errs);
      }
    }
  }

  private static boolean matchesType(JsonNode v, String type) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" ->
          v.isIntegralNumber()
              || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
  }

  private static String typeName(JsonNode v) {
    if (v.isObject()) {
      return "object";
    }
    if (v.isArray()) {
      return "array";
    }
    if (v.isTextual()) {
      return "string";
    }
    if (v.isIntegralNumber()) {
      return "integer";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    return "null";
  }
}
