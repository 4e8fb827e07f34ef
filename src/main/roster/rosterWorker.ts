// The roster reader's worker thread (started by readRosterInWorker.ts): reads and validates one
// roster file and posts the outcome once. It may be terminated at any moment (a limit, the clock,
// its heap), so it holds nothing that outlives it.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../shared/errors.js';
import { parseRosterRows } from './parseRosterRows.js';
import { readRosterTable } from './readRosterTable.js';
import type { RosterWorkerInput, RosterWorkerReply } from './readRosterInWorker.js';

const input = (workerData as { rosterInput: RosterWorkerInput }).rosterInput;
let reply: RosterWorkerReply;
try {
  const table = await readRosterTable(input.fileName, Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength), input.limits);
  reply = { ok: true, encoding: table.encoding, ...parseRosterRows(table) };
} catch (err) {
  reply = err instanceof AppError ? { ok: false, error: err.toPayload() } : { ok: false, bug: String((err as Error)?.stack ?? err) };
}
parentPort!.postMessage(reply);
