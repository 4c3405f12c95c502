// The WebSocket to the relay: parses each frame (a JSON array of messages) and
// hands it over; reconnects after a drop, and the relay's `hello` resyncs the page.

/** Connects to the relay that served this page; returns a function that disconnects for good. */
export function connect({ onMessages, onStatus, url = defaultUrl() }) {
  let socket;
  let stopped = false;
  let retryMs = 250;

  const open = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
      retryMs = 250;
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
      onStatus('disconnected');
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

function defaultUrl() {
  const override = new URLSearchParams(location.search).get('ws');
  if (override) return override;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}
