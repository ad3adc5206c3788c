// sd-notify ships no types: the part vfkeeper uses (libsystemd's sd_notify).
declare module 'sd-notify' {
  const notify: {
    ready(): void;
    sendStatus(text: string): void;
    sendState(state: string): void;
  };
  export default notify;
}
