import { parseStringPromise } from 'xml2js';

import { desktopIconSizes, mobileIconSizes } from './icon-sizes.js';

/**
 * Offline checks of an add-in-only XML manifest: what `office-addin-manifest validate` would only
 * learn by sending the file to Microsoft's validation service, for the rules that break an
 * online-meeting add-in in practice. Each problem names the rule it broke.
 */
export interface ManifestProblem {
  readonly rule:
    | 'xml'
    | 'shape'
    | 'id'
    | 'version'
    | 'requirements'
    | 'https'
    | 'one-origin'
    | 'resource-id'
    | 'resid'
    | 'icon-sizes'
    | 'organizer-command'
    | 'mobile-surface';
  readonly message: string;
}

export interface ValidateOptions {
  /** Accept `http://` on loopback (tests run the hub without TLS); Outlook itself never does. */
  readonly allowLoopbackHttp?: boolean;
}

interface XmlNode {
  readonly $?: Readonly<Record<string, string>>;
  readonly _?: string;
  readonly [child: string]: unknown;
}

const guid = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** Which resource list a `resid` must name, by the element that carries it. */
const residKinds: Readonly<Record<string, 'Images' | 'Urls' | 'ShortStrings' | 'LongStrings'>> = {
  'bt:Image': 'Images',
  FunctionFile: 'Urls',
  SourceLocation: 'Urls',
  Label: 'ShortStrings',
  Title: 'ShortStrings',
  Description: 'LongStrings',
};

function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (!Array.isArray(value)) return [];
  return value.map((child: unknown) => (typeof child === 'string' ? { _: child } : (child as XmlNode)));
}

function text(node: XmlNode): string {
  return (node._ ?? '').trim();
}

