import type { Decider } from '../shared/decider.js';
import type { OrderCommand } from './commands.js';
import { decide } from './decide.js';
import type { OrderEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialOrderState, type OrderState } from './state.js';

export const orderDecider: Decider<OrderCommand, OrderState, OrderEvent> = { decide, evolve, initialState: initialOrderState };


export type { OrderCommand, RefundScope } from './commands.js';
export type { OrderErrorCode } from './errors.js';
export { ORDER_EVENT_VERSIONS, type OrderEvent } from './events.js';
export type { OrderState } from './state.js';
export { priceOrder } from './totals.js';
export { upcastOrderEvent } from './upcasts.js';
export { LIMITS as ORDER_LIMITS } from './validate.js';
