// The control socket's protocol: one JSON request per line, one JSON reply
// per line, in order. Pure: parse and format only.
//
//   {"request":"status"}
//   {"request":"reconcile","dryRun":true,"force":false}
//   {"request":"hook","netdev":"enp2s0np0","action":"up","source":"networkmanager"}
//   {"request":"pause","reason":"firmware update"}
//   {"request":"resume"}
//   {"request":"sim","verb":"remove","pci":"0000:02:00.0"}   (a daemon on a simulated host)
//
//   {"ok":true,"result":...}
//   {"ok":false,"error":{"code":"ERR_...","message":"...","hint":"..."}}
//
// Unknown keys are refused, not dropped: a misspelt "dryrun" must not turn a
// dry run into a real one.
// The client's side (replies) is in reply.ts, without zod. zod/mini, as the
// configuration's schema (src/config/schema.ts says why).
import '../model/zod-english.js';
import * as z from 'zod/mini';
import { VfkeeperError } from '../model/errors.js';
import type { ControlReply } from './reply.js';

export { MAX_REPLY_CHARS, parseControlReply, type ControlErrorReply, type ControlReply, type JsonValue } from './reply.js';

/** Longest request line the server reads. */
export const MAX_REQUEST_CHARS = 64 * 1024;

const RequestSchema = z.discriminatedUnion('request', [
  z.strictObject({ request: z.literal('status') }),
  z.strictObject({ request: z.literal('reconcile'), dryRun: z._default(z.boolean(), false), force: z._default(z.boolean(), false) }),
  z.strictObject({
    request: z.literal('hook'),
    netdev: z.string().check(z.maxLength(64)),
    action: z.string().check(z.maxLength(64)),
    source: z.enum(['networkmanager', 'networkd']),
  }),
  z.strictObject({ request: z.literal('pause'), reason: z.string().check(z.minLength(1), z.maxLength(1000)) }),
  z.strictObject({ request: z.literal('resume') }),
  // Test and demo only: change the simulated host a daemon runs against (`vfkeeper sim ...` while it runs).
  z.strictObject({
    request: z.literal('sim'),
    verb: z.enum(['open-vfio', 'close-vfio', 'remove', 'rescan']),
    pci: z.optional(z.string().check(z.maxLength(32))),
  }),
]);

/** A request as sent (defaults filled in once parsed). */
export type ControlRequest = z.input<typeof RequestSchema>;
export type ParsedControlRequest = z.output<typeof RequestSchema>;

function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** One request line -> a request, or ERR_CONTROL_REQUEST saying what is wrong with it. */
export function parseControlRequest(line: string): ParsedControlRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new VfkeeperError('ERR_CONTROL_REQUEST', `control request is not JSON: ${String(e instanceof Error ? e.message : e)}`, {
      hint: 'send one JSON object per line, e.g. {"request":"status"}',
    });
  }
  const parsed = RequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new VfkeeperError('ERR_CONTROL_REQUEST', `control request is invalid: ${describeIssues(parsed.error)}`, {
    hint: 'requests: status, reconcile {dryRun, force}, hook {netdev, action, source}, pause {reason}, resume',
  });
}

export function formatReply(reply: ControlReply): string {
  return `${JSON.stringify(reply)}\n`;
}

export function formatErrorReply(error: VfkeeperError): string {
  return formatReply({
    ok: false,
    error: { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) },
  });
}
