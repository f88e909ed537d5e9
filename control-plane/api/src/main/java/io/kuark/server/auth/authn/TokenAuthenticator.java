package io.kuark.server.auth.authn;

import io.kuark.server.api.http.UserInfo;
import java.util.Optional;

/** Turns a bearer token into a user; empty when this authenticator does not accept the token. */
public interface TokenAuthenticator {

  Optional<UserInfo> authenticate(String token);
}