/** Every element below `node` (itself included) with its name, depth first. */
function* walk(node: XmlNode, name: string): Generator<{ name: string; node: XmlNode }> {
  yield { name, node };
  for (const [key, value] of Object.entries(node)) {
    if (key === '$' || key === '_' || !Array.isArray(value)) continue;
    for (const child of children(node, key)) yield* walk(child, key);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

export async function validateAddinManifest(
  xml: string,
  options: ValidateOptions = {},
): Promise<ManifestProblem[]> {
  let parsed: Record<string, XmlNode>;
  try {
    parsed = (await parseStringPromise(xml)) as Record<string, XmlNode>;
  } catch (error) {
    return [{ rule: 'xml', message: `not well-formed XML: ${(error as Error).message.split('\n')[0]}` }];
  }
  const root = parsed?.['OfficeApp'];
  if (root === undefined || root.$?.['xsi:type'] !== 'MailApp') {
    return [{ rule: 'shape', message: 'the root element must be <OfficeApp xsi:type="MailApp">' }];
  }
  const problems: ManifestProblem[] = [];
  const problem = (rule: ManifestProblem['rule'], message: string) => problems.push({ rule, message });
  const all = [...walk(root, 'OfficeApp')];
  const named = (name: string) => all.filter((e) => e.name === name).map((e) => e.node);

  const id = named('Id').map(text);
  if (id.length !== 1 || !guid.test(id[0] ?? ''))
    problem('id', `<Id> must be one GUID, found ${JSON.stringify(id)}`);
  const version = named('Version').map(text)[0] ?? '';
  if (!/^\d{1,5}(\.\d{1,5}){0,3}$/.test(version))
    problem('version', `<Version> "${version}" is not like 1.0.0.0`);

  if (
    !children(root, 'Hosts').some((h) => children(h, 'Host').some((host) => host.$?.['Name'] === 'Mailbox'))
  ) {
    problem('requirements', 'the add-in must name the Mailbox host');
  }
  if (!named('Set').some((set) => set.$?.['Name'] === 'Mailbox')) {
    problem('requirements', 'the Mailbox requirement set is missing');
  }
  const overrides = named('VersionOverrides').filter((v) => v.$?.['xsi:type'] === 'VersionOverridesV1_1');
  if (overrides.length !== 1)
    problem('shape', 'expected one <VersionOverrides xsi:type="VersionOverridesV1_1">');

  // Every URL: HTTPS, all on the origin the pages come from.
  const urls: { where: string; url: string }[] = [];
  for (const { name, node } of all) {
    const value = node.$?.['DefaultValue'];
    if (
      value !== undefined &&
      /^(IconUrl|HighResolutionIconUrl|SupportUrl|SourceLocation|bt:Url|bt:Image)$/.test(name)
    ) {
      urls.push({
        where: `<${name}${node.$?.['id'] === undefined ? '' : ` id="${node.$['id']}"`}>`,
        url: value,
      });
    }
    if (name === 'AppDomain') urls.push({ where: '<AppDomain>', url: text(node) });
  }
  const origins = new Set<string>();
  for (const { where, url } of urls) {
    if (!URL.canParse(url)) {
      problem('https', `${where} holds "${url}", which is not a URL`);
      continue;
    }
    const parsedUrl = new URL(url);
    const loopbackHttp =
      options.allowLoopbackHttp === true && parsedUrl.protocol === 'http:' && isLoopback(parsedUrl.hostname);
    if (parsedUrl.protocol !== 'https:' && !loopbackHttp) problem('https', `${where} must use HTTPS: ${url}`);
    origins.add(parsedUrl.origin);
  }
  if (origins.size > 1)
    problem('one-origin', `the URLs span ${origins.size} origins: ${[...origins].join(', ')}`);

  // Resources: unique ids of at most 32 characters, and every resid resolves to the right kind.
  const resources = new Map<string, string>();
  for (const kind of ['Images', 'Urls', 'ShortStrings', 'LongStrings'] as const) {
    for (const list of named(`bt:${kind}`)) {
      for (const entry of [
        ...children(list, 'bt:Image'),
        ...children(list, 'bt:Url'),
        ...children(list, 'bt:String'),
      ]) {
        const rid = entry.$?.['id'] ?? '';
        if (rid === '' || rid.length > 32)
          problem('resource-id', `a resource id must have 1 to 32 characters: "${rid}"`);
        if (resources.has(rid)) problem('resource-id', `the resource id "${rid}" is used twice`);
        resources.set(rid, kind);
        const limit = kind === 'ShortStrings' ? 125 : kind === 'LongStrings' ? 250 : undefined;
        if (limit !== undefined && (entry.$?.['DefaultValue'] ?? '').length > limit) {
          problem('resource-id', `the string "${rid}" is longer than ${limit} characters`);
        }
      }
    }
  }
  for (const { name, node } of all) {
    const resid = node.$?.['resid'];
    if (resid === undefined) continue;
    const expected = residKinds[name];
    const found = resources.get(resid);
    if (found === undefined) problem('resid', `<${name} resid="${resid}"> names no resource`);
    else if (expected !== undefined && found !== expected) {
      problem('resid', `<${name} resid="${resid}"> must name one of bt:${expected}, not bt:${found}`);
    }
  }

  // Icons: each desktop button 16/32/80, each mobile button 25/32/48 at scales 1-3.
  for (const control of named('Control')) {
    const type = control.$?.['xsi:type'];
    const images = children(control, 'Icon').flatMap((icon) => children(icon, 'bt:Image'));
    const sizes = (scale?: string) =>
      [
        ...new Set(
          images
            .filter((i) => scale === undefined || i.$?.['scale'] === scale)
            .map((i) => Number(i.$?.['size'])),
        ),
      ]
        .sort((a, b) => a - b)
        .join(',');
    const label = `control "${control.$?.['id'] ?? '?'}"`;
    if (type === 'Button' && sizes() !== desktopIconSizes.join(',')) {
      problem(
        'icon-sizes',
        `${label} needs icons of ${desktopIconSizes.join('/')} pixels, has ${sizes() || 'none'}`,
      );
    }
    if (type === 'MobileButton') {
      for (const scale of ['1', '2', '3']) {
        if (sizes(scale) !== mobileIconSizes.join(',')) {
          problem(
            'icon-sizes',
            `${label} needs icons of ${mobileIconSizes.join('/')} pixels at scale ${scale}, has ${sizes(scale) || 'none'}`,
          );
        }
      }
    }
  }

  // Outlook allows exactly one function command on the organizer surface of an online-meeting add-in.
  const surfaces = (type: string) => named('ExtensionPoint').filter((e) => e.$?.['xsi:type'] === type);
  const organizer = surfaces('AppointmentOrganizerCommandSurface');
  const functionCommands = organizer
    .flatMap((surface) => [...walk(surface, 'ExtensionPoint')])
    .filter((e) => e.name === 'Action' && e.node.$?.['xsi:type'] === 'ExecuteFunction');
  if (organizer.length === 0) problem('organizer-command', 'there is no AppointmentOrganizerCommandSurface');
  else if (functionCommands.length !== 1) {
    problem(
      'organizer-command',
      `the organizer surface must have exactly one function command, has ${functionCommands.length}`,
    );
  }
  for (const action of functionCommands) {
    if (children(action.node, 'FunctionName').map(text)[0] === undefined) {
      problem('organizer-command', 'the function command names no <FunctionName>');
    }
  }
  if (surfaces('MobileOnlineMeetingCommandSurface').length !== 1) {
    problem('mobile-surface', 'expected one MobileOnlineMeetingCommandSurface (Outlook on iOS and Android)');
  }
  return problems;
}
