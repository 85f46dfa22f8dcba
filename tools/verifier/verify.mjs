#!/usr/bin/env node
// Verify an Open Badges 3.0 / VC 2.0 credential offline with @digitalcredentials/verifier-core,
// an implementation independent of ours (jsonld.js + Digital Bazaar cryptosuites).
//
// Usage: node verify.mjs CREDENTIAL.json [--serve URL=FILE]...
//
// Nothing goes over the network: every fetch is intercepted. Our vendored JSON-LD contexts
// (course/certificates/contexts/) are served for their URLs, each --serve pair serves a local
// file for one URL (e.g. a BitstringStatusListCredential or a JSON Schema), and any other
// request is refused. did:key is resolved offline by verifier-core itself.
//
// Prints one JSON object on stdout. Exit code: 0 valid, 1 not valid, 2 usage or internal error.
// "Valid" means: no fatal error, signature valid, not expired, and not revoked (when the
// credential has a status entry). The issuer-registry step is reported but ignored, because
// no registry is consulted offline.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = resolve(here, '..', '..', 'course', 'certificates', 'contexts');

function usage(message) {
  process.stderr.write(`${message}\nusage: node verify.mjs CREDENTIAL.json [--serve URL=FILE]...\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const served = new Map();
  let credentialPath = null;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--serve') {
      const pair = argv[i + 1] ?? '';
      const cut = pair.indexOf('=');
      if (cut < 1) usage(`--serve needs URL=FILE, got ${JSON.stringify(pair)}`);
      served.set(pair.slice(0, cut), resolve(pair.slice(cut + 1)));
      i += 1;
    } else if (credentialPath === null) {
      credentialPath = argv[i];
    } else {
      usage(`unexpected argument ${JSON.stringify(argv[i])}`);
    }
  }
  if (credentialPath === null) usage('missing credential file');
  return { credentialPath, served };
}

function vendoredContexts() {
  const mapping = JSON.parse(readFileSync(join(contextsDir, 'contexts.json'), 'utf8'));
  return new Map(Object.entries(mapping).map(([url, file]) => [url, join(contextsDir, file)]));
}

// Replace fetch before verifier-core (and ky, ajv) are loaded, so no code path can reach
// the network.
function installOfflineFetch(served, requests) {
  globalThis.fetch = async (input) => {
    const url = typeof input === 'string' ? input : (input?.url ?? String(input));
    const file = served.get(url);
    requests.push({ url, served: Boolean(file) });
    if (!file) {
      throw new TypeError(`offline verifier: refused network request for ${url}`);
    }
    return new Response(readFileSync(file), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
}

function summarize(result, requests) {
  const fatal = Array.isArray(result.errors) && result.errors.length > 0;
  const log = Object.fromEntries((result.log ?? []).map((entry) => [entry.id, entry]));
  const stepOk = (id, required) => (log[id] ? log[id].valid === true : !required);
  const valid =
    !fatal &&
    stepOk('valid_signature', true) &&
    stepOk('expiration', false) &&
    stepOk('revocation_status', false);
  const schema = (result.additionalInformation ?? []).find((entry) => entry.id === 'schema_check');
  return {
    valid,
    errors: (result.errors ?? []).map(({ name, message }) => ({ name, message })),
    steps: Object.fromEntries(
      Object.entries(log).map(([id, entry]) => [id, entry.valid ?? entry.error ?? null]),
    ),
    schemaCheck: schema?.results ?? null,
    networkRequests: requests,
  };
}

async function main() {
  const { credentialPath, served } = parseArgs(process.argv.slice(2));
  const serveMap = new Map([...vendoredContexts(), ...served]);
  const requests = [];
  installOfflineFetch(serveMap, requests);
  // Libraries log to stdout; keep stdout for our single JSON result.
  console.log = (...args) => console.error(...args);
  console.info = console.log;

  const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));
  const { verifyCredential } = await import('@digitalcredentials/verifier-core');
  const result = await verifyCredential({ credential, knownDIDRegistries: [] });
  const summary = summarize(result, requests);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = summary.valid ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`verify.mjs: ${error?.stack ?? error}\n`);
  process.exit(2);
});
