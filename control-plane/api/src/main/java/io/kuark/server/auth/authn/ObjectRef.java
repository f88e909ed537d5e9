package io.kuark.server.auth.authn;

/**
 * A core object a token's validity depends on (its service account, bound pod or secret, a
 * bootstrap token's Secret): a change to it drops cached authentication results early.
 *
 * @param resource core plural: {@code serviceaccounts}, {@code pods} or {@code secrets}
 */
public record ObjectRef(String resource, String namespace, String name) {}
