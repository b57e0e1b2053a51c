/* global window */
// The only file that talks to the myApps client around the app's iframe (postMessage to the
// parent): the login the PBX signs for us (getLogin -> Login), the phone client API
// (com.innovaphone.phone StartCall) and presence (com.innovaphone.client SubscribePresence).
// Decision 0024 says why this is hand-written and where it would change.
(function () {
  'use strict';
  const listeners = [];
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent) return;
    let message = event.data;
    if (typeof message === 'string') {
      try {
        message = JSON.parse(message);
      } catch {
        return;
      }
    }
    if (typeof message !== 'object' || message === null) return;
    for (const listener of listeners.slice()) listener(message);
  });
  const post = (message) => window.parent.postMessage(JSON.stringify(message), '*');
  const once = (predicate) =>
    new Promise((resolve) => {
      const listener = (message) => {
        if (!predicate(message)) return;
        listeners.splice(listeners.indexOf(listener), 1);
        resolve(message);
      };
      listeners.push(listener);
    });

  window.vcMyApps = {
    /** Asks myApps for a login signed by the PBX for this app and challenge. */
    getLogin(app, challenge) {
      const answer = once((m) => m.mt === 'Login');
      post({ mt: 'getLogin', app, challenge });
      return answer;
    },
    /** One-click call from the user's phone (softphone or desk phone app). */
    startCall(target) {
      post({ api: 'com.innovaphone.phone', mt: 'StartCall', ...target });
    },
    /** Calls `onUpdate(activity)` with the user's presence activity. */
    subscribePresence(sip, onUpdate) {
      listeners.push((m) => {
        if (m.api !== 'com.innovaphone.client' || m.mt !== 'PresenceUpdated' || m.sip !== sip) return;
        const first = Array.isArray(m.presence) ? m.presence[0] : undefined;
        onUpdate(first && first.activity ? first.activity : 'available');
      });
      post({ api: 'com.innovaphone.client', mt: 'SubscribePresence', sip });
    },
  };
})();
