import { z } from 'zod';

/**
 * The unified app manifest (Microsoft 365 app manifest, schema v1.17) of the personal tab, which
 * runs in Teams, Outlook and microsoft365.com. Rendered for one deployment like the XML manifest.
 */
export const APP_ID = '9c4e1d2a-6b7f-4c3e-8a5d-2f1e0b9c8d7a';
export const appManifestVersion = '1.17';

export function renderAppManifest(options: { publicUrl: string; developerName?: string }): AppManifest {
  const origin = new URL(options.publicUrl).origin;
  const base = `${options.publicUrl.replace(/\/+$/, '')}/outlook`;
  return {
    $schema: `https://developer.microsoft.com/json-schemas/teams/v${appManifestVersion}/MicrosoftTeams.schema.json`,
    manifestVersion: appManifestVersion,
    version: '1.0.0',
    id: APP_ID,
    developer: {
      name: options.developerName ?? 'Video conferencing',
      websiteUrl: `${origin}/`,
      privacyUrl: `${origin}/`,
      termsOfUseUrl: `${origin}/`,
    },
    name: { short: 'Video meetings', full: 'Video meetings: join, meet now, schedule' },
    description: {
      short: 'Your next video meetings, one click to join.',
      full: 'Lists your next video meetings with join buttons, starts a meeting now, and in Outlook opens a new appointment with a meeting already in it.',
    },
    icons: { color: 'icon-192.png', outline: 'icon-32.png' },
    accentColor: '#919191',
    staticTabs: [
      {
        entityId: 'my-meetings',
        name: 'Meetings',
        contentUrl: `${base}/tab.html`,
        websiteUrl: `${origin}/`,
        scopes: ['personal'],
      },
    ],
    permissions: ['identity'],
    validDomains: [new URL(origin).host],
  };
}

const httpsUrl = z.url({ protocol: /^https$/, error: 'expected an https URL' });

/** The rules of the v1.17 schema this manifest relies on, checked offline (the schema itself is fetched online). */
export const appManifestSchema = z.strictObject({
  $schema: z.string().regex(/\/teams\/v1\.(1[7-9]|2\d)\/MicrosoftTeams\.schema\.json$/),
  manifestVersion: z.string().regex(/^1\.(1[7-9]|2\d)$/, 'expected schema version 1.17 or later'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  id: z.uuid(),
  developer: z.strictObject({
    name: z.string().min(1).max(32),
    websiteUrl: httpsUrl,
    privacyUrl: httpsUrl,
    termsOfUseUrl: httpsUrl,
  }),
  name: z.strictObject({ short: z.string().min(1).max(30), full: z.string().max(100) }),
  description: z.strictObject({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.strictObject({ color: z.string().regex(/\.png$/), outline: z.string().regex(/\.png$/) }),
  accentColor: z.string().regex(/^#[0-9A-Fa-f]{6}$/),
  staticTabs: z
    .array(
      z.strictObject({
        entityId: z.string().min(1).max(64),
        name: z.string().min(1).max(128),
        contentUrl: httpsUrl,
        websiteUrl: httpsUrl,
        scopes: z.array(z.enum(['personal', 'team', 'groupChat'])).min(1),
      }),
    )
    .min(1)
    .max(16),
  permissions: z.array(z.enum(['identity', 'messageTeamMembers'])),
  validDomains: z.array(z.string().min(1)).max(16),
});

export type AppManifest = z.infer<typeof appManifestSchema>;

/**
 * Problems of a unified manifest: the schema rules above, every tab URL on a valid domain, and the
 * icons present in the package at their sizes (colour 192×192, outline 32×32).
 */
export function validateAppManifest(
  manifest: unknown,
  options: {
    iconSize?: (file: string) => { width: number; height: number } | undefined;
    allowLoopbackHttp?: boolean;
  } = {},
): string[] {
  const loopback = (value: unknown) =>
    options.allowLoopbackHttp === true &&
    typeof value === 'string' &&
    /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(value)
      ? value.replace(/^http:/, 'https:')
      : value;
  const adjusted: unknown =
    typeof manifest === 'object' && manifest !== null
      ? JSON.parse(JSON.stringify(manifest), (_key, value: unknown) => loopback(value))
      : manifest;
  const parsed = appManifestSchema.safeParse(adjusted);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const problems: string[] = [];
  const domains = new Set(parsed.data.validDomains);
  for (const tab of parsed.data.staticTabs) {
    for (const url of [tab.contentUrl, tab.websiteUrl]) {
      if (!domains.has(new URL(url).host))
        problems.push(`staticTabs.${tab.entityId}: ${url} is not on a valid domain`);
    }
  }
  if (options.iconSize !== undefined) {
    for (const [kind, file, size] of [
      ['color', parsed.data.icons.color, 192],
      ['outline', parsed.data.icons.outline, 32],
    ] as const) {
      const found = options.iconSize(file);
      if (found === undefined) problems.push(`icons.${kind}: ${file} is not in the package`);
      else if (found.width !== size || found.height !== size) {
        problems.push(`icons.${kind}: ${file} is ${found.width}×${found.height}, expected ${size}×${size}`);
      }
    }
  }
  return problems;
}
