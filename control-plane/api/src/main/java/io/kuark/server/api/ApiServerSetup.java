package io.kuark.server.api;

import io.kuark.server.api.crd.CustomResourceDefinitions;
import io.kuark.server.api.handler.TableConverter;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.auth.pki.ClusterPki;
import io.kuark.server.storage.Storage;
import io.vertx.core.Vertx;

/**
 * What an {@link ApiServer} is built from.
 *
 * @param vertx the Vert.x instance to serve on (Quarkus-managed in kuark-server)
 * @param storage the opened storage (the caller closes it after the server)
 * @param catalog served resources
 * @param pki certificates (serving certificate and client CA)
 * @param config network settings
 * @param admission defaulting and validation ({@link ObjectAdmission#NONE} for none)
 * @param tables Table printers
 * @param openApi OpenAPI documents ({@link OpenApiSource#NONE} for none)
 * @param customResources the CRD registry the server keeps in step with stored CRDs
 * @param tokenAuthFile {@code --token-auth-file} (static bearer tokens), or null
 * @param admissionConfigFile {@code --admission-control-config-file} (PodSecurity defaults and
 *     exemptions), or null
 */
public record ApiServerSetup(
    Vertx vertx,
    Storage storage,
    ResourceCatalog catalog,
    ClusterPki pki,
    ApiServerConfig config,
    ObjectAdmission admission,
    TableConverter tables,
    OpenApiSource openApi,
    CustomResourceDefinitions customResources,
    java.nio.file.Path tokenAuthFile,
    java.nio.file.Path admissionConfigFile) {}
