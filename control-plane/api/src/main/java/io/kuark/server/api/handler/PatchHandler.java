package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.patch.JsonPatch;
import io.kuark.server.api.patch.ManagedFields;
import io.kuark.server.api.patch.MergePatch;
import io.kuark.server.api.patch.PatchException;
import io.kuark.server.api.patch.StrategicMergePatch;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * PATCH of an object or its status: JSON patch, merge patch, strategic merge patch (built-in types
 * only, as upstream) and server-side apply ({@code application/apply-patch+yaml}: creates the
 * object when missing, otherwise merges the applied configuration and records the manager in
 * managedFields; fields owned by other managers with other values are a 409 unless {@code
 * force=true}, see {@link ManagedFields}). Every other patch is recorded as an {@code Update} by
 * its field manager.
 */
final class PatchHandler implements ResourceHandler {

  private final ApiContext ctx;
  private final ObjectUpdater updater;
  private final CreateHandler creator;

  PatchHandler(ApiContext ctx, CreateHandler creator) {
    this.ctx = ctx;
    this.updater = new ObjectUpdater(ctx);
    this.creator = creator;
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ResourceType type = req.type();
    String sub = req.info().subresource();
    if (!sub.isEmpty() && !sub.equals("status") && !sub.equals("approval")) {
      throw Statuses.methodNotAllowed("patch");
    }
    String contentType = mediaType(req.contentType());
    boolean builtIn = type.modelClass() != null;
    if (req.body() == null || req.body().length == 0) {
      throw Statuses.badRequest("the request body is empty");
    }
    JsonNode patch =
        Json.parseBody(
            req.body(), contentType.equals("application/apply-patch+yaml") ? "yaml" : "json");
    boolean dryRun = req.dryRun();
    ObjectUpdater.Mode mode = ObjectUpdater.Mode.of(sub);
    String validation = FieldValidation.mode(req.param("fieldValidation"));
    // Warnings of the last attempt only: a retried update patches the object anew.
    List<String> fieldWarnings = new ArrayList<>();
    WriteResult result;
    switch (contentType) {
      case "application/json-patch+json":
        result =
            update(
                req,
                mode,
                dryRun,
                current -> asObject(JsonPatch.apply(current, patch)),
                patched -> Json.string(patched),
                validation,
                fieldWarnings);
        break;
      case "application/merge-patch+json":
        requireObject(patch);
        result =
            update(
                req,
                mode,
                dryRun,
                current -> asObject(MergePatch.apply(current, patch)),
                patched -> Json.string(patched),
                validation,
                fieldWarnings);
        break;
      case "application/strategic-merge-patch+json":
        if (!builtIn) {
          throw Statuses.unsupportedMediaType(contentType);
        }
        requireObject(patch);
        result =
            update(
                req,
                mode,
                dryRun,
                current -> StrategicMergePatch.apply(current, patch, true),
                patched -> GoMapText.of(patch),
                validation,
                fieldWarnings);
        break;
      case "application/apply-patch+yaml":
        result = apply(req, (ObjectNode) requireObject(patch), mode, dryRun, builtIn);
        break;
      default:
        throw Statuses.unsupportedMediaType(contentType);
    }
    OutputFormat format = OutputFormat.negotiate(req.accept());
    return new ApiResponse(
            result.created() ? 201 : 200,
            ctx.shaper().single(type, result.object(), format, req.param("includeObject"), true),
            result.warnings())
        .withWarnings(fieldWarnings);
  }

  /**
   * @param shown what upstream's strict decoding error shows of the patch: the patched object for
   *     JSON and merge patches, the patch itself for strategic merge patches
   */
  private WriteResult update(
      ApiRequest req,
      ObjectUpdater.Mode mode,
      boolean dryRun,
      UnaryOperator<ObjectNode> apply,
      Function<ObjectNode, String> shown,
      String validation,
      List<String> fieldWarnings) {
    return updater.update(
        req.type(),
        req.info().namespace(),
        req.info().name(),
        current -> {
          // A patch that sets no resourceVersion must not turn into a conditional update.
          String rv = Meta.resourceVersion(current);
          ObjectNode patched;
          try {
            patched = apply.apply(current);
          } catch (PatchException e) {
            throw Statuses.failure(422, "Invalid", e.getMessage(), null);
          }
          List<String> warnings =
              FieldValidation.applyToPatched(
                  req.type(), patched, validation, () -> shown.apply(patched));
          fieldWarnings.clear();
          fieldWarnings.addAll(warnings);
          if (Meta.resourceVersion(patched).equals(rv)) {
            Meta.metadata(patched).remove("resourceVersion");
          }
          MetadataRules.checkIdentity(
              req.type(), patched, req.info().namespace(), req.info().name());
          return patched;
        },
        mode,
        dryRun,
        null,
        FieldManagers.of(req, req.info().subresource()));
  }

  private WriteResult apply(
      ApiRequest req,
      ObjectNode applied,
      ObjectUpdater.Mode mode,
      boolean dryRun,
      boolean builtIn) {
    ResourceType type = req.type();
    String name = req.param("fieldManager");
    if (name.isEmpty()) {
      throw Statuses.badRequest(
          "PATCH, application/apply-patch+yaml requires fieldManager to be set");
    }
    FieldManagers.check(name);
    if (applied.path("metadata").has("managedFields")) {
      throw Statuses.badRequest("metadata.managedFields must be nil");
    }
    MetadataRules.checkKind(type, applied, type.kind(), type.apiVersion());
    MetadataRules.checkIdentity(type, applied, req.info().namespace(), req.info().name());
    FieldValidation.rejectUnknownInApplyConfiguration(type, applied);
    boolean force = req.param("force").equals("true");
    String subresource = mode.subresource();
    ManagedFields.Manager manager = new ManagedFields.Manager(name, subresource, type.apiVersion());
    ManagedFields.Scope scope =
        mode == ObjectUpdater.Mode.STATUS
            ? ManagedFields.Scope.STATUS_ONLY
            : type.hasSubresource("status")
                ? ManagedFields.Scope.NO_STATUS
                : ManagedFields.Scope.WHOLE;
    return updater.update(
        type,
        req.info().namespace(),
        req.info().name(),
        current -> {
          ObjectNode merged = StrategicMergePatch.apply(current, applied, builtIn);
          if (Meta.resourceVersion(applied).isEmpty()) {
            Meta.metadata(merged).remove("resourceVersion");
          }
          ManagedFields.apply(current, applied, merged, manager, scope, builtIn, force);
          FieldValidation.roundTrip(type, merged);
          return merged;
        },
        mode,
        dryRun,
        () -> {
          ObjectNode created = applied.deepCopy();
          ManagedFields.apply(Json.object(), applied, created, manager, scope, builtIn, force);
          FieldValidation.roundTrip(type, created);
          return creator.create(type, created, dryRun, null);
        });
  }

  private static JsonNode requireObject(JsonNode patch) {
    if (!patch.isObject()) {
      throw Statuses.badRequest("the patch must be a JSON object");
    }
    return patch;
  }

  private static ObjectNode asObject(JsonNode node) {
    if (!(node instanceof ObjectNode object)) {
      throw Statuses.failure(422, "Invalid", "the patch did not produce an object", null);
    }
    return object;
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(java.util.Locale.ROOT);
  }
}
