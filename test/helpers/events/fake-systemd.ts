// A small org.freedesktop.systemd1 on a private bus, exported with
// dbus-next: a Manager with Subscribe/GetUnit/LoadUnit and one Unit object
// whose ActiveState the test sets (each change is a PropertiesChanged
// signal, as systemd sends to subscribers).
import dbus from 'dbus-next';

const { Interface } = dbus.interface;

export function unitObjectPath(unit: string): string {
  // systemd's bus_label_escape: every byte outside [A-Za-z0-9] becomes _XX.
  return `/org/freedesktop/systemd1/unit/${unit.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
}

class Unit extends Interface {
  state = 'inactive';
  subState = 'dead';

  constructor() {
    super('org.freedesktop.systemd1.Unit');
  }

  get ActiveState(): string {
    return this.state;
  }

  get SubState(): string {
    return this.subState;
  }
}
Unit.configureMembers({ properties: { ActiveState: { signature: 's', access: 'read' }, SubState: { signature: 's', access: 'read' } } });

class Manager extends Interface {
  subscribes = 0;
  loaded = false;

  constructor(private readonly unit: string) {
    super('org.freedesktop.systemd1.Manager');
  }

  Subscribe(): void {
    this.subscribes += 1;
  }

  GetUnit(name: string): string {
    if (name !== this.unit || !this.loaded) throw new dbus.DBusError('org.freedesktop.systemd1.NoSuchUnit', `Unit ${name} not loaded.`);
    return unitObjectPath(name);
  }

  LoadUnit(name: string): string {
    if (name !== this.unit) throw new dbus.DBusError('org.freedesktop.systemd1.NoSuchUnit', `Unit ${name} not found.`);
    this.loaded = true;
    return unitObjectPath(name);
  }
}
Manager.configureMembers({
  methods: {
    Subscribe: {},
    GetUnit: { inSignature: 's', outSignature: 'o' },
    LoadUnit: { inSignature: 's', outSignature: 'o' },
  },
});

export class FakeSystemd {
  private readonly bus: dbus.MessageBus;
  readonly manager: Manager;
  private readonly unitIface = new Unit();

  private constructor(address: string, unit: string, state: string) {
    this.bus = dbus.sessionBus({ busAddress: address });
    this.bus.on('error', () => undefined);
    this.manager = new Manager(unit);
    this.unitIface.state = state;
    this.bus.export('/org/freedesktop/systemd1', this.manager);
    this.bus.export(unitObjectPath(unit), this.unitIface);
  }

  static async start(address: string, unit: string, state = 'inactive'): Promise<FakeSystemd> {
    const fake = new FakeSystemd(address, unit, state);
    await fake.bus.requestName('org.freedesktop.systemd1', 0);
    return fake;
  }

  get activeState(): string {
    return this.unitIface.state;
  }

  setActiveState(state: string, subState = state === 'active' ? 'running' : 'dead'): void {
    this.unitIface.state = state;
    this.unitIface.subState = subState;
    Interface.emitPropertiesChanged(this.unitIface, { ActiveState: state, SubState: subState }, []);
  }

  /** A change of another property only, as systemd sends many. */
  setSubState(subState: string): void {
    this.unitIface.subState = subState;
    Interface.emitPropertiesChanged(this.unitIface, { SubState: subState }, []);
  }

  /** ActiveState changed but only announced as invalidated. */
  invalidateActiveState(state: string): void {
    this.unitIface.state = state;
    Interface.emitPropertiesChanged(this.unitIface, {}, ['ActiveState']);
  }

  stop(): void {
    this.bus.disconnect();
  }
}
