/**
 * Every text of the dashboard, in English and German, from one typed catalog: a key missing in
 * one language is a compile error.
 */
const en = {
  title: 'Directory connectors',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signingIn: 'Signing in…',
  notAdmin: 'Access denied: only tenant administrators (role tenant-admin) may manage connectors.',
  loadFailed: 'Could not load: {message}',
  noConnectors: 'No connectors yet.',
  health_never_run: 'never run',
  health_ok: 'healthy',
  health_failing: 'last run failed',
  health_running: 'running',
  health_needs_approval: 'waiting for approval',
  currentRun: 'Current run',
  lastRun: 'Last run',
  recentRuns: 'Recent runs',
  none: 'none',
  startFull: 'Full sync',
  startIncremental: 'Incremental sync',
  startDryRun: 'Dry run',
  runStarted: 'Run started.',
  runConflict: 'A run of this connector is already active.',
  state_queued: 'queued',
  state_running: 'running',
  state_needs_approval: 'needs approval',
  state_completed: 'completed',
  state_failed: 'failed',
  state_rejected: 'rejected',
  seen: 'seen',
  created: 'created',
  updated: 'updated',
  deactivated: 'deactivated',
  skipped: 'skipped',
  errors: 'errors',
  guardText:
    'This run would deactivate {count} of {linked} linked users, more than the guard allows. Nothing was deactivated.',
  approve: 'Approve deactivations',
  reject: 'Reject',
  skippedRecords: 'Skipped records',
  reason: 'Reason',
  entry: 'Entry',
  notShown: '{count} more not shown',
  schedule: 'Schedule: incremental {incremental}, full {full}',
  everyMinutes: 'every {minutes} min',
  scheduleOff: 'only when started',
  incrementalMinutes: 'Incremental every (minutes, empty: off)',
  fullCron: 'Full run (cron, empty: off)',
  saveSchedule: 'Save schedule',
  dryRunDiff: 'Dry run: would create {create}, update {update}, deactivate {deactivate}',
  error: 'Error',
  newConnector: 'New connector',
  type: 'Type',
  name: 'Name',
  create: 'Create',
  secretKept: 'stored (leave empty to keep)',
  testConnection: 'Test connection',
  checkOk: 'Connection works.',
  checkFailed: 'Connection failed: {message}',
  language: 'Deutsch',
};

export type Messages = typeof en;
export type MessageKey = keyof Messages;

const de: Messages = {
  title: 'Verzeichnis-Connectoren',
  signIn: 'Anmelden',
  signOut: 'Abmelden',
  signingIn: 'Anmeldung läuft…',
  notAdmin: 'Zugriff verweigert: nur Mandanten-Administratoren (Rolle tenant-admin) verwalten Connectoren.',
  loadFailed: 'Laden fehlgeschlagen: {message}',
  noConnectors: 'Noch keine Connectoren.',
  health_never_run: 'noch nie gelaufen',
  health_ok: 'in Ordnung',
  health_failing: 'letzter Lauf fehlgeschlagen',
  health_running: 'läuft',
  health_needs_approval: 'wartet auf Freigabe',
  currentRun: 'Aktueller Lauf',
  lastRun: 'Letzter Lauf',
  recentRuns: 'Letzte Läufe',
  none: 'keiner',
  startFull: 'Vollabgleich',
  startIncremental: 'Änderungsabgleich',
  startDryRun: 'Probelauf',
  runStarted: 'Lauf gestartet.',
  runConflict: 'Für diesen Connector läuft bereits ein Lauf.',
  state_queued: 'eingereiht',
  state_running: 'läuft',
  state_needs_approval: 'Freigabe nötig',
  state_completed: 'abgeschlossen',
  state_failed: 'fehlgeschlagen',
  state_rejected: 'abgelehnt',
  seen: 'gelesen',
  created: 'angelegt',
  updated: 'geändert',
  deactivated: 'deaktiviert',
  skipped: 'übersprungen',
  errors: 'Fehler',
  guardText:
    'Dieser Lauf würde {count} von {linked} verknüpften Personen deaktivieren, mehr als die Schutzgrenze erlaubt. Es wurde niemand deaktiviert.',
  approve: 'Deaktivierungen freigeben',
  reject: 'Ablehnen',
  skippedRecords: 'Übersprungene Einträge',
  reason: 'Grund',
  entry: 'Eintrag',
  notShown: '{count} weitere nicht angezeigt',
  schedule: 'Zeitplan: inkrementell {incremental}, vollständig {full}',
  everyMinutes: 'alle {minutes} Min.',
  scheduleOff: 'nur auf Anstoß',
  incrementalMinutes: 'Inkrementell alle (Minuten, leer: aus)',
  fullCron: 'Vollständiger Lauf (Cron, leer: aus)',
  saveSchedule: 'Zeitplan speichern',
  dryRunDiff: 'Probelauf: würde {create} anlegen, {update} ändern, {deactivate} deaktivieren',
  error: 'Fehler',
  newConnector: 'Neuer Connector',
  type: 'Typ',
  name: 'Name',
  create: 'Anlegen',
  secretKept: 'gespeichert (leer lassen zum Behalten)',
  testConnection: 'Verbindung testen',
  checkOk: 'Verbindung funktioniert.',
  checkFailed: 'Verbindung fehlgeschlagen: {message}',
  language: 'English',
};

export type Language = 'en' | 'de';
export const catalogs: Record<Language, Messages> = { en, de };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const catalog = catalogs[language];
  return (key, values = {}) =>
    catalog[key].replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name] ?? `{${name}}`));
}

export function preferredLanguage(): Language {
  const stored = localStorage.getItem('vc-admin-language');
  if (stored === 'de' || stored === 'en') return stored;
  return navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';
}
