#!/usr/bin/env node
// An HIS integrator's walk through the EHC card-management gateway (ehc.* protocol,
// EHC-FORMATS §4): register a card, generate a dynamic QR code, verify it as a scanner would,
// and report a card use. It uses only Node.js and the published protocol: no project code.
//
//   EHC_GATEWAY_URL=http://127.0.0.1:8080/gateway EHC_APP_ID=... EHC_APP_SECRET=... \
//     node docs/examples/gateway-walkthrough.mjs
//
// The app needs the scopes register, verify, query and report (`ehc app add ... --scopes
// register,verify,query,report`). The person must be in the population registry
// (`ehc registry import`) unless the deployment allows registrations below registry level.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

const url = process.env.EHC_GATEWAY_URL ?? 'http://127.0.0.1:8080/gateway';
const appId = required('EHC_APP_ID');
const secret = required('EHC_APP_SECRET'); // 32 hex characters = the 16-byte SM4 key
const terminalCode = process.env.EHC_TERMINAL_CODE ?? 'WALKTHROUGH0100';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`set ${name}`);
    process.exit(2);
  }
  return value;
}

const sm3 = (text) => createHash('sm3').update(text, 'utf8').digest('hex');

// biz_content: SM4-ECB with PKCS#7 padding, key = the secret's 16 bytes, lowercase hex.
function encrypt(plain) {
  const cipher = createCipheriv('sm4-ecb', Buffer.from(secret, 'hex'), null);
  return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('hex');
}
function decrypt(hex) {
  const decipher = createDecipheriv('sm4-ecb', Buffer.from(secret, 'hex'), null);
  return Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]).toString('utf8');
}

// digest: SM3 of every other non-empty field as key=value, sorted by key, joined by &,
// followed directly by the secret.
function digestOf(fields) {
  const text = Object.keys(fields)
    .filter((key) => key !== 'digest' && fields[key] !== undefined && fields[key] !== '')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
  return sm3(text + secret);
}

async function call(method, params) {
  const request = {
    app_id: appId,
    method,
    biz_content: encrypt(JSON.stringify(params)),
    digest_type: 'SM3',
    enc_type: 'SM4',
    term_id: terminalCode,
    timestamp: String(Date.now()),
    version: 'X.M.0.1',
  };
  request.digest = digestOf(request);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = await response.json();
  if (body.digest !== digestOf(body)) throw new Error(`${method}: the response digest does not match`);
  if (body.code !== '10') throw new Error(`${method}: ${body.sub_code} ${body.sub_message ?? body.message}`);
  return body.biz_content ? JSON.parse(decrypt(body.biz_content)) : {};
}

const now = new Date();
const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14); // yyyyMMddHHmmss (UTC here)

const registered = await call('ehc.ehealthcard.register', {
  register_no: `walkthrough-${stamp}`,
  register_time: stamp,
  apply_type: '1',
  id_type: '01',
  id_no: process.env.EHC_ID_NO ?? '11010020171225006X',
  name: process.env.EHC_NAME ?? '张三',
  gender: process.env.EHC_GENDER ?? '2',
  nation: '01',
  nationality: 'CHN',
  birthday: process.env.EHC_BIRTHDAY ?? '2017-12-25',
  cellphone: '13812341234',
  channel: '0100',
});
console.log('1. registered:', registered.ehealth_card_id);

const generated = await call('ehc.ehealthcode.generate', {
  ehealth_card_id: registered.ehealth_card_id,
  ewmbs: '0',
  generate_no: `walkthrough-${stamp}`,
  generate_time: stamp,
});
console.log('2. dynamic code:', generated.ehealth_code);

const verified = await call('ehc.ehealthcode.verify', {
  ehealth_code: generated.ehealth_code,
  medstepcode: '010101',
  terminalcode: terminalCode,
  channelcode: '01',
  depcode: '0100',
});
console.log('3. verified:', verified.name, verified.id_no, verified.card_status ?? verified.status);

const reported = await call('ehc.ehealthcode.usecarddate', {
  records: [
    {
      ehealth_card_id: registered.ehealth_card_id,
      medstep_code: '0101051',
      terminal_code: terminalCode,
      channel_code: '01',
      use_time: stamp,
      cost_type: '0100',
      dep_code: '0100',
    },
  ],
});
console.log('4. card use reported, accepted:', reported.accepted);
