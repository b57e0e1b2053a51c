import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Recording stand-ins for the UCS tools the app's join and unjoin scripts call: `ucr`, `udm`,
 * `univention-keycloak`, `curl` (Keycloak's admin REST API only) and the join script helper
 * library. Each records its arguments in calls.log and keeps the state it would change in
 * state.json, with the semantics the scripts rely on: `oidc/rp create` leaves an existing client
 * alone, `udm ... --ignore_exists` likewise, a second role POST answers 409.
 */
const common = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.STANDIN_DIR;
const stateFile = path.join(dir, 'state.json');
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, 'calls.log'), JSON.stringify([path.basename(process.argv[1], '.cjs'), ...args]) + '\n');
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
const out = (text) => process.stdout.write(text);
/** Drops leading bind options (--binddn X --bindpwdfile Y) the scripts pass through. */
function withoutBindArgs(list) {
  const rest = [...list];
  while (rest.length > 0 && /^--bind/.test(rest[0])) rest.splice(0, 2);
  return rest;
}
function options(list) {
  const result = { positional: [], values: {} };
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s);
      const flag = inline === undefined && (i + 1 >= list.length || list[i + 1].startsWith('--'));
      const value = inline !== undefined ? inline : flag ? true : list[++i];
      (result.values[name] ??= []).push(value);
    } else result.positional.push(a);
  }
  return result;
}
`;

const scripts: Record<string, string> = {
  ucr: String.raw`
