/**
 * Which way messages travel right now, in words (R1.4): the connection pill's text, a description for its tooltip
 * and screen readers, and whether a retry control is offered.
 *
 * | mode             | when                                                             | label                   |
 * |------------------|------------------------------------------------------------------|-------------------------|
 * | `connecting`     | the first attempt of this page                                   | Connecting…             |
 * | `websocket`      | live over a WebSocket                                            | Live (WebSocket)        |
 * | `http-streaming` | live over SockJS's HTTP streaming (xhr-streaming, eventsource…)  | Live (HTTP streaming)   |
 * | `http-polling`   | live over SockJS's HTTP polling (xhr-polling…)                   | Live (HTTP polling)     |
 * | `reconnecting`   | the bridge dropped; whether the REST API answers is not known yet | Reconnecting…           |
 * | `http-only`      | the bridge is unreachable, the REST API answers: sends over REST, receives by polling | HTTP only |
 * | `offline`        | neither answers (or the browser says it is offline)              | Offline                 |
 *
 * Pure: `describeConnection()` takes the bus's state and transport and the poller's `reachable`.
 */
import { transportKind } from './bus-client.js';

const MODES = Object.freeze({
  connecting: {
    label: 'Connecting…',
    description: 'Opening the live connection. Messages are sent over HTTP until it is up.',
  },
  live: {
    label: 'Live',
    description: 'Live connection: messages arrive instantly.',
  },
  websocket: {
    label: 'Live (WebSocket)',
    description: 'Live connection over WebSocket: messages arrive instantly.',
  },
  'http-streaming': {
    label: 'Live (HTTP streaming)',
    description: 'Live connection over HTTP streaming (WebSocket is not getting through): messages still arrive instantly.',
  },
  'http-polling': {
    label: 'Live (HTTP polling)',
    description: 'Live connection over HTTP polling (WebSocket is not getting through): messages arrive within seconds.',
  },
  reconnecting: {
    label: 'Reconnecting…',
    description: 'The live connection dropped. Messages are sent over HTTP while it reconnects.',
  },
  'http-only': {
    label: 'HTTP only',
    description: 'The live connection is unreachable: messages are sent over HTTP and new ones are checked for every few seconds. Homeroom keeps trying to reconnect.',
  },
  offline: {
    label: 'Offline',
    description: 'Homeroom cannot reach the server. Messages you write wait in this browser and are sent when it is back.',
  },
});

/**
 * @param {{state: string, transport?: string|null, failedAttempts?: number, reachable?: boolean|null, online?: boolean}} input
 *   `state`: the bus's state; `transport`: its live transport's name; `failedAttempts`: the bus's; `reachable`: the
 *   poller's; `online`: `navigator.onLine`
 * @returns {{mode: string, label: string, description: string, live: boolean, degraded: boolean, canRetry: boolean}}
 *   `degraded`: not the best way (anything but a live WebSocket); `canRetry`: offer "Retry now"
 */
export function describeConnection({ state, transport = null, failedAttempts = 0, reachable = null, online = true }) {
  let mode;
  if (state === 'live') mode = transportKind(transport) ?? 'live';
  else if (state === 'connecting' && failedAttempts === 0) mode = 'connecting';
  else if (online === false || reachable === false) mode = 'offline';
  else if (reachable === true) mode = 'http-only';
  else mode = 'reconnecting';
  const live = state === 'live';
  return {
    mode,
    ...MODES[mode],
    live,
    degraded: !['websocket', 'live', 'connecting'].includes(mode),
    canRetry: !['websocket', 'live', 'connecting'].includes(mode),
  };
}
