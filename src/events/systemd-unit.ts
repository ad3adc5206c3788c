// The per-connection half of the unit watcher: Subscribe() once, find the
// unit's object (GetUnit, else LoadUnit), make its one proxy and its one
// PropertiesChanged listener, read ActiveState. Every reading, the first
// included, goes through one promise chain so they arrive in bus order.
import dbus from 'dbus-next';
import { VfkeeperError } from '../model/errors.js';
import { errorText, type DbusConnection } from './dbus-connection.js';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
const UNIT = 'org.freedesktop.systemd1.Unit';
const PROPERTIES = 'org.freedesktop.DBus.Properties';

// Only what we call, given up front: introspecting the real manager object
// would fetch a node for every unit on the host at each (re)connect.
const MANAGER_XML = `<node><interface name="${MANAGER}">
<method name="Subscribe"/>
<method name="GetUnit"><arg type="s" direction="in"/><arg type="o" direction="out"/></method>
<method name="LoadUnit"><arg type="s" direction="in"/><arg type="o" direction="out"/></method>
</interface></node>`;
const UNIT_XML = `<node><interface name="${PROPERTIES}">
<method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" direction="out"/></method>
<signal name="PropertiesChanged"><arg type="s"/><arg type="a{sv}"/><arg type="as"/></signal>
</interface></node>`;

export interface UnitStateHandlers {
  /** initial: the reading made when the connection opened; else a change. */
  onReading: (initial: boolean, activeState: string) => void;
  /** A change we could not read (bad value, failed re-read), ending in ", ignoring". */
  onProblem: (message: string) => void;
}

async function callMethod(conn: DbusConnection, iface: dbus.ClientInterface, name: string, ...args: unknown[]): Promise<unknown> {
  const method: unknown = iface[name];
  if (typeof method !== 'function') throw new VfkeeperError('ERR_DBUS_PROXY', `D-Bus proxy has no method ${name}`);
  const result: unknown = Reflect.apply(method, iface, args);
  return conn.call(`calling ${name}`, Promise.resolve(result));
}

function parseObjectPath(value: unknown, what: string): string {
  if (typeof value === 'string' && value.startsWith('/')) return value;
  throw new VfkeeperError('ERR_DBUS_REPLY', `${what} returned ${JSON.stringify(value)}, not an object path`);
}

function parseActiveState(value: unknown): string {
  if (value instanceof dbus.Variant && typeof value.value === 'string') return value.value;
  throw new VfkeeperError('ERR_DBUS_REPLY', `ActiveState is ${JSON.stringify(value)}, not a string`);
}

async function readUnitPath(conn: DbusConnection, manager: dbus.ClientInterface, unit: string): Promise<string> {
  try {
    return parseObjectPath(await callMethod(conn, manager, 'GetUnit', unit), 'GetUnit');
  } catch (err) {
    // Not loaded right now (inactive units get unloaded): loading it gives its object.
    if (!(err instanceof dbus.DBusError) || err.type !== 'org.freedesktop.systemd1.NoSuchUnit') throw err;
    return parseObjectPath(await callMethod(conn, manager, 'LoadUnit', unit), 'LoadUnit');
  }
}

/** Resolves once the first reading has been delivered; the listener lives as long as the connection. */
export async function watchUnitState(conn: DbusConnection, unit: string, handlers: UnitStateHandlers): Promise<void> {
  const { onReading, onProblem } = handlers;
  const managerObject = await conn.call('introspecting systemd', conn.bus.getProxyObject(SYSTEMD, MANAGER_PATH, MANAGER_XML));
  const manager = managerObject.getInterface(MANAGER);
  await callMethod(conn, manager, 'Subscribe');
  const path = await readUnitPath(conn, manager, unit);
  const unitObject = await conn.call(`introspecting ${unit}`, conn.bus.getProxyObject(SYSTEMD, path, UNIT_XML));
  const properties = unitObject.getInterface(PROPERTIES);
  const read = async () => parseActiveState(await callMethod(conn, properties, 'Get', UNIT, 'ActiveState'));
  let chain = read().then((state) => onReading(true, state));
  const first = chain;
  properties.on('PropertiesChanged', (iface: unknown, changed: unknown, invalidated: unknown) => {
    if (iface !== UNIT) return;
    const value: unknown = changed instanceof Object ? Reflect.get(changed, 'ActiveState') : undefined;
    const stale = Array.isArray(invalidated) && invalidated.includes('ActiveState');
    if (value === undefined && !stale) return;
    // Not fatal: the next change, or the next connection, reads it again.
    chain = chain
      .then(async () => onReading(false, value === undefined ? await read() : parseActiveState(value)))
      .catch((err: unknown) => onProblem(`cannot read the new ActiveState of ${unit}: ${errorText(err)}, ignoring`));
  });
  await first;
}
