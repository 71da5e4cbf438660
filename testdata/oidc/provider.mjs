// A real authorization server for the private_key_jwt tests: oidc-provider
// (pinned in package-lock.json) on a loopback port, with clients that may
// use the client-credentials grant only with a JWT signed by a key of their
// JWKS (looked up by kid), and oidc-provider's own replay detection of each
// assertion's jti. It prints "READY <issuer>" and serves until killed.
//
//   node provider.mjs CLIENTS_FILE    (a JSON list of {"client_id", "jwks"})
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const clients = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// Listen first: the issuer names the port.
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: clients.map(({ client_id, jwks }) => ({
    client_id,
    token_endpoint_auth_method: 'private_key_jwt',
    jwks,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  })),
  clientAuthMethods: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
  },
  ttl: { ClientCredentials: 600 },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.on('grant.error', (ctx, err) => console.error('grant.error', err.message, err.error_description || ''));
server.on('request', provider.callback());
console.log(`READY ${issuer}`);
