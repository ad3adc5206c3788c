// The dataplane's public face: what composition roots, the demo and tests
// import. Everything else in src/dataplane is an implementation detail.
export type { Forwarder } from './types.js';
export { ZmqForwarder, createZmqForwarder, type ZmqForwarderEndpoints, type ZmqForwarderTuning } from './zmq-forwarder.js';
export { ForwarderClient, type ForwarderClientOptions, type PortOptions } from './client/forwarder-client.js';
export { parseObservedRelay, parseRelayCounters } from './client/relay-observed.js';
export { ForwarderError, isForwarderError, HINT_IPC_PORT_CONTROL, HINT_START_SERVICE, type ForwarderErrorCode } from './forwarder-error.js';
export { ForwarderEmulator, type ForwarderEmulatorOptions, type EmulatorEndpoint } from './emulator/emulator.js';
export type { Misbehaviour } from './emulator/misbehaviour.js';
export type * from './proto/messages.js';
