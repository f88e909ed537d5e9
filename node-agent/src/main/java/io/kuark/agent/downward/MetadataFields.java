package io.kuark.agent.downward;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod metadata a downward API volume file may hold ({@code fieldRef.fieldPath}): {@code
 * metadata.name}, {@code .namespace}, {@code .uid}, all {@code metadata.labels} or {@code
 * metadata.annotations}, or one of them by key ({@code metadata.labels['app']}), in the text
 * kubelet writes.
 */
public final class MetadataFields {

  /** The field path is not one a downward API volume supports. */
  public static final class UnsupportedFieldException extends Exception {
    UnsupportedFieldException(String path) {
      super("unsupported fieldPath: " + path);
    }
  }

  private static final String LABELS = "metadata.labels";
  private static final String ANNOTATIONS = "metadata.annotations";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private MetadataFields() {}

  /** The file content for {@code path}; a missing key of a subscripted path is empty. */
  public static String value(ObjectMeta metadata, String path) throws UnsupportedFieldException {
    switch (path) {
      case "metadata.name":
        return nullToEmpty(metadata.getName());
      case "metadata.namespace":
        return nullToEmpty(metadata.getNamespace());
      case "metadata.uid":
        return nullToEmpty(metadata.getUid());
      case LABELS:
        return lines(metadata.getLabels());
      case ANNOTATIONS:
        return lines(metadata.getAnnotations());
      default:
        break;
    }
    String key = subscript(path, LABELS);
    if (key != null) {
      return entry(metadata.getLabels(), key);
    }
    key = subscript(path, ANNOTATIONS);
    if (key != null) {
      return entry(metadata.getAnnotations(), key);
    }
    throw new UnsupportedFieldException(path);
  }

  /**
   * {@code key="value"} lines sorted by key, values quoted as Go's {@code %q} quotes them, no
   * newline after the last: the exact text kubelet writes, which programs reading these files
   * parse.
   */
  static String lines(Map<String, String> values) {
    StringBuilder text = new StringBuilder();
    if (values != null) {
      for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
        if (text.length() > 0) {
          text.append('\n');
        }
        text.append(e.getKey()).append('=');
        quote(e.getValue() == null ? "" : e.getValue(), text);
      }
    }
    return text.toString();
  }

  /**
   * Go's {@code strconv.Quote}: backslash escapes for quote, backslash and the C control
   * characters, {@code \xhh} for other ASCII controls, {@code \\uhhhh}/{@code \Uhhhhhhhh} for other
   * characters that are not printable; printable characters as they are.
   */
  static void quote(String value, StringBuilder out) {
    out.append('"');
    value
        .codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0b -> out.append("\\v");
                default -> {
                  if (printable(c)) {
                    out.appendCodePoint(c);
                  } else if (c < 0x80) {
                    out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                  } else if (c < 0x10000) {
                    hex(out.append("\\u"), c, 4);
                  } else {
                    hex(out.append("\\U"), c, 8);
                  }
                }
              }
            });
    out.append('"');
  }

  /**
   * Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and ASCII space.
   */
  private static boolean printable(int c) {
    if (c == ' ') {
      return true;
    }
    switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER:
      case Character.LOWERCASE_LETTER:
      case Character.TITLECASE_LETTER:
      case Character.MODIFIER_LETTER:
      case Character.OTHER_LETTER:
      case Character.NON_SPACING_MARK:
      case Character.ENCLOSING_MARK:
      case Character.COMBINING_SPACING_MARK:
      case Character.DECIMAL_DIGIT_NUMBER:
      case Character.LETTER_NUMBER:
      case Character.OTHER_NUMBER:
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
      case Character.MATH_SYMBOL:
      case Character.CURRENCY_SYMBOL:
      case Character.MODIFIER_SYMBOL:
      case Character.OTHER_SYMBOL:
        return true;
      default:
        return false;
    }
  }

  private static void hex(StringBuilder out, int c, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out.append(HEX[(c >> shift) & 0xf]);
    }
  }

  /** The key of {@code prefix['key']}, or null when {@code path} is not of that form. */
  private static String subscript(String path, String prefix) {
    if (path.length() > prefix.length() + 4
        && path.startsWith(prefix + "['")
        && path.endsWith("']")) {
      return path.substring(prefix.length() + 2, path.length() - 2);
    }
    return null;
  }

  private static String entry(Map<String, String> values, String key) {
    return values == null ? "" : nullToEmpty(values.get(key));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
