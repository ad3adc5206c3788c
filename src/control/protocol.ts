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
import { z } from 'zod';
import { VfkeeperError } from '../model/errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Longest request line the server reads. */
export const MAX_REQUEST_CHARS = 64 * 1024;
/** Longest reply line the client reads (a status of many PFs and relays). */
export const MAX_REPLY_CHARS = 16 * 1024 * 1024;

const RequestSchema = z.discriminatedUnion('request', [
  z.strictObject({ request: z.literal('status') }),
  z.strictObject({ request: z.literal('reconcile'), dryRun: z.boolean().default(false), force: z.boolean().default(false) }),
  z.strictObject({
    request: z.literal('hook'),
    netdev: z.string().max(64),
    action: z.string().max(64),
    source: z.enum(['networkmanager', 'networkd']),
  }),
  z.strictObject({ request: z.literal('pause'), reason: z.string().min(1).max(1000) }),
  z.strictObject({ request: z.literal('resume') }),
  // Test and demo only: change the simulated host a daemon runs against (`vfkeeper sim ...` while it runs).
  z.strictObject({
    request: z.literal('sim'),
    verb: z.enum(['open-vfio', 'close-vfio', 'remove', 'rescan']),
    pci: z.string().max(32).optional(),
  }),
]);

/** A request as sent (defaults filled in once parsed). */
export type ControlRequest = z.input<typeof RequestSchema>;
export type ParsedControlRequest = z.output<typeof RequestSchema>;

const JsonSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonSchema), z.record(z.string(), JsonSchema)]),
);

const ReplySchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), result: JsonSchema }),
  z.strictObject({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
  }),
]);

export type ControlReply = z.output<typeof ReplySchema>;
export type ControlErrorReply = Extract<ControlReply, { ok: false }>['error'];

function describeIssues(error: z.ZodError): string {
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

/** One reply line -> a reply, or ERR_CONTROL_REPLY. */
export function parseControlReply(line: string): ControlReply {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new VfkeeperError('ERR_CONTROL_REPLY', `the daemon's reply is not JSON: ${String(e instanceof Error ? e.message : e)}`);
  }
  const parsed = ReplySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new VfkeeperError('ERR_CONTROL_REPLY', `the daemon's reply is invalid: ${describeIssues(parsed.error)}`);
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
