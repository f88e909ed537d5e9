package io.kuark.server.api.http;

/**
 * What shape the client asked for in its Accept header.
 *
 * @param kind OBJECT (plain JSON), TABLE ({@code as=Table}) or METADATA ({@code
 *     as=PartialObjectMetadata[List]})
 * @param metaVersion the meta.k8s.io version asked for ({@code v1} or {@code v1beta1})
 */
public record OutputFormat(Kind kind, String metaVersion) {

  public enum Kind {
    OBJECT,
    TABLE,
    METADATA
  }

  public static final OutputFormat OBJECT = new OutputFormat(Kind.OBJECT, "v1");

  /** Picks the first media type of {@code accept} this server can produce. */
  public static OutputFormat negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return OBJECT;
    }
    for (String range : accept.split(",")) {
      String[] parts = range.trim().split(";");
      String media = parts[0].trim();
      if (!media.equals("application/json")
          && !media.equals("*/*")
          && !media.equals("application/*")) {
        continue;
      }
      String as = "";
      String g = "";
      String v = "v1";
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        if (kv.length != 2) {
          continue;
        }
        switch (kv[0].trim()) {
          case "as":
            as = kv[1].trim();
            break;
          case "g":
            g = kv[1].trim();
            break;
          case "v":
            v = kv[1].trim();
            break;
          default:
            break;
        }
      }
      if (as.isEmpty()) {
        return OBJECT;
      }
      if (!g.equals("meta.k8s.io") || !(v.equals("v1") || v.equals("v1beta1"))) {
        continue;
      }
      if (as.equals("Table")) {
        return new OutputFormat(Kind.TABLE, v);
      }
      if (as.equals("PartialObjectMetadata") || as.equals("PartialObjectMetadataList")) {
        return new OutputFormat(Kind.METADATA, v);
      }
    }
    return OBJECT;
  }
}
