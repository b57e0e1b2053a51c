export { FakeGraph } from './fake-graph.js';
export type { FakeGraphOptions } from './fake-graph.js';
export type { Delivery, FakeSubscription } from './fake-graph-push.js';
export { graphDateTime } from './fake-graph-store.js';
export type { FakeEvent, FakeUser, NewFakeEvent } from './fake-graph-store.js';
