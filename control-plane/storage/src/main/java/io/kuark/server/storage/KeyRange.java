package io.kuark.server.storage;

/** Key-range arithmetic shared by the backends. */
public final class KeyRange {

  private KeyRange() {}

  /**
   * The smallest string greater than every string starting with {@code prefix}, or {@code null}
   * when there is none (empty prefix, or a prefix of only {@code U+FFFF}). Keys compare by code
   * point, which is also the byte order of their UTF-8 encoding.
   */
  public static String prefixEnd(String prefix) {
    int end = prefix.length();
    while (end > 0) {
      int cp = prefix.codePointBefore(end);
      int width = Character.charCount(cp);
      if (cp < Character.MAX_CODE_POINT && cp != 0xFFFF) {
        int next = cp + 1;
        if (next == Character.MIN_SURROGATE) {
          next = Character.MAX_SURROGATE + 1;
        }
        return prefix.substring(0, end - width) + new String(Character.toChars(next));
      }
      end -= width;
    }
    return null;
  }
}
