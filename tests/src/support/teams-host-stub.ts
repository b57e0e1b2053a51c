/**
 * A stand-in for the Microsoft 365 host (Teams / Outlook on the web) around a personal tab: an
 * HTML page, served by the test at an origin teams-js accepts, that frames the tab and answers
 * its postMessage requests as the host would (initialize with a runtime config that has Outlook's
 * calendar, getContext, calendar.composeMeeting, app.openLink). Requests are recorded for the test
 * in `window.hostCalls`. Built from teams-js's message shapes; it is not Microsoft's host.
 */
export function teamsHostPage(tabUrl: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body>
<iframe id="tab" title="tab" src="${tabUrl}" style="width:900px;height:700px"></iframe>
<script>
window.hostCalls = [];
const runtime = JSON.stringify({ apiVersion: 4, isLegacyTeams: false, hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
  supports: { app: {}, appInstallDialog: {}, calendar: {}, mail: {}, pages: { appButton: {}, tabs: {} }, teamsCore: {} } });
const context = { locale: 'en-us', hostName: 'Outlook', hostClientType: 'web', frameContext: 'content', appSessionId: 'session-1',
  userObjectId: 'user-1', userPrincipalName: 'alice@example.test', tid: 'tenant-1', theme: 'default', entityId: 'my-meetings' };
const answers = {
  initialize: () => ['content', 'web', runtime, '2.58.0'],
  getContext: () => [context],
  'calendar.composeMeeting': () => [true],
  'app.openLink': () => [true],
  executeDeepLink: () => [true],
};
window.addEventListener('message', (event) => {
  const message = event.data;
  if (!message || typeof message.func !== 'string') return;
  window.hostCalls.push({ func: message.func, args: message.args });
  const answer = answers[message.func];
  if (answer === undefined) return;
  event.source.postMessage({ id: message.id, uuid: message.uuid, args: answer(message.args) }, '*');
});
</script></body></html>`;
}
