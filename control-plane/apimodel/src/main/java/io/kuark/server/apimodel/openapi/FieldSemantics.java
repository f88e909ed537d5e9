package io.kuark.server.apimodel.openapi;

import java.util.List;

/**
 * How a field merges, as declared in the schema's {@code x-kubernetes-*} extensions.
 *
 * @param patchStrategy strategic-merge-patch strategy: {@code merge}, {@code retainKeys}, {@code
 *     merge,retainKeys}, or null (replace/atomic)
 * @param patchMergeKey the key identifying list items for {@code merge}, or null
 * @param listType server-side-apply list type: {@code map}, {@code set}, {@code atomic}, or null
 * @param listMapKeys the keys of a {@code map} list (possibly several, e.g. containerPort+protocol)
 */
public record FieldSemantics(
    String patchStrategy, String patchMergeKey, String listType, List<String> listMapKeys) {

  /** True when strategic merge patch merges this list item-by-item on {@link #patchMergeKey}. */
  public boolean mergesByKey() {
    return patchStrategy != null && patchStrategy.contains("merge") && patchMergeKey != null;
  }

  /** True for a list of scalars merged as a set (e.g. finalizers). */
  public boolean mergesAsSet() {
    return patchStrategy != null && patchStrategy.contains("merge") && patchMergeKey == null;
  }
}
