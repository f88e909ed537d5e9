package io.kuark.server.api.model;

import io.kuark.server.api.OpenApiSource;
import io.kuark.server.api.system.VersionInfo;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.openapi.OpenApiDocuments;
import java.util.Optional;

/** OpenAPI v2/v3 documents built by the apimodel module from the catalog. */
public final class ApiModelOpenApi implements OpenApiSource {

  private final OpenApiDocuments documents;

  public ApiModelOpenApi(ResourceCatalog catalog) {
    this.documents =
        new OpenApiDocuments(catalog, type -> null, VersionInfo.GIT_VERSION.replace("-kuark", ""));
  }

  /** Builds the documents once (slow the first time); call on a background thread at start. */
  public void warmUp() {
    documents.v2();
  }

  @Override
  public Optional<Document> document(String path, String accept) {
    return documents.respond(path, accept).map(r -> new Document(r.body(), r.contentType()));
  }
}
