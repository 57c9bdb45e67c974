// A real OpenID Connect provider (node-oidc-provider) for Parley's tests and
// local demo. Everything is configured through environment variables so the
// Python fixture (tests/support/oidc_provider.py) can start many differently
// configured providers side by side:
//
//   OP_PORT          required; listen on 127.0.0.1:OP_PORT
//   OP_ISSUER        issuer identifier; default http://127.0.0.1:OP_PORT.
//                    Deliberately NOT derived from requests, so tests can run a
//                    provider whose issuer differs from the URL it is reached on
//                    (issuer-mismatch attacks). Endpoint URLs in discovery are
//                    built from the request's host, the issuer is always this.
//   OP_CLIENTS       JSON array of static client metadata (oidc-provider format);
//                    default []
//   OP_REGISTRATION  "1" (default): open Dynamic Client Registration, no initial
//                    access token; "0": disabled (no registration_endpoint)
//   OP_EMAIL_DOMAIN  domain for synthesised e-mail addresses; default example.org
//
// Accounts: any login typed at the dev login page is accepted (any password);
// the login string becomes `sub` as-is.
import { generateKeyPairSync } from 'node:crypto';

import Provider from 'oidc-provider';

function fail(message) {
  process.stderr.write(`oidc-provider: ${message}\n`);
  process.exit(2);
}

const port = Number.parseInt(process.env.OP_PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  fail('OP_PORT must be set to a TCP port number');
}

const issuer = process.env.OP_ISSUER || `http://127.0.0.1:${port}`;
const emailDomain = process.env.OP_EMAIL_DOMAIN || 'example.org';
const registrationEnabled = (process.env.OP_REGISTRATION ?? '1') !== '0';

let clients;
try {
  clients = JSON.parse(process.env.OP_CLIENTS || '[]');
} catch (err) {
  fail(`OP_CLIENTS is not valid JSON: ${err.message}`);
}
if (!Array.isArray(clients)) {
  fail('OP_CLIENTS must be a JSON array');
}

// A fresh RS256 signing key per process: tests must fetch jwks_uri rather than
// pinning a key, which is exactly what a real RP has to do.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: `dev-${Date.now().toString(36)}`,
  alg: 'RS256',
  use: 'sig',
};

function claimsFor(login) {
  const email = login.includes('@') ? login : `${login}@${emailDomain}`;
  return {
    sub: login,
    email,
    email_verified: true,
    name: login,
    preferred_username: login,
  };
}

const configuration = {
  clients,
  jwks: { keys: [signingKey] },
  // Fixed development values: this provider only ever runs on loopback.
  cookies: {
    keys: ['parley-dev-oidc-cookie-key-1', 'parley-dev-oidc-cookie-key-2'],
    // Over plain http ctx.secure is false, so oidc-provider does not mark the
    // cookies Secure; nothing else is needed for http://127.0.0.1.
  },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return claimsFor(id);
      },
    };
  },
  scopes: ['openid', 'profile', 'email'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  // Put the scope-granted claims (email, name, ...) into the ID token too,
  // not only into userinfo, as most real providers do for the code flow.
  conformIdTokenClaims: false,
  // PKCE (S256 is the only method oidc-provider v9 supports) for every client,
  // confidential ones included.
  pkce: { required: () => true },
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  clientDefaults: {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: registrationEnabled, initialAccessToken: false },
    rpInitiatedLogout: { enabled: true },
    userinfo: { enabled: true },
    revocation: { enabled: true },
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 3600,
    Session: 24 * 3600,
    Grant: 24 * 3600,
  },
};

let provider;
try {
  provider = new Provider(issuer, configuration);
} catch (err) {
  fail(`invalid configuration: ${err.message}`);
}

// Static clients are otherwise validated lazily, on first use; validate them
// now so a test with bad OP_CLIENTS fails at start-up with a clear message.
for (const { client_id: clientId } of clients) {
  try {
    await provider.Client.find(clientId);
  } catch (err) {
    fail(`invalid client ${JSON.stringify(clientId)} in OP_CLIENTS: ${err.error_description ?? err.message}`);
  }
}

// WebFinger (OpenID Connect Discovery 1.0 section 2): every acct: resource is
// served by this issuer.
provider.use(async (ctx, next) => {
  if (ctx.path !== '/.well-known/webfinger') {
    await next();
    return;
  }
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
    ctx.status = 405;
    return;
  }
  const { resource } = ctx.query;
  if (typeof resource !== 'string' || resource === '') {
    ctx.status = 400;
    ctx.type = 'application/json';
    ctx.body = { error: 'invalid_request', error_description: 'resource parameter is required' };
    return;
  }
  if (!/^acct:[^@\s]+@[^@\s]+$/.test(resource)) {
    ctx.status = 404;
    return;
  }
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.type = 'application/jrd+json';
  ctx.body = JSON.stringify({
    subject: resource,
    links: [{ rel: 'http://openid.net/specs/connect/1.0/issuer', href: issuer }],
  });
});

// The built-in development pages import a web font from a third party. Parley's
// tests assert that no page makes third-party requests, and the machines running
// them have no internet, so drop the import from every HTML page we serve.
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === 'string' && ctx.response.is('html')) {
    ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g, '');
  }
});

provider.on('server_error', (_ctx, err) => {
  process.stderr.write(`oidc-provider server_error: ${err?.stack ?? err}\n`);
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});

server.on('error', (err) => fail(`cannot listen on 127.0.0.1:${port}: ${err.message}`));

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
