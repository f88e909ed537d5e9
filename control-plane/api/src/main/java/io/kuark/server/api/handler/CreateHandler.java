package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.patch.ManagedFields;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.api.strategy.ResourceStrategy;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;

/**
 * POST to a collection: generateName, server-owned metadata, namespace lifecycle, strategy,
 * defaulting and validation, dryRun; 201 with the stored object. Nothing is written on failure.
 */
public final class CreateHandler implements ResourceHandler {

  private static final int GENERATE_NAME_ATTEMPTS = 8;

  private final ApiContext ctx;
  private final NamespaceLifecycle namespaces;

  CreateHandler(ApiContext ctx) {
    this.ctx = ctx;
    this.namespaces = new NamespaceLifecycle(ctx.store(), ctx.catalog(), ctx.watches());
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ResourceType type = req.type();
    ObjectNode object = Json.parseObject(req.body(), req.contentType());
    MetadataRules.checkKind(type, object, type.kind(), type.apiVersion());
    MetadataRules.checkIdentity(type, object, req.info().namespace(), null);
    List<String> fieldWarnings = FieldValidation.apply(type, object, req.param("fieldValidation"));
    boolean dryRun = req.dryRun();
    WriteResult result = create(type, object, dryRun, FieldManagers.of(req, ""));
    OutputFormat format = OutputFormat.negotiate(req.accept());
    return new ApiResponse(
            201,
            ctx.shaper().single(type, result.object(), format, req.param("includeObject"), true),
            result.warnings())
        .withWarnings(fieldWarnings);
  }

  /** Creates {@code object} (already identity-checked) with no field manager recorded. */
  public WriteResult create(ResourceType type, ObjectNode object, boolean dryRun) {
    return create(type, object, dryRun, null);
  }

  /**
   * Creates {@code object} (already identity-checked); returns the stored object.
   *
   * @param manager recorded as an {@code Update} of every field in managedFields (null: none, for
   *     apply, which records itself, and server-made objects)
   */
  public WriteResult create(
      ResourceType type, ObjectNode object, boolean dryRun, ManagedFields.Manager manager) {
    ObjectNode meta = Meta.metadata(object);
    String generateName = meta.path("generateName").asText("");
    boolean generated = meta.path("name").asText("").isEmpty() && !generateName.isEmpty();
    if (meta.path("name").asText("").isEmpty() && !generated) {
      throw Statuses.invalid(
          type,
          "",
          List.of(
              new Statuses.Cause(
                  "FieldValueRequired",
                  "Required value: name or generateName is required",
                  "metadata.name")));
    }
    namespaces.checkCreate(type, Meta.namespace(object), meta.path("name").asText(generateName));
    ResourceStrategy strategy = ctx.strategies().forType(type);
    for (int attempt = 0; ; attempt++) {
      ObjectNode candidate = object.deepCopy();
      if (generated) {
        Meta.metadata(candidate).put("name", MetadataRules.generateName(generateName));
      }
      MetadataRules.initForCreate(type, candidate);
      strategy.prepareForCreate(candidate);
      try {
        List<String> warnings = ctx.admission().admit(type, candidate, null);
        if (manager != null) {
          ManagedFields.update(null, candidate, manager, type.modelClass() != null);
        }
        if (dryRun) {
          strategy.createAborted(candidate);
          return new WriteResult(candidate, warnings, true);
        }
        StoredObject stored = ctx.store().create(type, candidate);
        return new WriteResult(stored.object(), warnings, true);
      } catch (ApiException e) {
        strategy.createAborted(candidate);
        if (generated && e.reason().equals("AlreadyExists") && attempt < GENERATE_NAME_ATTEMPTS) {
          continue;
        }
        throw e;
      } catch (RuntimeException e) {
        strategy.createAborted(candidate);
        throw e;
      }
    }
  }
}
