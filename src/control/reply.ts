// The control socket's replies, as the client reads them: checked by hand,
// not by a schema library, since this is all `vfkeeper status` (served by
// the daemon) loads besides the socket; zod alone would double its start
// (bench/RESULTS.md section 3). Pure: parse only. The protocol is told in
// protocol.ts.
import { VfkeeperError } from '../model/errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Longest reply line the client reads (a status of many PFs and relays). */
export const MAX_REPLY_CHARS = 16 * 1024 * 1024;

export type ControlErrorReply = { code: string; message: string; hint?: string };
export type ControlReply = { ok: true; result: JsonValue } | { ok: false; error: ControlErrorReply };

type JsonObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a reply, or null: keys are checked strictly, as the server's own requests are. */
function replyIssue(v: JsonValue): string | null {
  if (!isObject(v)) return 'a reply is an object';
  const extra = Object.keys(v).filter((k) => k !== 'ok' && k !== (v['ok'] === true ? 'result' : 'error'));
  if (v['ok'] !== true && v['ok'] !== false) return 'ok: expected true or false';
  if (extra.length > 0) return `unknown key ${extra.map((k) => JSON.stringify(k)).join(', ')}`;
  if (v['ok'] === true) return 'result' in v ? null : 'result: required';
  const e = v['error'];
  if (!isObject(e)) return 'error: expected an object';
  for (const k of ['code', 'message'] as const) if (typeof e[k] !== 'string') return `error.${k}: expected a string`;
  return e['hint'] === undefined || typeof e['hint'] === 'string' ? null : 'error.hint: expected a string';
}

/** One reply line -> a reply, or ERR_CONTROL_REPLY. */
export function parseControlReply(line: string): ControlReply {
  let value: JsonValue;
  try {
    value = JSON.parse(line) as JsonValue;
  } catch (e) {
    throw new VfkeeperError('ERR_CONTROL_REPLY', `the daemon's reply is not JSON: ${String(e instanceof Error ? e.message : e)}`);
  }
  const issue = replyIssue(value);
  if (issue !== null || !isObject(value)) throw new VfkeeperError('ERR_CONTROL_REPLY', `the daemon's reply is invalid: ${issue ?? ''}`);
  const error = value['error'];
  if (value['ok'] === true) return { ok: true, result: value['result'] ?? null };
  if (!isObject(error)) throw new VfkeeperError('ERR_CONTROL_REPLY', "the daemon's reply is invalid: error");
  const hint = error['hint'];
  return {
    ok: false,
    error: { code: String(error['code']), message: String(error['message']), ...(typeof hint === 'string' ? { hint } : {}) },
  };
}
