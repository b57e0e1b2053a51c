import { demoPassword, demoUserNames } from './demo-users.js';

const messages = {
  en: {
    title: 'Sign in',
    heading: 'Sign in to the development issuer',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    cancel: 'Cancel',
    hint: `Demo users: ${demoUserNames.join(', ')}. Password: ${demoPassword}.`,
    failed: 'Unknown user or wrong password.',
    errorTitle: 'Sign-in failed',
  },
  de: {
    title: 'Anmelden',
    heading: 'Beim Entwicklungs-Identitätsdienst anmelden',
    username: 'Benutzername',
    password: 'Passwort',
    submit: 'Anmelden',
    cancel: 'Abbrechen',
    hint: `Demo-Benutzer: ${demoUserNames.join(', ')}. Passwort: ${demoPassword}.`,
    failed: 'Unbekannter Benutzer oder falsches Passwort.',
    errorTitle: 'Anmeldung fehlgeschlagen',
  },
} as const;

export type Language = keyof typeof messages;

/** German when the browser (or `ui_locales`) prefers it, English otherwise. */
export function pickLanguage(uiLocales: unknown, acceptLanguage: string | undefined): Language {
  const preferences =
    `${typeof uiLocales === 'string' ? uiLocales : ''} ${acceptLanguage ?? ''}`.toLowerCase();
  const first = /\b(de|en)\b/.exec(preferences)?.[1];
  return first === 'de' ? 'de' : 'en';
}

/** Security headers for the issuer's own pages: no scripts, no framing, no caching. */
export const pageHeaders = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function renderLoginPage(options: {
  language: Language;
  action: string;
  abortUrl: string;
  clientId: string;
  username?: string;
  failed?: boolean;
}): string {
  const t = messages[options.language];
  const error = options.failed === true ? `<p class="error" role="alert">${escapeHtml(t.failed)}</p>` : '';
  return layout(
    options.language,
    t.title,
    `<h1>${escapeHtml(t.heading)}</h1>
<p class="client">${escapeHtml(options.clientId)}</p>
${error}
<form method="post" action="${escapeHtml(options.action)}">
  <label>${escapeHtml(t.username)}<input name="username" autocomplete="username" autofocus required value="${escapeHtml(options.username ?? '')}"></label>
  <label>${escapeHtml(t.password)}<input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">${escapeHtml(t.submit)}</button>
  <a href="${escapeHtml(options.abortUrl)}">${escapeHtml(t.cancel)}</a>
</form>
<p class="hint">${escapeHtml(t.hint)}</p>`,
  );
}

export function renderErrorPage(language: Language, details: Readonly<Record<string, unknown>>): string {
  const t = messages[language];
  const rows = Object.entries(details)
    .filter(([, value]) => typeof value === 'string' && value !== '')
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(String(value))}</dd>`)
    .join('');
  return layout(language, t.errorTitle, `<h1>${escapeHtml(t.errorTitle)}</h1><dl>${rows}</dl>`);
}

function layout(language: Language, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}
label{display:block;margin:.75rem 0}input{display:block;width:100%;padding:.5rem;margin-top:.25rem;box-sizing:border-box}
button{padding:.5rem 1rem;margin-right:1rem}.error{color:#b00020}.hint,.client{color:#555;font-size:.9rem}
</style>
</head>
<body>
${body}
</body>
</html>`;
}
