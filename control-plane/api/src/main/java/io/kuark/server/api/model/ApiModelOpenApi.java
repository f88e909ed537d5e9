package io.kuark.server.api.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.OpenApiSource;
import io.kuark.server.api.system.VersionInfo;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.openapi.OpenApiDocuments;
import java.util.Optional;
import java.util.function.Function;

/** OpenAPI v2/v3 documents built by the apimodel module from the catalog. */
public final class ApiModelOpenApi implements OpenApiSource {

  private final OpenApiDocuments documents;

  /**
   * @param customSchemas the openAPIV3Schema of a custom resource type, null for built-ins
   */
  public ApiModelOpenApi(ResourceCatalog catalog, Function<ResourceType, JsonNode> customSchemas) {
    this.documents =
        new OpenApiDocuments(catalog, customSchemas, VersionInfo.GIT_VERSION.replace("-kuark", ""));
  }

  /** Builds the documents once (slow the first time); call on a background thread at start. */
  public void warmUp() {
    // The served bytes: building them is the warm-up; v2() would also decode them into a tree.
    documents.v2Rendered();
  }

  @Override
  public Optional<Document> document(String path, String accept) {
    return documents.respond(path, accept).map(r -> new Document(r.body(), r.contentType()));
  }
}
