package io.kuark.server.apimodel.table;

import java.util.Locale;
import java.util.Optional;

/**
 * What a GET/LIST/WATCH client asked to receive: the plain object(s), a Table, or
 * PartialObjectMetadata(List), in JSON or YAML.
 *
 * @param as {@code null} for plain objects, else {@code Table}, {@code PartialObjectMetadata} or
 *     {@code PartialObjectMetadataList}
 * @param version {@code v1} or {@code v1beta1} (meta.k8s.io) when {@code as} is set
 * @param mediaType {@code application/json} or {@code application/yaml}
 */
public record MetaMediaType(String as, String version, String mediaType) {

  /** True when a Table was asked for. */
  public boolean table() {
    return "Table".equals(as);
  }

  /** True when PartialObjectMetadata or PartialObjectMetadataList was asked for. */
  public boolean partialMetadata() {
    return as != null && as.startsWith("PartialObjectMetadata");
  }

  /** {@code meta.k8s.io/v1} etc. for the converted document. */
  public String apiVersion() {
    return "meta.k8s.io/" + (version == null ? "v1" : version);
  }

  /** The Content-Type to answer with. */
  public String contentType() {
    if (as == null) {
      return mediaType;
    }
    return mediaType + ";as=" + as + ";v=" + version + ";g=meta.k8s.io";
  }

  /**
   * Picks the first acceptable entry of an Accept header. Entries with {@code as=} are acceptable
   * when {@code g=meta.k8s.io}, {@code v=v1|v1beta1} and {@code as} is Table or
   * PartialObjectMetadata(List); plain {@code application/json}, {@code application/yaml}, {@code
   * application/*} and {@code *}{@code /*} mean plain JSON/YAML. Empty when nothing is acceptable
   * (answer 406 NotAcceptable). A missing header means plain JSON.
   */
  public static Optional<MetaMediaType> negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return Optional.of(new MetaMediaType(null, null, "application/json"));
    }
    for (String entry : accept.split(",")) {
      String[] parts = entry.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      String media;
      switch (type) {
        case "application/json", "application/*", "*/*", "" -> media = "application/json";
        case "application/yaml" -> media = "application/yaml";
        default -> {
          continue;
        }
      }
      String as = null;
      String g = null;
      String v = null;
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        if (kv.length != 2) {
          continue;
        }
        switch (kv[0].trim()) {
          case "as" -> as = kv[1].trim();
          case "g" -> g = kv[1].trim();
          case "v" -> v = kv[1].trim();
          default -> {}
        }
      }
      if (as == null) {
        if (g == null) {
          return Optional.of(new MetaMediaType(null, null, media));
        }
        continue;
      }
      boolean knownAs =
          as.equals("Table")
              || as.equals("PartialObjectMetadata")
              || as.equals("PartialObjectMetadataList");
      if (knownAs && "meta.k8s.io".equals(g) && ("v1".equals(v) || "v1beta1".equals(v))) {
        return Optional.of(new MetaMediaType(as, v, media));
      }
    }
    return Optional.empty();
  }
}
