// /etc/passwd and /etc/group as text: name -> id. Pure; the readers are
// the doctor (under --root) and the real host's owner lookup.

/** name -> id from passwd (uid, field 3) or group (gid, field 3) text; the first line of a name wins, as in NSS. */
export function parseIdFile(text: string): Map<string, number> {
  const ids = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name === undefined || name === '' || name.startsWith('#') || id === undefined || !/^\d+$/.test(id)) continue;
    if (!ids.has(name)) ids.set(name, Number(id));
  }
  return ids;
}
