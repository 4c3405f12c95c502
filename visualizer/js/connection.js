// The page's one connection to the relay: where it is, the access token it must
// present, and the WebSocket itself. It parses each frame (a JSON array of messages)
// and hands it over; it reconnects after a drop, and the relay's `hello` resyncs the page.
//
// The token comes from the page's own URL (`?token=…` or `#token=…`, as printed by
// `dataprism visualize`) and goes to the relay as `?token=…` on the WebSocket URL;
// `?ws=URL` points the page at another relay.

/** The access token in the page's URL, or undefined. */
export function pageToken(href = location.href) {
  const url = new URL(href);
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const fromHash = new URLSearchParams(url.hash.replace(/^#/, '')).get('token');
  return fromHash || undefined;
}

/** The WebSocket URL of the relay that served this page, carrying the page's token. */
export function relayUrl(href = location.href) {
  const page = new URL(href);
  const override = page.searchParams.get('ws');
  const url = new URL(override ?? `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}/ws`);
  const token = pageToken(href);
  if (token && !url.searchParams.has('token')) url.searchParams.set('token', token);
  return url.toString();
}

/** The URL of one of the relay's JSON endpoints (`/api/check`), carrying the page's token. */
export function apiUrl(path, href = location.href) {
  const url = new URL(path, href);
  const token = pageToken(href);
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

/** Connects to the relay; returns a function that disconnects for good. */
export function connect({ onMessages, onStatus, url = relayUrl() }) {
  let socket;
  let stopped = false;
  let retryMs = 250;

  let everOpened = false;
  const open = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
      retryMs = 250;
      everOpened = true;
      onStatus('connected');
    };
    socket.onmessage = (event) => {
      let messages;
      try {
        messages = JSON.parse(event.data);
      } catch {
        return;
      }
      onMessages(Array.isArray(messages) ? messages : [messages]);
    };
    socket.onclose = () => {
      if (stopped) return;
      // A relay that refuses this page (wrong token, foreign origin) answers the upgrade with 403, which a
      // browser reports only as a close before open: say what to do instead of spinning silently.
      onStatus(everOpened ? 'disconnected' : 'cannot connect: open the URL the relay printed (with its ?token=)');
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 4000);
    };
  };
  open();
  return () => {
    stopped = true;
    socket?.close();
  };
}