const [command, ...rest] = args;
if (command === 'shell') {
  for (const key of rest) out(key.replace(/[^A-Za-z0-9_]/g, '_') + "='" + (state.ucr[key] ?? '').replace(/'/g, "'\\''") + "'\n");
} else if (command === 'get') {
  out((state.ucr[rest[0]] ?? '') + '\n');
} else if (command === 'set') {
  for (const pair of rest) { const at = pair.indexOf('='); const key = pair.slice(0, at); const value = pair.slice(at + 1);
    if (state.ucr[key] !== value) { out('Setting ' + key + '\n'); state.ucr[key] = value; } }
  save();
} else if (command === 'unset') {
  for (const key of rest) delete state.ucr[key];
  save();
} else { process.stderr.write('ucr stand-in: unknown command ' + command + '\n'); process.exit(2); }
`,
  udm: String.raw`
const [udmModule, action, ...rest] = args;
const o = options(withoutBindArgs(rest));
const objects = (state.udm[udmModule] ??= {});
if (action === 'create') {
  const set = Object.fromEntries((o.values.set ?? []).map((p) => { const at = p.indexOf('='); return [p.slice(0, at), p.slice(at + 1)]; }));
  const dn = 'uid=' + set.username + ',' + o.values.position[0];
  if (objects[dn] !== undefined) {
    if (o.values.ignore_exists) { out('Object exists: ' + dn + '\n'); process.exit(0); }
    process.stderr.write('E: Object exists: ' + dn + '\n'); process.exit(1);
  }
  objects[dn] = set; save(); out('Object created: ' + dn + '\n');
} else if (action === 'remove') {
  const dn = o.values.dn[0];
  if (objects[dn] === undefined) { process.stderr.write('E: object not found\n'); process.exit(1); }
  delete objects[dn]; save(); out('Object removed: ' + dn + '\n');
} else { process.stderr.write('udm stand-in: unknown action\n'); process.exit(2); }
`,
  'univention-keycloak': String.raw`
const rest = withoutBindArgs(args);
const kc = state.keycloak;
if (state.failKeycloak) { process.stderr.write('Keycloak is not reachable\n'); process.exit(1); }
if (rest[0] === 'get-keycloak-base-url') { out(kc.baseUrl + '\n'); process.exit(0); }
const o = options(rest.slice(2));
const id = o.positional[0];
if (rest[0] === 'oidc/rp' && rest[1] === 'create') {
  if (kc.clients[id] !== undefined) { out('Client ' + id + ' already exists\n'); process.exit(0); }
  kc.clients[id] = { uuid: 'uuid-' + id, options: o.values, serviceAccountsEnabled: false };
  save(); out('Client ' + id + ' created\n');
} else if (rest[0] === 'oidc/rp' && rest[1] === 'remove') {
  if (kc.clients[id] === undefined) { process.stderr.write('client not found\n'); process.exit(1); }
  delete kc.clients[id]; save();
} else { process.stderr.write('univention-keycloak stand-in: unknown command ' + rest.join(' ') + '\n'); process.exit(2); }
`,
  curl: String.raw`
let method = 'GET', url = '', output = null, format = null, fail = false; const data = []; const headers = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-X') method = args[++i];
  else if (a === '-d') { data.push(args[++i]); if (method === 'GET') method = 'POST'; }
  else if (a === '--data-urlencode') { const v = args[++i]; const at = v.indexOf('@');
    data.push(at > 0 ? v.slice(0, at) + '=' + fs.readFileSync(v.slice(at + 1), 'utf8') : v); if (method === 'GET') method = 'POST'; }
  else if (a === '-H') headers.push(args[++i]);
  else if (a === '-o') output = args[++i];
  else if (a === '-w') format = args[++i];
  else if (a.startsWith('-') && !a.startsWith('--')) { if (a.includes('f')) fail = true; }
  else url = a;
}
const kc = state.keycloak;
const u = new URL(url);
const p = u.pathname;
let status = 200, body = '';
const admin = '/admin/realms/ucs';
const authorized = headers.includes('Authorization: Bearer admin-token');
const clientByUuid = (uuid) => Object.values(kc.clients).find((c) => c.uuid === uuid);
if (!u.href.startsWith(kc.baseUrl)) status = 404;
else if (p === '/realms/master/protocol/openid-connect/token') {
  const form = new URLSearchParams(data.join('&'));
  if (form.get('username') === 'admin' && form.get('password') === kc.adminPassword) body = JSON.stringify({ access_token: 'admin-token' });
  else status = 401;
} else if (!authorized) status = 401;
else if (p === admin + '/roles' && method === 'POST') {
  const role = JSON.parse(data[0]);
  if (kc.roles[role.name] !== undefined) status = 409; else { kc.roles[role.name] = { id: 'role-' + role.name, name: role.name }; status = 201; save(); }
} else if (p.startsWith(admin + '/roles/')) {
  const name = decodeURIComponent(p.slice((admin + '/roles/').length));
  if (kc.roles[name] === undefined) status = 404;
  else if (method === 'DELETE') { delete kc.roles[name]; for (const k of Object.keys(kc.roleMappings)) kc.roleMappings[k] = kc.roleMappings[k].filter((r) => r !== name); status = 204; save(); }
  else body = JSON.stringify(kc.roles[name]);
} else if (p === admin + '/clients') {
  const c = kc.clients[u.searchParams.get('clientId')];
  body = JSON.stringify(c === undefined ? [] : [{ id: c.uuid, clientId: u.searchParams.get('clientId') }]);
} else if (/\/clients\/[^/]+$/.test(p) && method === 'PUT') {
  const c = clientByUuid(p.split('/').pop());
  if (c === undefined) status = 404; else { const change = JSON.parse(data[0]); if (change.serviceAccountsEnabled === true && !c.serviceAccountsEnabled) { c.serviceAccountsEnabled = true; save(); } status = 204; }
} else if (/\/clients\/[^/]+\/service-account-user$/.test(p)) {
  const c = clientByUuid(p.split('/')[5]);
  if (c === undefined || !c.serviceAccountsEnabled) status = 400; else body = JSON.stringify({ id: 'sa-' + c.uuid });
} else if (/\/users\/[^/]+\/role-mappings\/realm$/.test(p) && method === 'POST') {
  const user = p.split('/')[5];
  const list = (kc.roleMappings[user] ??= []);
  for (const role of JSON.parse(data[0])) if (!list.includes(role.name)) list.push(role.name);
  save(); status = 204;
} else status = 404;
if (fail && status >= 400) { process.stderr.write('curl: (22) The requested URL returned error: ' + status + '\n'); process.exit(22); }
if (output === null) out(body);
if (format !== null) out(format.replace('%{http_code}', String(status)));
`,
};

const helperLib = String.raw`# Stand-in for /usr/share/univention-join/joinscripthelper.lib (tests only).
# Unlike the real one, joinscript_init never skips a script already run: the tests want to see
# what a forced re-run does.
joinscript_init() { :; }
joinscript_save_current_version() { echo "vchub v$VERSION" > "$STANDIN_DIR/joinstatus"; }
joinscript_remove_script_from_status_file() { rm -f "$STANDIN_DIR/joinstatus"; }
`;

export interface StandIns {
  readonly bin: string;
  readonly helperLib: string;
}

export function writeStandIns(dir: string): StandIns {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(scripts)) {
    // A .cjs file and a shell wrapper: an extensionless script may be loaded as ESM.
    writeFileSync(join(bin, `${name}.cjs`), `'use strict';\n${common}\n${body}`);
    const wrapper = join(bin, name);
    writeFileSync(wrapper, `#!/bin/sh\nexec node "$0.cjs" "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  const helper = join(dir, 'joinscripthelper.lib');
  writeFileSync(helper, helperLib);
  return { bin, helperLib: helper };
}
