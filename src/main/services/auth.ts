import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { writeAudit } from '../db/queries/audit.js';
import { listActiveOperators } from '../db/queries/operators.js';
import { createLogger } from '../log/logger.js';
import { verifyPin } from '../security/pinHash.js';
import type { AppContext, Session } from './AppContext.js';

const log = createLogger('auth');

/** PINs are per operator, so the PIN alone says who is logging in. */
export async function login(ctx: AppContext, session: Session, pin: string): Promise<Operator> {
  for (const op of listActiveOperators(ctx.db)) {
    if (await verifyPin(pin, op.pin_hash)) {
      session.operator = { id: op.id, name: op.name, role: op.role };
      writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: op.id, action: 'auth.login', detail: { transport: session.transport } });
      log.info('operator logged in', { operatorId: op.id, role: op.role });
      return session.operator;
    }
  }
  log.warn('wrong PIN');
  throw new AppError('WRONG_PIN');
}

export function logout(ctx: AppContext, session: Session): void {
  if (session.operator) {
    writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: session.operator.id, action: 'auth.logout' });
  }
  session.operator = null;
}
