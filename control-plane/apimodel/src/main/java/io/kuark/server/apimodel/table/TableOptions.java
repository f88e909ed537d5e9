package io.kuark.server.apimodel.table;

/**
 * Options of one Table conversion.
 *
 * @param includeObject what each row's {@code object} holds
 * @param noHeaders leave {@code columnDefinitions} out (upstream's {@code TableOptions.noHeaders},
 *     used for watch events after the first)
 * @param apiVersion {@code meta.k8s.io/v1} (or {@code meta.k8s.io/v1beta1} for old clients)
 * @param resourceVersion list resourceVersion for {@code metadata.resourceVersion}, or null
 * @param continueToken list continue token, or null
 * @param remainingItemCount list remainingItemCount, or null
 */
public record TableOptions(
    IncludeObject includeObject,
    boolean noHeaders,
    String apiVersion,
    String resourceVersion,
    String continueToken,
    Long remainingItemCount) {

  /** Metadata objects, headers, meta.k8s.io/v1, no list metadata. */
  public static TableOptions defaults() {
    return new TableOptions(IncludeObject.METADATA, false, "meta.k8s.io/v1", null, null, null);
  }

  public TableOptions withIncludeObject(IncludeObject value) {
    return new TableOptions(
        value, noHeaders, apiVersion, resourceVersion, continueToken, remainingItemCount);
  }

  public TableOptions withNoHeaders(boolean value) {
    return new TableOptions(
        includeObject, value, apiVersion, resourceVersion, continueToken, remainingItemCount);
  }

  public TableOptions withApiVersion(String value) {
    return new TableOptions(
        includeObject, noHeaders, value, resourceVersion, continueToken, remainingItemCount);
  }

  /** Copies list metadata (resourceVersion, continue, remainingItemCount) into the options. */
  public TableOptions withListMeta(String rv, String cont, Long remaining) {
    return new TableOptions(includeObject, noHeaders, apiVersion, rv, cont, remaining);
  }
}
