package io.kuark.server.storage;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque continue token of a paginated list: base64url of {@code
 * {"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<next key relative to the prefix>"}} (the
 * shape upstream uses). The start key is relative so that a token cannot read outside the prefix it
 * was issued for.
 *
 * @param revision the revision every page is read at
 * @param startSuffix the first key of the next page, without the list prefix
 */
public record ContinueToken(long revision, String startSuffix) {

  /** Encodes this token. */
  public String encode() {
    String json =
        "{\"v\":\"meta.k8s.io/v1\",\"rv\":" + revision + ",\"start\":" + quote(startSuffix) + "}";
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a token made by {@link #encode}.
   *
   * @throws IllegalArgumentException when the token is malformed (callers answer 400 BadRequest)
   */
  public static ContinueToken decode(String token) {
    String json;
    try {
      json = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("continue token is not valid base64", e);
    }
    JsonFields fields = new JsonFields(json);
    Long rv = null;
    String start = null;
    fields.expect('{');
    if (!fields.tryConsume('}')) {
      do {
        String name = fields.string();
        fields.expect(':');
        switch (name) {
          case "rv" -> rv = fields.number();
          case "start" -> start = fields.string();
          default -> fields.skipValue();
        }
      } while (fields.tryConsume(','));
      fields.expect('}');
    }
    if (rv == null || rv <= 0 || start == null) {
      throw new IllegalArgumentException("continue token lacks rv or start");
    }
    return new ContinueToken(rv, start);
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A minimal reader for the flat JSON object a token holds (strings and integers only). */
  private static final class JsonFields {
    private final String s;
    private int pos;

    JsonFields(String s) {
      this.s = s;
    }

    void expect(char c) {
      if (!tryConsume(c)) {
        throw bad();
      }
    }

    boolean tryConsume(char c) {
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (pos >= s.length()) {
          throw bad();
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw bad();
            }
            try {
              out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw bad();
            }
            pos += 4;
          }
          default -> throw bad();
        }
      }
      throw bad();
    }

    long number() {
      skipSpace();
      int start = pos;
      if (pos < s.length() && s.charAt(pos) == '-') {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      try {
        return Long.parseLong(s.substring(start, pos));
      } catch (NumberFormatException e) {
        throw bad();
      }
    }

    void skipValue() {
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == '"') {
        string();
      } else {
        number();
      }
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private IllegalArgumentException bad() {
      return new IllegalArgumentException("continue token is not valid JSON");
    }
  }
}
