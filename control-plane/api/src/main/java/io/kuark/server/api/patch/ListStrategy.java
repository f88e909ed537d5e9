package io.kuark.server.api.patch;

/**
 * How strategic merge patch treats one list field (upstream's patchStrategy/patchMergeKey tags).
 *
 * @param kind REPLACE (atomic, the default), MERGE_BY_KEY (object items matched on {@code
 *     mergeKey}) or MERGE_SET (primitive items, union)
 * @param mergeKey the identifying field of MERGE_BY_KEY items
 */
public record ListStrategy(Kind kind, String mergeKey) {

  public enum Kind {
    REPLACE,
    MERGE_BY_KEY,
    MERGE_SET
  }

  public static final ListStrategy REPLACE = new ListStrategy(Kind.REPLACE, null);
  public static final ListStrategy MERGE_SET = new ListStrategy(Kind.MERGE_SET, null);

  public static ListStrategy byKey(String key) {
    return new ListStrategy(Kind.MERGE_BY_KEY, key);
  }
}
