/* global window, document, location, navigator, URL, URLSearchParams, WebSocket */
// The myApps app: talks only to its app service (AppWebsocket at ./websocket) and to myApps.
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const lang = (params.get('lang') || navigator.language || 'en').slice(0, 2) === 'de' ? 'de' : 'en';
  const texts = window.vcTexts[lang];
  const myApps = window.vcMyApps;
  // The App object's URL ends in the app's name; myApps loads <name>.htm (the `app` of AppLogin).
  const appName = location.pathname
    .split('/')
    .pop()
    .replace(/\.htm$/, '');
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  const say = (text) => {
    status.textContent = text;
  };

  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = texts[node.dataset.text];
  document.title = texts.title;

  const socketUrl = new URL('websocket', location.href);
  socketUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(socketUrl);
  let counter = 0;
  const pending = new Map();
  const request = (message) =>
    new Promise((resolve, reject) => {
      const src = 'r' + ++counter;
      pending.set(src, (answer) =>
        answer.error ? reject(new Error(answer.errorText || answer.error)) : resolve(answer),
      );
      ws.send(JSON.stringify({ ...message, src }));
    });
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    const settle = pending.get(message.src);
    if (settle) {
      pending.delete(message.src);
      settle(message);
    }
  });
  ws.addEventListener('close', () => say(texts.closed));

  const formatTime = (meeting) => {
    if (!meeting.startsAt) return texts.noTime;
    const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    return format.format(new Date(meeting.startsAt));
  };
  const button = (label, onClick, secondary) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (secondary) b.className = 'secondary';
    b.addEventListener('click', onClick);
    return b;
  };
  const failed = (err) => say(texts.failed + err.message);

  const showDetails = (meeting) => {
    const section = $('details');
    section.replaceChildren();
    const heading = document.createElement('h2');
    heading.textContent = meeting.title + ' – ' + texts.details;
    const list = document.createElement('dl');
    const phone = meeting.phone || {};
    for (const [label, value] of [
      [texts.number, phone.number],
      [texts.conferenceId, phone.conferenceId],
      [texts.pin, phone.pin],
    ]) {
      if (!value) continue;
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
    }
    section.append(heading, list);
    section.hidden = false;
  };

  const joinByPhone = async (meeting) => {
    const { meeting: details } = await request({ mt: 'MeetingDetails', id: meeting.id });
    showDetails(details);
    const phone = details.phone;
    if (!phone) return;
    // One step into the room: the gateway reads id and PIN from the dialled string (decision 0024).
    if (phone.directDial.sip) myApps.startCall({ sip: phone.directDial.sip });
    else if (phone.directDial.num) myApps.startCall({ num: phone.directDial.num });
    else if (phone.number) myApps.startCall({ num: phone.number });
  };

  const callMe = async (meeting) => {
    say(texts.calling);
    await request({ mt: 'CallMeIn', id: meeting.id });
    say(texts.called);
  };

  const render = (meetings) => {
    const list = $('meetings');
    list.replaceChildren();
    for (const meeting of meetings) {
      const item = document.createElement('li');
      const title = document.createElement('strong');
      title.textContent = meeting.title;
      const when = document.createElement('div');
      when.className = 'when';
      when.textContent = formatTime(meeting);
      const actions = document.createElement('div');
      actions.className = 'row-actions';
      const join = document.createElement('a');
      join.className = 'button';
      join.href = meeting.joinUrl;
      join.target = '_blank';
      join.rel = 'noopener';
      join.textContent = texts.joinBrowser;
      actions.append(
        join,
        button(texts.joinPhone, () => joinByPhone(meeting).catch(failed)),
        button(texts.callMe, () => callMe(meeting).catch(failed), true),
      );
      item.append(title, when, actions);
      list.append(item);
    }
    say(meetings.length === 0 ? texts.none : texts.ready);
  };

  const refresh = () => request({ mt: 'MeetingsList' }).then((answer) => render(answer.meetings));

  const showPresence = (activity) => {
    const badge = $('presence');
    const known = ['available', 'away', 'busy', 'dnd'].includes(activity) ? activity : 'unknown';
    badge.dataset.activity = known;
    badge.textContent = texts[known];
  };

  ws.addEventListener('open', async () => {
    try {
      const { challenge } = await request({ mt: 'AppChallenge' });
      const login = await myApps.getLogin(appName, challenge);
      const answer = await new Promise((resolve) => {
        const src = 'login';
        pending.set(src, resolve);
        ws.send(
          JSON.stringify({
            mt: 'AppLogin',
            src,
            app: login.app,
            domain: login.domain,
            sip: login.sip,
            guid: login.guid,
            dn: login.dn,
            info: login.info,
            digest: login.digest,
          }),
        );
      });
      if (!answer.ok) {
        say(texts.loginFailed);
        return;
      }
      showPresence('unknown');
      myApps.subscribePresence(login.sip, showPresence);
      const create = $('create');
      create.disabled = false;
      create.addEventListener('click', () =>
        request({ mt: 'MeetingCreate' })
          .then(({ meeting }) => {
            showDetails(meeting);
            return refresh();
          })
          .catch(failed),
      );
      await refresh();
    } catch (err) {
      failed(err);
    }
  });
})();
