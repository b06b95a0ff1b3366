// Independent verifier (Digital Bazaar stack) for tests/credentials/test_crossverify.py and
// bench/bench_verify.py. Offline: the document loader serves only certpass's bundled
// contexts (read from certpass/credentials/contexts) and the DID documents and status list
// credentials given in the input file.
//
// usage: node verify.mjs INPUT.json
// INPUT: {"credentials": [...], "documents": {url-or-did: document}, "loop": n?}
// prints {"results": [{"verified", "suite", "status": {purpose: bool}|null, "errors"}],
//         "per_s"?}
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as jcsSuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', '..', 'certpass', 'credentials', 'contexts');
// The same URL -> file table as certpass/credentials/documents.py.
const BUNDLED = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://www.w3.org/ns/credentials/examples/v2': 'credentials-examples-v2.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
  'https://www.w3.org/ns/credentials/status/v1': 'status-v1.jsonld',
  'https://test.uncefact.org/vocabulary/untp/dcc/0.6.1/': 'untp-dcc-0.6.1.jsonld',
  'https://test.uncefact.org/vocabulary/untp/dia/0.6.1/': 'untp-dia-0.6.1.jsonld',
  'https://vocabulary.uncefact.org/untp/0.7.0/context/': 'untp-0.7.0.jsonld',
};

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const supplied = input.documents || {};
const cache = new Map();

function documentLoader(url) {
  const [base, fragment] = url.split('#');
  let document = cache.get(base);
  if(!document) {
    if(supplied[base]) {
      document = supplied[base];
    } else if(BUNDLED[base]) {
      document = JSON.parse(readFileSync(join(contextsDir, BUNDLED[base]), 'utf8'));
    } else {
      throw new Error(`document ${url} is not available offline`);
    }
    cache.set(base, document);
  }
  if(fragment && document.verificationMethod) {
    // A verification method is dereferenced on its own, with the DID's contexts.
    const vm = document.verificationMethod.find(m => m.id === url);
    if(!vm) {
      throw new Error(`verification method ${url} not found`);
    }
    return {contextUrl: null, documentUrl: url, document: {'@context': document['@context'], ...vm}};
  }
  return {contextUrl: null, documentUrl: url, document};
}

const suites = [
  new DataIntegrityProof({cryptosuite: rdfc}),
  new DataIntegrityProof({cryptosuite: jcsSuite()}),
];

const skipStatus = async () => ({verified: true});

async function statusOf(credential) {
  const entries = [].concat(credential.credentialStatus || []);
  if(!entries.length) {
    return null;
  }
  const out = {};
  for(const entry of entries) {
    const single = {...credential, credentialStatus: entry};
    const r = await checkStatus({credential: single, documentLoader, suite: suites,
      verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true});
    const one = r.results ? r.results[0] : r;
    out[entry.statusPurpose] = r.verified ? one.status
      : `error: ${(r.error || one.error || {}).message}`;
  }
  return out;
}

async function verifyOne(credential) {
  // Status is checked per entry below (the library's checkStatus takes one entry at a time).
  const result = await vc.verifyCredential({credential, suite: suites, documentLoader,
    checkStatus: skipStatus});
  const errors = [];
  if(!result.verified) {
    const e = result.error;
    for(const err of [].concat(e && e.errors ? e.errors : e || [])) {
      errors.push(String(err && err.message || err));
    }
    for(const r of result.results || []) {
      if(r.error) {
        errors.push(String(r.error.message || r.error));
      }
    }
  }
  return {
    verified: result.verified,
    suite: [].concat(credential.proof || []).map(p => p.cryptosuite).join(','),
    status: result.verified ? await statusOf(credential) : null,
    errors,
  };
}

const results = [];
for(const credential of input.credentials) {
  results.push(await verifyOne(credential));
}
const output = {results};
if(input.loop) {
  const credential = input.credentials[0];
  const start = process.hrtime.bigint();
  for(let i = 0; i < input.loop; i++) {
    const r = await vc.verifyCredential({credential, suite: suites, documentLoader,
      checkStatus: skipStatus});
    if(!r.verified) {
      throw new Error('loop verification failed');
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  output.per_s = input.loop / seconds;
}
process.stdout.write(JSON.stringify(output) + '\n');
